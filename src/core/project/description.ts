import type { Lockfile, RPackage } from './model';
import { DcfError, parseDcf, type DcfBlock } from './dcf';
import { BASE_PACKAGES, parseDependencies } from './dependencies';
import { lockfileInvalid } from './lockfileError';

/** Shown for DESCRIPTION- and script-only projects: nothing pins a version. */
export const UNPINNED_WARNING =
  'Package versions are not pinned (no renv.lock or packrat.lock), so the image is not reproducible: ' +
  'each build installs whatever versions are current. Run renv::init() (or renv::snapshot() if renv is ' +
  'already set up) in the project to write renv.lock.';

const DEPENDENCY_FIELDS = ['Depends', 'Imports', 'LinkingTo'] as const;

/**
 * Reads a DESCRIPTION file's Depends/Imports/LinkingTo as unpinned CRAN-like packages. An
 * `R (>= x)` dependency is a minimum, not the R version to use, so rVersion stays unset.
 */
export function parseDescription(text: string, path: string): Lockfile {
  let blocks: DcfBlock[];
  try {
    blocks = parseDcf(text);
  } catch (e) {
    if (e instanceof DcfError) throw lockfileInvalid(path, `line ${e.line}`, e.problem, 'description');
    throw e;
  }
  const block = blocks[0];
  if (!block) throw lockfileInvalid(path, undefined, 'the file is empty', 'description');
  const names: string[] = [];
  for (const field of DEPENDENCY_FIELDS) {
    const entry = block.fields.get(field);
    if (!entry) continue;
    const deps = parseDependencies(entry.value);
    if (deps.problem) throw lockfileInvalid(path, `line ${entry.line}`, `${field}: ${deps.problem}`, 'description');
    for (const name of deps.names) if (!BASE_PACKAGES.has(name) && !names.includes(name)) names.push(name);
  }
  const packages: RPackage[] = names.map((name) => ({ name, source: 'repository' }));
  return { kind: 'description', path, repositories: [], packages, warnings: [UNPINNED_WARNING] };
}
