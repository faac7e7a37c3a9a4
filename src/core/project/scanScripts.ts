import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Lockfile, RPackage } from './model';
import { BASE_PACKAGES } from './dependencies';
import { UNPINNED_WARNING } from './description';
import { extractRChunks, findPackageUses } from './rCode';
import { checkPackageName } from './validate';
import { isSkippedDir, listDir } from './walk';

const SCRIPT = /\.(R|r)$/;
const DOCUMENT = /\.(Rmd|rmd|qmd)$/;
/** Bounds so that pointing at a huge folder stays quick. */
const MAX_DEPTH = 8;
const MAX_FILES = 5000;
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Packages used by a project's .R/.Rmd/.qmd files, for projects with no lockfile and no
 * DESCRIPTION. Skips the project's own renv/ and packrat/ folders (renv/activate.R is renv's
 * code, not the user's) and the folders `isSkippedDir` names.
 */
export async function scanScripts(root: string): Promise<Lockfile> {
  const files = await collectFiles(root);
  const names: string[] = [];
  for (const file of files) {
    const info = await stat(file).catch(() => undefined);
    if (!info || info.size > MAX_FILE_BYTES) continue;
    const text = await readFile(file, 'utf8').catch(() => '');
    const code = DOCUMENT.test(file) ? extractRChunks(text) : text;
    for (const name of findPackageUses(code)) {
      if (BASE_PACKAGES.has(name) || checkPackageName(name) || names.includes(name)) continue;
      names.push(name);
    }
  }
  names.sort((a, b) => a.localeCompare(b, 'en'));
  const packages: RPackage[] = names.map((name) => ({ name, source: 'repository' }));
  return { kind: 'scripts', path: root, repositories: [], packages, warnings: [UNPINNED_WARNING] };
}

async function collectFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    for (const entry of await listDir(dir)) {
      if (files.length >= MAX_FILES) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth >= MAX_DEPTH || isSkippedDir(entry.name, path.basename(dir))) continue;
        if (dir === root && (entry.name === 'renv' || entry.name === 'packrat')) continue;
        await visit(full, depth + 1);
      } else if (entry.isFile() && (SCRIPT.test(entry.name) || DOCUMENT.test(entry.name))) {
        files.push(full);
      }
    }
  };
  await visit(root, 0);
  return files.sort();
}
