import type { Command } from 'commander';
import { getTarget } from '../../targets/registry';
import { print, printJson } from '../output';
import { locateDeployment } from '../projects';
import { runCommand } from '../run';

export function statusCommand(program: Command): void {
  program
    .command('status <name>')
    .description('show whether a deployment is running, and its record')
    .option('--project <dir>', 'the R project that holds the deployment')
    .option('--json', 'print JSON')
    .action((name: string, opts: { project?: string; json?: boolean }) =>
      runCommand(program.opts(), async ({ cwd }) => {
        const { record } = await locateDeployment(name, cwd, opts.project);
        const live = await getTarget(record.target).status(record);
        if (opts.json) return printJson({ name: record.name, state: live.state, detail: live.detail ?? null, record });
        print(`${record.name}: ${live.state}${live.detail ? ` (${live.detail})` : ''}`);
        print(`  target    ${record.target}`);
        print(`  endpoint  ${record.endpoint ?? '-'}`);
        print(`  handler   ${record.handler}`);
        print(`  project   ${record.projectRoot}`);
        print(`  updated   ${record.updatedAt}`);
        if (record.error) print(`  last error: ${record.error}`);
      }),
    );
}
