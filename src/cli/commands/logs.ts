import type { Command } from 'commander';
import { deployments } from '../deployments';
import { locateDeployment } from '../projects';
import { runCommand, usageError } from '../run';

export function logsCommand(program: Command): void {
  program
    .command('logs <name>')
    .description("print a deployment's logs; --follow keeps printing new lines until Ctrl-C")
    .option('-f, --follow', 'follow the log live')
    .option('--tail <lines>', 'only the last N lines')
    .option('--timestamps', 'prefix each line with its timestamp')
    .option('--project <dir>', 'the R project that holds the deployment')
    .action((name: string, opts: { follow?: boolean; tail?: string; timestamps?: boolean; project?: string }) =>
      runCommand(program.opts(), async ({ cwd, signal }) => {
        const tail = opts.tail === undefined ? undefined : Number(opts.tail);
        if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw usageError(`--tail ${opts.tail} is not a number of lines.`);
        const at = await locateDeployment(name, cwd, opts.project);
        const events = deployments().logs(at, { follow: opts.follow, tail, signal });
        for await (const e of events) {
          process.stdout.write(`${opts.timestamps ? `${e.timestamp} ` : ''}${e.message}\n`);
        }
      }),
    );
}
