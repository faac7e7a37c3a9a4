import type { Command } from 'commander';
import { note, print, printJson, table } from '../output';
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
        const { deployments: found, problems } = await allDeployments(cwd, opts.project);
        if (opts.json) {
          // Problems are listed apart so that the array of records keeps its shape for scripts.
          if (problems.length) note(`rdeploy: ${problems.length} deployment record(s) could not be read: ${problems.map((p) => p.file).join(', ')}`);
          return printJson(found.map((f) => f.record));
        }
        if (found.length === 0 && problems.length === 0) return print('No deployments. Deploy one with: rdeploy deploy <project dir>');
        const rows = found.map(({ record: r }) => [r.name, r.target, r.status, r.endpoint ?? '-', r.projectRoot]);
        for (const p of problems) rows.push([p.name, p.target ?? '?', 'unreadable', '-', p.file]);
        print(table(['NAME', 'TARGET', 'STATUS', 'ENDPOINT', 'PROJECT'], rows));
        for (const p of problems) note(`rdeploy: ${p.error.message}`);
      }),
    );
}
