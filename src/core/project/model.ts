/**
 * The one model every lockfile generation is parsed into (renv.lock, packrat.lock, DESCRIPTION,
 * plain scripts). Inside the code these types are trusted: parsers validate at the boundary.
 */
export type LockfileKind = 'renv' | 'packrat' | 'description' | 'scripts';

/** Where a package comes from, normalised across renv and packrat spellings. */
export type PackageSource =
  | 'repository' // CRAN or another CRAN-like repository (renv "Repository"/"CRAN", packrat "CRAN")
  | 'bioconductor'
  | 'github'
  | 'gitlab'
  | 'bitbucket'
  | 'git'
  | 'url'
  | 'local'
  | 'unknown';

export interface Remote {
  type: string; // RemoteType as written, lower-cased: github, gitlab, git, url, local, ...
  host?: string;
  username?: string;
  repo?: string;
  ref?: string;
  sha?: string;
  subdir?: string;
  url?: string;
}

export interface RPackage {
  name: string;
  /** Absent for DESCRIPTION- and script-only projects: nothing pins it. */
  version?: string;
  source: PackageSource;
  /** Repository name (e.g. "CRAN", "RSPM", "BioCsoft") when the lockfile names one. */
  repository?: string;
  remote?: Remote;
  hash?: string;
  /** Names of the packages this one depends on, when the lockfile lists them. */
  requirements?: string[];
  /** The DESCRIPTION SystemRequirements field, when the lockfile copies it (renv >= 1.1). */
  systemRequirements?: string;
}

export interface Repository {
  name: string;
  url: string;
}

export interface Lockfile {
  kind: LockfileKind;
  /** Absolute path of the file read (for "scripts", the project root). */
  path: string;
  rVersion?: string;
  repositories: Repository[];
  bioconductorVersion?: string;
  packages: RPackage[];
  warnings: string[];
}

export interface RProject extends Lockfile {
  /** Absolute path of the project root. */
  root: string;
  /** `file.function`, default `score.score`. */
  handler: string;
  /**
   * Set when the handler's file is not in the project: loading still works (inspect, the
   * wizard), but a plan refuses it, since the image could never serve.
   */
  missingHandlerFile?: string;
}

export const DEFAULT_HANDLER = 'score.score';
