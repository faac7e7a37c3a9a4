import { Option, type Command } from 'commander';
import { AppError } from '../core/errors';
import { defaultDeploymentName } from '../core/names';
import { loadProject } from '../core/project/loadProject';
import type { RProject } from '../core/project/model';
import { DEPLOYMENT_NAME } from '../core/records/record';
import { CATALOGUE, TARGET_KINDS, type TargetKind } from '../targets/catalogue';
import { readConfig, resolveSettings } from '../targets/config';
import type { PlanOptions } from '../targets/Target';
import { projectDir } from './projects';

export interface DeployFlags {
  target?: string;
  name?: string;
  baseImage?: string;
  builderImage?: string;
  port?: string;
  handler?: string;
  set?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The flags `plan` and `deploy` share; flags win over rdeploy.json, which wins over defaults. */
export function addDeployFlags(cmd: Command): Command {
  const targets = CATALOGUE.map((e) => `${e.kind} (${e.label})`).join(', ');
  return cmd
    .addOption(new Option('--target <target>', `where to deploy: ${targets}`).choices([...TARGET_KINDS]))
    .option('--name <name>', 'deployment name (default: rdeploy.json "name", else the folder name)')
    .option('--base-image <image>', 'base image for the container (default: rocker/r-ver:<R version>)')
    .option('--builder-image <image>', 'lambda: the image the layers are built in (default: Amazon Linux 2023 with R); same as --base-image there')
    .option('--set <key=value>', "a setting of the target, e.g. --set port=8080 (repeatable; see rdeploy.json's \"targets\")", collect)
    .option('--port <port>', 'local target: the port on 127.0.0.1 (same as --set port=P)')
    .option('--handler <file.function>', 'the handler, like score.score');
}

export interface ResolvedDeploy {
  project: RProject;
  target: TargetKind;
  options: PlanOptions;
  /** Remarks for the user (deprecated keys). */
  notes: string[];
}

export async function resolveDeploy(dir: string | undefined, flags: DeployFlags, cwd: string): Promise<ResolvedDeploy> {
  const root = await projectDir(dir, cwd);
  const { config, notes } = await readConfig(root);
  const project = await loadProject(root, { handler: flags.handler });
  const name = flags.name ?? defaultDeploymentName(root, config.name);
  if (!DEPLOYMENT_NAME.test(name)) {
    throw new AppError('usage', `"${name}" is not a valid deployment name: use lower-case letters, digits and "-" (at most 63).`);
  }
  const target = (flags.target ?? config.target ?? 'local') as TargetKind;
  const sets = [...(flags.set ?? [])];
  if (flags.port !== undefined) {
    if (target !== 'local') throw new AppError('usage', `--port applies to the local target only; for ${target}, use --set KEY=VALUE.`);
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AppError('usage', `--port ${flags.port} is not a port number (0-65535).`);
    sets.push(`port=${port}`);
  }
  const settings = resolveSettings(target, config, sets);
  if (flags.builderImage && flags.baseImage && flags.builderImage !== flags.baseImage) {
    throw new AppError('usage', '--builder-image and --base-image name the same image for a target that builds layers: give one of them.');
  }
  const baseImage = flags.builderImage ?? flags.baseImage ?? config.baseImage;
  return { project, target, options: { name, baseImage, exclude: config.exclude, settings }, notes };
}
