import { Option, type Command } from 'commander';
import { AppError } from '../../core/errors';
import { targetLabel } from '../../targets/catalogue';
import { addDeployFlags, resolveDeploy, type DeployFlags } from '../deployOptions';
import { deployments } from '../deployments';
import { print } from '../output';
import { runCommand } from '../run';

export function dockerfileCommand(program: Command): void {
  addDeployFlags(program.command('dockerfile [dir]'))
    .description('print the Dockerfile a deploy would build, exactly (the target chooses how the runtime serves)')
    .addOption(new Option('--runtime', "print instead the Dockerfile of the shared R Deploy runtime image the project's starts FROM"))
    .action((dir: string | undefined, opts: DeployFlags & { runtime?: boolean }) =>
      runCommand(program.opts(), async ({ cwd }) => {
        const { project, target, options } = await resolveDeploy(dir, opts, cwd);
        // The plan's own Dockerfiles: what you read is what the deploy sends to the engine.
        const plan = deployments().plan(project, target, options);
        const text = opts.runtime ? plan.dockerfiles?.runtime : plan.dockerfiles?.image;
        if (text === undefined) throw new AppError('usage', `The ${targetLabel(target)} target builds no ${opts.runtime ? 'runtime image' : 'image'} for this project.`);
        process.stdout.write(text);
        if (!text.endsWith('\n')) print();
      }),
    );
}
