import type { Dirent } from 'node:fs';
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, throwIfAborted } from '../errors';
import { isSkippedDir, listDir } from './walk';

export interface FindProjectsOptions {
  signal?: AbortSignal;
  /** How many folder levels below `folder` to look; default 6. */
  maxDepth?: number;
  /** Handler file name that marks a project; default `score.R`. */
  handlerFile?: string;
}

const MARKER_FILES = ['DESCRIPTION', 'renv.lock'];

/** True when the folder's entries show an R project (packrat.lock needs one extra look). */
export async function isProjectDir(dir: string, entries: Dirent[], handlerFile = 'score.R'): Promise<boolean> {
  for (const e of entries) {
    if (!e.isFile()) continue;
    if (MARKER_FILES.includes(e.name) || e.name === handlerFile || e.name.endsWith('.Rproj')) return true;
  }
  if (!entries.some((e) => e.isDirectory() && e.name === 'packrat')) return false;
  return access(path.join(dir, 'packrat', 'packrat.lock')).then(
    () => true,
    () => false,
  );
}

/**
 * R project roots under `folder` (itself included), sorted. Nested projects are reported too
 * (a folder of examples holds several), but a root's own renv/ and packrat/ are never entered.
 */
export async function findProjects(folder: string, options: FindProjectsOptions = {}): Promise<string[]> {
  const start = path.resolve(folder);
  const maxDepth = options.maxDepth ?? 6;
  const top = await listDir(start);
  if (top.length === 0 && !(await access(start).then(() => true, () => false))) {
    throw new AppError('project-not-found', `${start} does not exist or cannot be read. Open an existing folder.`);
  }
  const roots: string[] = [];
  const visit = async (dir: string, entries: Dirent[], depth: number): Promise<void> => {
    throwIfAborted(options.signal);
    const isRoot = await isProjectDir(dir, entries, options.handlerFile);
    if (isRoot) roots.push(dir);
    if (depth >= maxDepth) return;
    for (const e of entries) {
      if (!e.isDirectory() || isSkippedDir(e.name, path.basename(dir))) continue;
      if (isRoot && (e.name === 'renv' || e.name === 'packrat')) continue;
      const child = path.join(dir, e.name);
      await visit(child, await listDir(child), depth + 1);
    }
  };
  await visit(start, top, 0);
  return roots.sort();
}
