import type { Command } from 'commander';
import * as path from 'node:path';
import { listPayloads } from '../../core/payloads';
import { addDeployFlags, resolveDeploy, type DeployFlags } from '../deployOptions';
import { deployments } from '../deployments';
import { note, print, printJson } from '../output';
import { createProgress } from '../progress';
import { runCommand } from '../run';

export function deployCommand(program: Command): void {
  addDeployFlags(program.command('deploy [dir]'))
    .description('build the project into an image and deploy it (default target: local Docker)')
    .option('--json', 'print the deployment record as JSON')
    .action((dir: string | undefined, opts: DeployFlags & { json?: boolean }) =>
      runCommand(program.opts(), async ({ cwd, signal, verbose }) => {
        const { project, target, options, notes } = await resolveDeploy(dir, opts, cwd);
        for (const n of notes) note(`rdeploy: note: ${n}`);
        for (const w of project.warnings) note(`rdeploy: warning: ${w}`);
        const plan = deployments().plan(project, target, options);
        const progress = createProgress({ verbose, quiet: false });
        const record = await deployments().deploy(plan, { signal, progress });
        progress.stop('ok');
        if (opts.json) return printJson(record);
        print(`Deployed "${record.name}" (${record.target}) at ${record.endpoint ?? '-'}`);
        const [sample] = await listPayloads(project.root);
        const rel = path.relative(cwd, project.root);
        const where = rel === '' ? '' : ` --project ${rel.startsWith('..') ? project.root : rel}`;
        note(`Try it: rdeploy invoke ${record.name}${where} ${sample ? `--payload ${sample.name}` : "--data '{...}'"}`);
      }),
    );
}
