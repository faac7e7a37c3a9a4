import { Option, type Command } from 'commander';
import { readConfig } from '../core/config';
import { AppError } from '../core/errors';
import { defaultDeploymentName } from '../core/names';
import { loadProject } from '../core/project/loadProject';
import type { RProject } from '../core/project/model';
import { DEPLOYMENT_NAME } from '../core/records/record';
import type { DeployOptions, TargetKind } from '../targets/Target';
import { TARGET_KINDS } from '../targets/registry';
import { projectDir } from './projects';

export interface DeployFlags {
  target?: string;
  name?: string;
  baseImage?: string;
  port?: string;
  handler?: string;
}

/** The flags `plan` and `deploy` share; flags win over rdeploy.json, which wins over defaults. */
export function addDeployFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--target <target>', 'where to deploy').choices([...TARGET_KINDS]))
    .option('--name <name>', 'deployment name (default: rdeploy.json "name", else the folder name)')
    .option('--base-image <image>', 'base image for the container (default: rocker/r-ver:<R version>)')
    .option('--port <port>', 'local port to serve on (default: a free port)')
    .option('--handler <file.function>', 'the handler, like score.score');
}

export async function resolveDeploy(
  dir: string | undefined,
  flags: DeployFlags,
  cwd: string,
): Promise<{ project: RProject; target: TargetKind; options: DeployOptions }> {
  const root = await projectDir(dir, cwd);
  const config = await readConfig(root);
  const project = await loadProject(root, { handler: flags.handler });
  const name = flags.name ?? defaultDeploymentName(root, config.name);
  if (!DEPLOYMENT_NAME.test(name)) {
    throw new AppError('usage', `"${name}" is not a valid deployment name: use lower-case letters, digits and "-" (at most 63).`);
  }
  let port = config.port;
  if (flags.port !== undefined) {
    port = Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new AppError('usage', `--port ${flags.port} is not a port number (0-65535).`);
    }
  }
  const target = (flags.target ?? config.target ?? 'local') as TargetKind;
  return { project, target, options: { name, baseImage: flags.baseImage ?? config.baseImage, port, exclude: config.exclude } };
}
