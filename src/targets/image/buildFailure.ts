import { RESTORE_FAILED_MARKER } from '../../core/docker/restoreScript';

/**
 * Turns the output of a failed image build into one sentence about the cause. R and renv end a
 * failure with a traceback (`stopf("failed to install %s" ...)`, `Execution halted`), which says
 * nothing to the person who has to fix the lockfile; the useful facts are earlier in the log:
 *  - the restore script's own diagnosis lines (restoreScript.ts): package, version, repository,
 *    the HTTP status of the current and the archived tarball, the version the repository serves;
 *  - renv's summary, "The following package(s) were not installed successfully:" then
 *    "- [jsonlite]: failed to download" (renv 1.x);
 *  - R CMD INSTALL's "ERROR: compilation failed for package ‘x’" and the compiler or
 *    configure line before it.
 * Returns undefined when none of these shapes is there; the caller then names Docker's error.
 */
export function explainBuildFailure(lines: readonly string[]): string | undefined {
  const diagnosed = lines.map(parseDiagnosis).filter((d): d is Diagnosis => d !== undefined);
  const compiled = compileFailures(lines);
  const download = diagnosed.filter((d) => !compiled.has(d.pkg) && !(d.current === '200' || d.archived === '200'));
  const parts: string[] = download.map(describeDownload);
  for (const [pkg, why] of compiled) parts.push(`${pkg} failed to compile${why ? ` (${why})` : ''}`);
  if (parts.length === 0) {
    const summary = renvSummary(lines);
    if (summary.length) parts.push(...summary.map(([pkg, why]) => `${pkg} could not be installed (renv: ${why})`));
  }
  if (parts.length === 0) {
    const missing = lines.map((l) => /^Error: package or namespace load failed for ‘([^’]+)’|there is no package called ‘([^’]+)’/.exec(l)).find(Boolean);
    if (missing) parts.push(`R could not load the package ${missing[1] ?? missing[2]}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

interface Diagnosis {
  pkg: string;
  version: string;
  repo: string;
  current: string;
  archived: string;
  served: string;
}

function parseDiagnosis(line: string): Diagnosis | undefined {
  const f = line.trim().split('\t');
  if (f[0] !== RESTORE_FAILED_MARKER || f.length < 7) return undefined;
  const [, pkg, version, repo, current, archived, served] = f as [string, string, string, string, string, string, string];
  return { pkg, version, repo, current, archived, served };
}

function describeDownload(d: Diagnosis): string {
  const head = `${d.pkg} ${d.version} could not be downloaded from ${d.repo}`;
  if (d.current === 'NA' && d.archived === 'NA') return `${head} (the repository did not answer)`;
  const status = d.archived !== 'NA' ? d.archived : d.current;
  const serves = d.served !== 'NA' && d.served !== d.version ? ` ${d.served}` : '';
  if (status === '404') return `${head} (HTTP 404; this repository serves ${d.pkg}${serves || ' in other versions'} and no archived versions)`;
  return `${head} (HTTP ${status})`;
}

/** Package -> the most telling line before R CMD INSTALL's "ERROR: ... failed for package". */
function compileFailures(lines: readonly string[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  lines.forEach((line, i) => {
    const m = /ERROR: (?:compilation|configuration) failed for package ['‘"]([^'’"]+)['’"]/.exec(line);
    if (!m || out.has(m[1]!)) return;
    const before = lines.slice(Math.max(0, i - 40), i);
    const cause = [...before].reverse().find((l) => /fatal error:|error:|was not found in the pkg-config search path|cannot find -l|not found/i.test(l) && !/^\s*\*/.test(l));
    out.set(m[1]!, cause?.trim().replace(/^.*?(fatal error:|error:)/i, '$1').slice(0, 160));
  });
  return out;
}

/** renv 1.x: "The following package(s) were not installed successfully:" then "- [pkg]: why". */
function renvSummary(lines: readonly string[]): Array<[string, string]> {
  const start = lines.findIndex((l) => /were not installed successfully/.test(l));
  if (start < 0) return [];
  const out: Array<[string, string]> = [];
  for (const l of lines.slice(start + 1)) {
    const m = /^\s*-\s*\[([^\]]+)\]:\s*(.+)$/.exec(l);
    if (!m) break;
    out.push([m[1]!, m[2]!.trim()]);
  }
  return out;
}
