import type { Lockfile, PackageSource, Remote, RPackage } from './model';
import { lockfileInvalid } from './lockfileError';
import { parseDependencies } from './dependencies';
import { RENV_SOURCES, RenvLockSchema, type RenvRecord } from './renvSchema';
import { normaliseText } from './validate';

/** Sources whose packages always carry a remote, even when the file lists no Remote* field. */
export const REMOTE_SOURCES: ReadonlySet<PackageSource> = new Set(['github', 'gitlab', 'bitbucket', 'git', 'url', 'local']);

/** Parses renv.lock of any renv generation into the shared model. Pure: text and path in. */
export function parseRenvLock(text: string, path: string): Lockfile {
  const json = parseJson(text, path);
  const parsed = RenvLockSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const place = issue.path.length ? issue.path.map(String).join('.') : undefined;
    throw lockfileInvalid(path, place, issue.message, 'renv');
  }
  const lock = parsed.data;
  const packages = Object.values(lock.Packages).map((record) => toPackage(record, path));
  return {
    kind: 'renv',
    path,
    rVersion: lock.R.Version,
    repositories: (lock.R.Repositories ?? []).map((r) => ({ name: r.Name, url: r.URL })),
    ...(lock.Bioconductor ? { bioconductorVersion: lock.Bioconductor.Version } : {}),
    packages,
    warnings: [],
  };
}

function parseJson(text: string, path: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch (e) {
    // V8 reports a character offset; people fix files by line and column.
    const reason = (e as Error).message;
    const offset = Number(/position (\d+)/.exec(reason)?.[1] ?? body.length);
    const before = body.slice(0, offset).split('\n');
    const line = before.length;
    const column = before[before.length - 1]!.length + 1;
    const short = reason.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\p{Cc}/gu, ' ').slice(0, 80);
    throw lockfileInvalid(path, `line ${line}, column ${column}`, `not valid JSON (${short})`, 'renv');
  }
}

function toPackage(record: RenvRecord, path: string): RPackage {
  const source = RENV_SOURCES[record.Source.toLowerCase()]!;
  const pkg: RPackage = { name: record.Package, version: record.Version, source };
  const repository = record.Repository ?? (record.Source === 'CRAN' ? 'CRAN' : undefined);
  if (repository) pkg.repository = repository;
  const remote = toRemote(record, source);
  if (remote) pkg.remote = remote;
  if (record.Hash) pkg.hash = record.Hash;
  const requirements = toRequirements(record, path);
  if (requirements) pkg.requirements = requirements;
  if (record.SystemRequirements !== undefined) pkg.systemRequirements = normaliseText(record.SystemRequirements);
  return pkg;
}

function toRemote(record: RenvRecord, source: PackageSource): Remote | undefined {
  const fields = {
    host: record.RemoteHost,
    username: record.RemoteUsername,
    repo: record.RemoteRepo,
    ref: record.RemoteRef,
    sha: record.RemoteSha,
    subdir: record.RemoteSubdir,
    url: record.RemoteUrl,
  };
  const present = Object.entries(fields).filter(([, v]) => v !== undefined);
  if (!record.RemoteType && present.length === 0 && !REMOTE_SOURCES.has(source)) return undefined;
  return { type: record.RemoteType?.toLowerCase() ?? defaultRemoteType(source), ...Object.fromEntries(present) };
}

export function defaultRemoteType(source: PackageSource): string {
  return REMOTE_SOURCES.has(source) ? source : 'standard';
}

/**
 * renv 0.15-1.0 list Requirements; renv >= 1.1 drop it and copy Depends/Imports/LinkingTo
 * from DESCRIPTION instead, so the requirements are rebuilt from those.
 */
function toRequirements(record: RenvRecord, path: string): string[] | undefined {
  if (record.Requirements) return record.Requirements.filter((name) => name !== 'R');
  const fields = (['Depends', 'Imports', 'LinkingTo'] as const).filter((f) => record[f] !== undefined);
  if (fields.length === 0) return undefined;
  const names: string[] = [];
  for (const field of fields) {
    const parsed = parseDependencies(record[field]!);
    if (parsed.problem) throw lockfileInvalid(path, `Packages.${record.Package}.${field}`, parsed.problem, 'renv');
    for (const name of parsed.names) if (!names.includes(name)) names.push(name);
  }
  return names;
}
