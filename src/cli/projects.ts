import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { AppError } from '../core/errors';
import { findProjects } from '../core/project/findProjects';
import { readTombstone, recordPath } from '../core/records/store';
import { listDeployments, type DeploymentList, type Located } from '../targets/lifecycle/records';

/** The project folder a command works on: the argument, else the current directory. */
export async function projectDir(dir: string | undefined, cwd: string): Promise<string> {
  const root = path.resolve(cwd, dir ?? '.');
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new AppError('project-not-found', `${root} is not a folder. Pass the folder of your R project.`);
  return root;
}

/**
 * Where deployment records may be: the given project, else the project that encloses the
 * current directory and every project below it (so `rdeploy invoke NAME` works from a
 * repository root that holds several projects).
 */
async function searchRoots(cwd: string, project: string | undefined): Promise<string[]> {
  if (project) return [await projectDir(project, cwd)];
  const roots = new Set<string>();
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (await stat(path.join(dir, '.rdeploy')).catch(() => undefined)) roots.add(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const root of await findProjects(cwd, { maxDepth: 4 })) roots.add(root);
  return [...roots];
}

export type { Located };

/** Every deployment of the projects in reach, and the record files that could not be read. */
export async function allDeployments(cwd: string, project: string | undefined): Promise<DeploymentList> {
  const out: DeploymentList = { deployments: [], problems: [] };
  for (const root of await searchRoots(cwd, project)) {
    const { deployments: found, problems } = await listDeployments(root);
    out.deployments.push(...found);
    out.problems.push(...problems);
  }
  return out;
}

export async function locateDeployment(name: string, cwd: string, project: string | undefined): Promise<Located> {
  const { deployments, problems } = await allDeployments(cwd, project);
  const matches = deployments.filter((d) => d.record.name === name);
  if (matches.length === 0) {
    const broken = problems.find((p) => p.name === name);
    if (broken) throw broken.error;
    throw new AppError(
      'not-found',
      `No deployment named "${name}" in ${project ?? cwd} or the R projects below it. ` +
        'Run `rdeploy ls` to see the deployments, or pass --project <dir>.',
    );
  }
  if (matches.length > 1) {
    const where = matches.map((m) => m.root).join(', ');
    throw new AppError('usage', `Several projects have a deployment named "${name}" (${where}). Pass --project <dir> to choose.`);
  }
  return matches[0]!;
}

/**
 * The project whose deployment `name` destroy should remove: the one with a record file of that
 * name (readable or not), else one that destroyed it before, else the project named with
 * --project or the current folder when it is an R project (its labels are swept).
 */
export async function locateForDestroy(name: string, cwd: string, project: string | undefined): Promise<string | undefined> {
  const roots = await searchRoots(cwd, project);
  const withRecord: string[] = [];
  for (const root of roots) if (await stat(recordPath(root, name)).catch(() => undefined)) withRecord.push(root);
  if (withRecord.length > 1) {
    throw new AppError('usage', `Several projects have a deployment named "${name}" (${withRecord.join(', ')}). Pass --project <dir> to choose.`);
  }
  if (withRecord.length === 1) return withRecord[0];
  for (const root of roots) if (await readTombstone(root, name)) return root;
  if (project) return projectDir(project, cwd);
  return roots.includes(cwd) ? cwd : undefined;
}
