import { checkPackageName } from './validate';

/** Packages shipped with R itself: never installed, so never listed as project packages. */
export const BASE_PACKAGES: ReadonlySet<string> = new Set([
  'base', 'compiler', 'datasets', 'graphics', 'grDevices', 'grid', 'methods', 'parallel',
  'splines', 'stats', 'stats4', 'tcltk', 'tools', 'utils',
]);

export interface ParsedDependencies {
  /** Package names in order of appearance, without version constraints, "R" dropped, deduplicated. */
  names: string[];
  /** The first entry that is not a package name, as a problem phrase. */
  problem?: string;
}

/**
 * Reads DESCRIPTION-style dependency lists: `R (>= 3.5.0), methods,\n foo (>= 1.0)` or, as
 * renv >= 1.1 writes them, an array of such entries. Version constraints are dropped because
 * the version pinned elsewhere (or nothing) decides what is installed.
 */
export function parseDependencies(value: string | readonly string[]): ParsedDependencies {
  const entries = (typeof value === 'string' ? [value] : value).flatMap((v) => v.split(','));
  const names: string[] = [];
  for (const entry of entries) {
    const name = entry.replace(/\([^)]*\)/g, '').trim();
    if (name === '' || name === 'R') continue;
    const problem = checkPackageName(name);
    if (problem) return { names, problem: `dependency ${problem}` };
    if (!names.includes(name)) names.push(name);
  }
  return { names };
}
