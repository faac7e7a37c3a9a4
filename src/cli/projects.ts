import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { AppError } from '../core/errors';
import { findProjects } from '../core/project/findProjects';
import type { DeploymentRecord } from '../core/records/record';
import { listRecords } from '../core/records/store';

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

export interface Located {
  root: string;
  record: DeploymentRecord;
}

export async function allDeployments(cwd: string, project: string | undefined): Promise<Located[]> {
  const found: Located[] = [];
  for (const root of await searchRoots(cwd, project)) {
    const { records } = await listRecords(root);
    for (const record of records) found.push({ root, record });
  }
  return found;
}

export async function locateDeployment(name: string, cwd: string, project: string | undefined): Promise<Located> {
  const matches = (await allDeployments(cwd, project)).filter((d) => d.record.name === name);
  if (matches.length === 0) {
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
