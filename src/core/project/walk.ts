import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';

/**
 * Which folders a project search or script scan never enters: installed libraries (their
 * DESCRIPTION files would look like projects), package caches, VCS and tool state.
 */
export function isSkippedDir(name: string, parentName: string): boolean {
  if (name.startsWith('.')) return true; // .git, .rdeploy, .Rproj.user, other hidden dirs
  if (name === 'node_modules') return true;
  if (parentName === 'renv' && (name === 'library' || name === 'staging')) return true;
  if (parentName === 'packrat' && (name.startsWith('lib') || name === 'src')) return true;
  return false;
}

/** Lists a folder; unreadable folders (permissions, races with deletion) count as empty. */
export async function listDir(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
