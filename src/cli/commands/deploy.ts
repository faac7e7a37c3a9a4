import type { Command } from 'commander';
import * as path from 'node:path';
import { listPayloads } from '../../core/payloads';
import { getTarget } from '../../targets/registry';
import { addDeployFlags, resolveDeploy, type DeployFlags } from '../deployOptions';
import { note, print, printJson } from '../output';
import { createProgress } from '../progress';
import { runCommand } from '../run';

export function deployCommand(program: Command): void {
  addDeployFlags(program.command('deploy [dir]'))
    .description('build the project into an image and deploy it (default target: local Docker)')
    .option('--json', 'print the deployment record as JSON')
    .action((dir: string | undefined, opts: DeployFlags & { json?: boolean }) =>
      runCommand(program.opts(), async ({ cwd, signal, verbose }) => {
        const { project, target, options } = await resolveDeploy(dir, opts, cwd);
        for (const w of project.warnings) note(`rdeploy: warning: ${w}`);
        const impl = getTarget(target);
        const plan = impl.plan(project, options);
        const progress = createProgress({ verbose, quiet: false });
        let record;
        try {
          record = await impl.deploy(plan, { signal, progress });
        } finally {
          progress.stop();
        }
        if (opts.json) return printJson(record);
        print(`Deployed "${record.name}" (${record.target}) at ${record.endpoint ?? '-'}`);
        const [sample] = await listPayloads(project.root);
        const rel = path.relative(cwd, project.root);
        const where = rel === '' ? '' : ` --project ${rel.startsWith('..') ? project.root : rel}`;
        note(`Try it: rdeploy invoke ${record.name}${where} ${sample ? `--payload ${sample.name}` : "--data '{...}'"}`);
      }),
    );
}
