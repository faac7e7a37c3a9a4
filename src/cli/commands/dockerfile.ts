import type { Command } from 'commander';
import { readConfig } from '../../core/config';
import { generateDockerfile, renderDockerfile } from '../../core/docker/dockerfile';
import { loadProject } from '../../core/project/loadProject';
import { print } from '../output';
import { projectDir } from '../projects';
import { runCommand } from '../run';

export function dockerfileCommand(program: Command): void {
  program
    .command('dockerfile [dir]')
    .description('print the Dockerfile that would be built for the project')
    .option('--base-image <image>', 'base image (default: rocker/r-ver:<R version>)')
    .option('--handler <file.function>', 'the handler, like score.score')
    .action((dir: string | undefined, opts: { baseImage?: string; handler?: string }) =>
      runCommand(program.opts(), async ({ cwd }) => {
        const root = await projectDir(dir, cwd);
        const config = await readConfig(root);
        const project = await loadProject(root, { handler: opts.handler });
        const spec = generateDockerfile(project, { baseImage: opts.baseImage ?? config.baseImage, mode: 'http' });
        process.stdout.write(renderDockerfile(spec));
        if (!renderDockerfile(spec).endsWith('\n')) print();
      }),
    );
}
