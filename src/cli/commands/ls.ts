import type { Command } from 'commander';
import { print, printJson, table } from '../output';
import { allDeployments } from '../projects';
import { runCommand } from '../run';

export function lsCommand(program: Command): void {
  program
    .command('ls')
    .description('list the deployments of the R projects in and below the current folder')
    .option('--project <dir>', 'only this R project')
    .option('--json', 'print JSON')
    .action((opts: { project?: string; json?: boolean }) =>
      runCommand(program.opts(), async ({ cwd }) => {
        const found = await allDeployments(cwd, opts.project);
        if (opts.json) return printJson(found.map((f) => f.record));
        if (found.length === 0) return print('No deployments. Deploy one with: rdeploy deploy <project dir>');
        const rows = found.map(({ record: r }) => [r.name, r.target, r.status, r.endpoint ?? '-', r.projectRoot]);
        print(table(['NAME', 'TARGET', 'STATUS', 'ENDPOINT', 'PROJECT'], rows));
      }),
    );
}
