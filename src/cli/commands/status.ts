import type { Command } from 'commander';
import { deploymentState } from '../../core/view/deploymentState';
import { deployments } from '../deployments';
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
        const at = await locateDeployment(name, cwd, opts.project);
        const { record } = at;
        // While an operation runs (or was interrupted), the record says more than the engine.
        const busy = record.status === 'deploying' || record.status === 'destroying' || record.status === 'interrupted';
        const live = busy ? undefined : await deployments().status(at);
        const state = deploymentState(record, live && { status: live });
        const detail = live?.detail ?? (record.status === 'interrupted' ? 'the process that was deploying or destroying it stopped; run `rdeploy destroy ' + record.name + '` or deploy again' : undefined);
        if (opts.json) return printJson({ name: record.name, state, detail: detail ?? null, record });
        print(`${record.name}: ${state}${detail ? ` (${detail})` : ''}`);
        print(`  target    ${record.target}`);
        print(`  endpoint  ${record.endpoint ?? '-'}`);
        print(`  handler   ${record.handler}`);
        print(`  project   ${record.projectRoot}`);
        print(`  updated   ${record.updatedAt}`);
        if (record.error) print(`  last error: ${record.error}`);
      }),
    );
}
