import { createHash } from 'node:crypto';
import type { RProject } from '../../core/project/model';
import { AppError } from '../../core/errors';
import type { DeployOptions, Plan } from '../Target';
import type { BuildInputs, BuildInputsFactory } from './buildInputs';

/** Labels on every container and image we create: how destroy and tests find them again. */
export const LABEL_PROJECT = 'rdeploy-project';
export const LABEL_DEPLOYMENT = 'rdeploy-deployment';

export function localLabels(projectRoot: string, name: string): Record<string, string> {
  return { [LABEL_PROJECT]: projectRoot, [LABEL_DEPLOYMENT]: name };
}

/** Docker label filters that select exactly one deployment's objects. */
export function labelFilters(projectRoot: string, name: string): { label: string[] } {
  return { label: [`${LABEL_PROJECT}=${projectRoot}`, `${LABEL_DEPLOYMENT}=${name}`] };
}

export const containerName = (name: string): string => `rdeploy-${name}`;
export const imageRepository = (name: string): string => `rdeploy/${name}`;

/** The base image users get when they do not choose one: rocker's image of their R version. */
export function defaultBaseImage(project: RProject): string {
  return `rocker/r-ver:${project.rVersion ?? 'latest'}`;
}

export interface LocalPlanDetails {
  imageTag: string;
  container: string;
  /** 0: a free port on 127.0.0.1 is chosen at deploy time. */
  port: number;
  baseImage: string;
  mode: 'http';
  build: BuildInputs;
}

/** Pure: everything a local deploy will do, as data. */
export function planLocal(project: RProject, options: DeployOptions, buildInputs: BuildInputsFactory): Plan {
  const baseImage = options.baseImage ?? defaultBaseImage(project);
  const exclude = options.exclude;
  const build = buildInputs(project, { baseImage, mode: 'http', ...(exclude ? { exclude } : {}) });
  const port = options.port ?? 0;
  const details: LocalPlanDetails = {
    imageTag: `${imageRepository(options.name)}:${inputsHash(build)}`,
    container: containerName(options.name),
    port,
    baseImage,
    mode: 'http',
    build,
  };
  return {
    target: 'local',
    name: options.name,
    project,
    resources: [
      { kind: 'image', id: details.imageTag, description: `Docker image built from ${baseImage}` },
      {
        kind: 'container',
        id: details.container,
        description: `container serving POST /invocations on 127.0.0.1:${port || '<free port>'} (host network)`,
      },
    ],
    details: details as unknown as Record<string, unknown>,
    estimatedMonthlyCostUsd: 0,
  };
}

/** The plan's details, checked: a plan is data and may have come from elsewhere. */
export function localDetails(plan: Plan): LocalPlanDetails {
  const d = plan.details as Partial<LocalPlanDetails>;
  if (plan.target !== 'local' || typeof d.imageTag !== 'string' || typeof d.container !== 'string' || typeof d.port !== 'number' || !d.build) {
    throw new AppError('internal', `The plan for "${plan.name}" is not a local Docker plan.`);
  }
  return d as LocalPlanDetails;
}

/**
 * A short hash of what goes into the image besides the project files, so that a changed
 * lockfile or runtime gives a new tag. Project files are not hashed here (plan stays pure);
 * deploy removes the image a tag used to point to.
 */
function inputsHash(build: BuildInputs): string {
  const h = createHash('sha256');
  h.update(build.dockerfile).update('\0').update(build.dockerignore).update('\0');
  for (const f of [...build.files].sort((a, b) => a.path.localeCompare(b.path))) {
    h.update(f.path).update('\0');
    h.update(f.content !== undefined ? f.content : `source:${f.source ?? ''}`).update('\0');
  }
  return h.digest('hex').slice(0, 12);
}
