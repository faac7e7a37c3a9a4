import { AppError } from '../errors';
import { formatDcfField } from './dcf';
import type { Lockfile, PackageSource, RPackage } from './model';
import type { WriteOptions } from './renvWrite';

const PACKRAT_SOURCE_NAMES: Readonly<Record<Exclude<PackageSource, 'repository'>, string>> = {
  bioconductor: 'Bioconductor',
  github: 'github',
  gitlab: 'gitlab',
  bitbucket: 'bitbucket',
  git: 'git',
  url: 'url',
  local: 'source',
  unknown: 'unknown',
};

/**
 * Writes packrat/packrat.lock as packrat 0.5+ does: header record, then one record per package
 * sorted by name, long fields folded with 4-space continuation lines. Used for round trips.
 */
export function writePackratLock(lock: Lockfile, options: WriteOptions = {}): string {
  const rVersion = lock.rVersion ?? options.rVersion;
  if (!rVersion) throw new AppError('lockfile-invalid', `${lock.path}: cannot write packrat.lock without an R version. Pass the R version to use.`);
  const header = [
    'PackratFormat: 1.4',
    'PackratVersion: 0.9.2',
    `RVersion: ${rVersion}`,
  ];
  if (lock.repositories.length > 0) {
    header.push(formatDcfField('Repos', lock.repositories.map((r) => `${r.name}=${r.url}`).join(', ')));
  }
  const records = [...lock.packages]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((pkg) => packratRecord(pkg, lock.path).join('\n'));
  return `${[header.join('\n'), ...records].join('\n\n')}\n`;
}

function packratRecord(pkg: RPackage, path: string): string[] {
  if (!pkg.version) {
    throw new AppError('lockfile-invalid', `${path}: package ${pkg.name} has no pinned version, so it cannot go into packrat.lock.`);
  }
  const source = pkg.source === 'repository' ? (pkg.repository ?? 'CRAN') : PACKRAT_SOURCE_NAMES[pkg.source];
  const lines = [`Package: ${pkg.name}`, `Source: ${source}`, `Version: ${pkg.version}`];
  if (pkg.hash) lines.push(`Hash: ${pkg.hash}`);
  if (pkg.requirements && pkg.requirements.length > 0) lines.push(formatDcfField('Requires', pkg.requirements.join(', ')));
  const remote = pkg.remote;
  if (!remote) return lines;
  if (pkg.source === 'local') {
    if (remote.url !== undefined) lines.push(`SourcePath: ${remote.url}`);
    return lines;
  }
  const add = (field: string, value: string | undefined) => {
    if (value !== undefined) lines.push(`${field}: ${value}`);
  };
  if (pkg.source === 'github') {
    // packrat reads the Github* fields; newer packrat also writes Remote* copies.
    add('GithubRepo', remote.repo);
    add('GithubUsername', remote.username);
    add('GithubRef', remote.ref);
    add('GithubSha1', remote.sha);
    add('GithubSubdir', remote.subdir);
  }
  if (remote.type !== pkg.source) add('RemoteType', remote.type);
  add('RemoteHost', remote.host);
  add('RemoteRepo', remote.repo);
  add('RemoteUsername', remote.username);
  add('RemoteRef', remote.ref);
  add('RemoteSha', remote.sha);
  add('RemoteSubdir', remote.subdir);
  add('RemoteUrl', remote.url);
  return lines;
}
