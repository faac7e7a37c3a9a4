import { AppError } from '../errors';
import type { Lockfile, PackageSource, RPackage } from './model';
import { REMOTE_SOURCES } from './renvLock';

/** Source values as renv >= 1.0 writes them. */
const RENV_SOURCE_NAMES: Readonly<Record<PackageSource, string>> = {
  repository: 'Repository',
  bioconductor: 'Bioconductor',
  github: 'GitHub',
  gitlab: 'GitLab',
  bitbucket: 'Bitbucket',
  git: 'git',
  url: 'URL',
  local: 'Local',
  unknown: 'unknown',
};

/** renv resolves these hosts when RemoteHost is absent; we write them so restore never guesses. */
const DEFAULT_HOSTS: Partial<Record<PackageSource, string>> = {
  github: 'api.github.com',
  gitlab: 'gitlab.com',
  bitbucket: 'api.bitbucket.org/2.0',
};

export interface WriteOptions {
  /** R version to write when the lockfile has none (DESCRIPTION- and script-only projects). */
  rVersion?: string;
}

/**
 * Writes renv.lock the way renv >= 1.0 does (2-space JSON, packages sorted by name, fields in
 * renv's order). Also the packrat -> renv converter: a parsed packrat.lock written here restores
 * with `renv::restore()`. Packages must have pinned versions; the lockfile must know R's version.
 */
export function writeRenvLock(lock: Lockfile, options: WriteOptions = {}): string {
  const rVersion = lock.rVersion ?? options.rVersion;
  if (!rVersion) throw new AppError('lockfile-invalid', `${lock.path}: cannot write renv.lock without an R version. Pass the R version to use.`);
  const packages: Record<string, Record<string, unknown>> = {};
  for (const pkg of [...lock.packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    packages[pkg.name] = renvRecord(pkg, lock.path);
  }
  const json = {
    R: { Version: rVersion, Repositories: lock.repositories.map((r) => ({ Name: r.name, URL: r.url })) },
    ...(lock.bioconductorVersion ? { Bioconductor: { Version: lock.bioconductorVersion } } : {}),
    Packages: packages,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function renvRecord(pkg: RPackage, path: string): Record<string, unknown> {
  if (!pkg.version) {
    throw new AppError('lockfile-invalid', `${path}: package ${pkg.name} has no pinned version, so it cannot go into renv.lock. Run renv::snapshot() in the project instead.`);
  }
  const record: Record<string, unknown> = { Package: pkg.name, Version: pkg.version, Source: RENV_SOURCE_NAMES[pkg.source] };
  if (pkg.source === 'repository') record.Repository = pkg.repository ?? 'CRAN';
  else if (pkg.repository) record.Repository = pkg.repository;
  // A GitHub package without RemoteType would not restore; the source implies the type.
  const remote = pkg.remote ?? (REMOTE_SOURCES.has(pkg.source) ? { type: pkg.source } : undefined);
  if (remote) {
    record.RemoteType = remote.type;
    const host = remote.host ?? DEFAULT_HOSTS[pkg.source];
    if (host) record.RemoteHost = host;
    if (remote.username !== undefined) record.RemoteUsername = remote.username;
    if (remote.repo !== undefined) record.RemoteRepo = remote.repo;
    if (remote.ref !== undefined) record.RemoteRef = remote.ref;
    if (remote.sha !== undefined) record.RemoteSha = remote.sha;
    if (remote.subdir !== undefined) record.RemoteSubdir = remote.subdir;
    if (remote.url !== undefined) record.RemoteUrl = remote.url;
  }
  // renv ignores fields it does not know; keeping it means the round trip loses nothing.
  if (pkg.systemRequirements !== undefined) record.SystemRequirements = pkg.systemRequirements;
  if (pkg.requirements) record.Requirements = pkg.requirements;
  if (pkg.hash) record.Hash = pkg.hash;
  return record;
}
