import type { Command } from 'commander';
import { getTarget } from '../../targets/registry';
import { print, printJson } from '../output';
import { createProgress } from '../progress';
import { locateDeployment } from '../projects';
import { runCommand } from '../run';

export function destroyCommand(program: Command): void {
  program
    .command('destroy <name>')
    .description('remove a deployment and everything it created (containers, images); safe to repeat')
    .option('--project <dir>', 'the R project that holds the deployment')
    .option('--json', 'print JSON')
    .action((name: string, opts: { project?: string; json?: boolean }) =>
      runCommand(program.opts(), async ({ cwd, signal, verbose }) => {
        const { record } = await locateDeployment(name, cwd, opts.project);
        const progress = createProgress({ verbose, quiet: Boolean(opts.json) });
        try {
          await getTarget(record.target).destroy(record, { signal, progress });
        } finally {
          progress.stop();
        }
        const removed = record.resources.filter((r) => r.state !== 'deleted').map((r) => `${r.kind} ${r.id}`);
        if (opts.json) return printJson({ name, destroyed: true, removed });
        print(`Destroyed "${name}"${removed.length ? `: removed ${removed.join(', ')}` : ''}`);
      }),
    );
}
