import { Option, type Command } from 'commander';
import { generateDockerfile, renderDockerfile } from '../../core/docker/dockerfile';
import { loadProject } from '../../core/project/loadProject';
import { TARGET_KINDS, type TargetKind } from '../../targets/catalogue';
import { shippedRuntimeInstall } from '../../targets/image/generatedBuildInputs';
import { readConfig, resolveSettings } from '../../targets/config';
import { deployments } from '../deployments';
import { print } from '../output';
import { projectDir } from '../projects';
import { runCommand } from '../run';

export function dockerfileCommand(program: Command): void {
  program
    .command('dockerfile [dir]')
    .description('print the Dockerfile that would be built for the project (the target chooses how the runtime serves)')
    .addOption(new Option('--target <target>', 'the target the image is for (default: rdeploy.json "target", else local)').choices([...TARGET_KINDS]))
    .option('--base-image <image>', 'base image (default: rocker/r-ver:<R version>)')
    .option('--handler <file.function>', 'the handler, like score.score')
    .option('--runtime', "print instead the Dockerfile of the shared R Deploy runtime image the project's starts FROM")
    .action((dir: string | undefined, opts: { target?: TargetKind; baseImage?: string; handler?: string; runtime?: boolean }) =>
      runCommand(program.opts(), async ({ cwd }) => {
        const root = await projectDir(dir, cwd);
        const { config } = await readConfig(root);
        const project = await loadProject(root, { handler: opts.handler });
        const kind = opts.target ?? config.target ?? 'local';
        const mode = deployments().target(kind).runtimeMode(resolveSettings(kind, config));
        const spec = generateDockerfile(project, { baseImage: opts.baseImage ?? config.baseImage, mode, runtime: shippedRuntimeInstall() });
        const text = opts.runtime ? spec.runtime!.dockerfile : renderDockerfile(spec);
        process.stdout.write(text);
        if (!text.endsWith('\n')) print();
      }),
    );
}
