import { z } from 'zod';
import type { Lockfile, PackageSource, Remote, Repository, RPackage } from './model';
import { DcfError, parseDcf, type DcfBlock } from './dcf';
import { parseDependencies } from './dependencies';
import { lockfileInvalid } from './lockfileError';
import {
  checkHash, checkHost, checkPackageName, checkPackageVersion, checkRemoteUrl, checkRepositoryName,
  checkRepositoryUrl, checkRVersion, checkToken,
} from './validate';

/** packrat's Source values that are not the name of a CRAN-like repository. */
const PACKRAT_SOURCES: Readonly<Record<string, PackageSource>> = {
  cran: 'repository',
  bioconductor: 'bioconductor',
  github: 'github',
  gitlab: 'gitlab',
  bitbucket: 'bitbucket',
  git: 'git',
  url: 'url',
  source: 'local',
  unknown: 'unknown',
};

/** Field -> check, for every field whose value we pass on. */
const CHECKS: Readonly<Record<string, (v: string) => string | undefined>> = {
  Package: checkPackageName,
  Version: checkPackageVersion,
  Hash: checkHash,
  GithubRepo: checkToken,
  GithubUsername: checkToken,
  GithubRef: checkToken,
  GithubSha1: checkToken,
  GithubSubdir: checkToken,
  RemoteType: checkToken,
  RemoteHost: checkHost,
  RemoteRepo: checkToken,
  RemoteUsername: checkToken,
  RemoteRef: checkToken,
  RemoteSha: checkToken,
  RemoteSubdir: checkToken,
  RemoteUrl: checkRemoteUrl,
  SourcePath: checkRemoteUrl,
};

/** The header record: zod keeps the boundary check in one place, like for renv.lock. */
const Header = z.object({ RVersion: z.string({ error: 'is missing from the header' }), Repos: z.string().optional() });

/** Parses packrat/packrat.lock (DCF: a header record, then one record per package). */
export function parsePackratLock(text: string, path: string): Lockfile {
  let blocks: DcfBlock[];
  try {
    blocks = parseDcf(text);
  } catch (e) {
    if (e instanceof DcfError) throw lockfileInvalid(path, `line ${e.line}`, e.problem, 'packrat');
    throw e;
  }
  const header = blocks[0];
  if (!header || header.fields.has('Package')) {
    throw lockfileInvalid(path, 'line 1', 'the header record (PackratFormat, PackratVersion, RVersion, Repos) is missing', 'packrat');
  }
  const values = Object.fromEntries([...header.fields].map(([k, f]) => [k, f.value]));
  const parsed = Header.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw lockfileInvalid(path, `line ${header.line}`, `${String(issue.path[0])} ${issue.message}`, 'packrat');
  }
  const rVersionLine = header.fields.get('RVersion')!.line;
  const rProblem = checkRVersion(parsed.data.RVersion);
  if (rProblem) throw lockfileInvalid(path, `line ${rVersionLine}`, `RVersion ${rProblem}`, 'packrat');
  const repositories = parsed.data.Repos ? parseRepos(parsed.data.Repos, header.fields.get('Repos')!.line, path) : [];

  const packages: RPackage[] = [];
  const seen = new Map<string, number>();
  for (const block of blocks.slice(1)) {
    const pkg = toPackage(block, path);
    const first = seen.get(pkg.name);
    if (first !== undefined) throw lockfileInvalid(path, `line ${block.line}`, `package ${pkg.name} is listed twice (first on line ${first})`, 'packrat');
    seen.set(pkg.name, block.line);
    packages.push(pkg);
  }
  return { kind: 'packrat', path, rVersion: parsed.data.RVersion, repositories, packages, warnings: [] };
}

/** `Repos: CRAN=https://..., BioCsoft=https://...`; packrat 0.1 wrote bare URLs, named repoN here. */
function parseRepos(value: string, line: number, path: string): Repository[] {
  // Folding may split a name like "Bioconductor 3.19" across lines; rejoin with one space.
  const entries = value.split(',').map((e) => e.replace(/\s+/g, ' ').trim()).filter((e) => e !== '');
  return entries.map((entry, i) => {
    const eq = entry.indexOf('=');
    const named = eq > 0 && !entry.slice(0, eq).includes(':');
    const name = named ? entry.slice(0, eq).trim() : `repo${i + 1}`;
    const url = named ? entry.slice(eq + 1).trim() : entry;
    const problem = checkRepositoryName(name) ?? checkRepositoryUrl(url);
    if (problem) throw lockfileInvalid(path, `line ${line}`, `Repos: ${problem}`, 'packrat');
    return { name, url };
  });
}

function toPackage(block: DcfBlock, path: string): RPackage {
  const get = (name: string) => block.fields.get(name)?.value;
  for (const required of ['Package', 'Source', 'Version']) {
    if (get(required) === undefined) {
      const what = get('Package') ? `package ${get('Package')}` : 'this record';
      throw lockfileInvalid(path, `line ${block.line}`, `${what} has no ${required} field`, 'packrat');
    }
  }
  for (const [name, field] of block.fields) {
    const check = CHECKS[name];
    const problem = check?.(field.value);
    if (problem) throw lockfileInvalid(path, `line ${field.line}`, `${name} ${problem}`, 'packrat');
  }
  const sourceValue = get('Source')!;
  const known = PACKRAT_SOURCES[sourceValue.toLowerCase()];
  if (!known) {
    // Any other Source is the name of the CRAN-like repository the package came from.
    const problem = checkRepositoryName(sourceValue);
    if (problem) throw lockfileInvalid(path, `line ${block.fields.get('Source')!.line}`, `Source ${problem}`, 'packrat');
  }
  const source = known ?? 'repository';
  const pkg: RPackage = { name: get('Package')!, version: get('Version')!, source };
  if (source === 'repository') pkg.repository = known ? 'CRAN' : sourceValue;
  const remote = toRemote(get, source);
  if (remote) pkg.remote = remote;
  const hash = get('Hash');
  if (hash) pkg.hash = hash;
  const requires = block.fields.get('Requires');
  if (requires) {
    const deps = parseDependencies(requires.value);
    if (deps.problem) throw lockfileInvalid(path, `line ${requires.line}`, `Requires: ${deps.problem}`, 'packrat');
    pkg.requirements = deps.names;
  }
  return pkg;
}

function toRemote(get: (name: string) => string | undefined, source: PackageSource): Remote | undefined {
  if (source === 'repository' || source === 'bioconductor') return undefined;
  if (source === 'local') {
    const url = get('SourcePath');
    return url ? { type: 'local', url } : { type: 'local' };
  }
  const github = source === 'github';
  const fields: Omit<Remote, 'type'> = {
    host: get('RemoteHost'),
    username: (github ? get('GithubUsername') : undefined) ?? get('RemoteUsername'),
    repo: (github ? get('GithubRepo') : undefined) ?? get('RemoteRepo'),
    ref: (github ? get('GithubRef') : undefined) ?? get('RemoteRef'),
    sha: (github ? get('GithubSha1') : undefined) ?? get('RemoteSha'),
    subdir: (github ? get('GithubSubdir') : undefined) ?? get('RemoteSubdir'),
    url: get('RemoteUrl'),
  };
  const present = Object.entries(fields).filter(([, v]) => v !== undefined);
  return { type: get('RemoteType')?.toLowerCase() ?? source, ...Object.fromEntries(present) };
}
