import { z } from 'zod';
import type { PackageSource } from './model';
import {
  checkBiocVersion, checkHash, checkHost, checkPackageName, checkPackageVersion, checkRemoteUrl,
  checkRepositoryName, checkRepositoryUrl, checkRVersion, checkToken,
} from './validate';

/**
 * renv.lock as every renv generation writes it. Objects are loose: renv keeps adding fields
 * (git_url, RemotePkgRef, the whole DESCRIPTION since 1.1) and we read only what we need, but
 * everything we read is checked strictly because it may end up in a Dockerfile.
 */

type Check = (v: string) => string | undefined;

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  return typeof input === 'object' ? 'an object' : `${typeof input} ${JSON.stringify(input)}`;
}

const text = () =>
  z.string({ error: (iss) => (iss.input === undefined ? 'is missing' : `must be a string, not ${describe(iss.input)}`) });

/** A string that must pass `check`; the check's phrase becomes the issue message. */
function checked(check: Check) {
  return text().superRefine((v, ctx) => {
    const problem = check(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** Optional field; renv sometimes writes "" for an unset remote field. */
function optional(check: Check) {
  return z.preprocess((v) => (v === '' ? undefined : v), checked(check).optional());
}

export const RENV_SOURCES: Readonly<Record<string, PackageSource>> = {
  repository: 'repository',
  cran: 'repository',
  bioconductor: 'bioconductor',
  github: 'github',
  gitlab: 'gitlab',
  bitbucket: 'bitbucket',
  git: 'git',
  url: 'url',
  local: 'local',
  unknown: 'unknown',
};

const source = text().superRefine((v, ctx) => {
  if (!(v.toLowerCase() in RENV_SOURCES)) {
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(v)} is not a known source (Repository, CRAN, Bioconductor, GitHub, GitLab, Bitbucket, git, URL, Local or unknown)`,
    });
  }
});

/** "R" is listed in Requirements but is not a package name; it is dropped later. */
const packageNames = z
  .array(text(), { error: (iss) => `must be a list of package names, not ${describe(iss.input)}` })
  .superRefine((names, ctx) => {
    names.forEach((name, i) => {
      const problem = name === 'R' ? undefined : checkPackageName(name);
      if (problem) ctx.addIssue({ code: 'custom', path: [i], message: problem });
    });
  });

/** renv >= 1.1 copies DESCRIPTION fields as arrays; hand-edited files may keep the string form. */
const dependencyField = z
  .union([z.string(), z.array(z.string())], { error: 'must be a string or a list of strings' })
  .optional();

export const RenvRecord = z.looseObject({
  Package: checked(checkPackageName),
  Version: checked(checkPackageVersion),
  Source: source,
  Repository: optional(checkRepositoryName),
  RemoteType: optional(checkToken),
  RemoteHost: optional(checkHost),
  RemoteUsername: optional(checkToken),
  RemoteRepo: optional(checkToken),
  RemoteRef: optional(checkToken),
  RemoteSha: optional(checkToken),
  RemoteSubdir: optional(checkToken),
  RemoteUrl: optional(checkRemoteUrl),
  Hash: optional(checkHash),
  Requirements: packageNames.optional(),
  Depends: dependencyField,
  Imports: dependencyField,
  LinkingTo: dependencyField,
  SystemRequirements: z.string({ error: 'must be a string' }).optional(),
});
export type RenvRecord = z.infer<typeof RenvRecord>;

const Repository = z.looseObject({ Name: checked(checkRepositoryName), URL: checked(checkRepositoryUrl) });

/** Very old renv wrote Repositories as a {name: url} object; newer ones as a list. */
const repositories = z.preprocess(
  (v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v).map(([Name, URL]) => ({ Name, URL })) : v),
  z.array(Repository, { error: (iss) => `must be a list of {"Name", "URL"} objects, not ${describe(iss.input)}` }).optional(),
);

export const RenvLockSchema = z.looseObject(
  {
    R: z.looseObject(
      { Version: checked(checkRVersion), Repositories: repositories },
      { error: (iss) => (iss.input === undefined ? 'is missing (renv.lock needs an "R" section with the R version)' : `must be an object, not ${describe(iss.input)}`) },
    ),
    Bioconductor: z.looseObject({ Version: checked(checkBiocVersion) }, { error: 'must be an object with a "Version"' }).optional(),
    Packages: z
      .record(z.string(), RenvRecord, {
        error: (iss) => (iss.input === undefined ? 'is missing' : `must be an object mapping package names to records, not ${describe(iss.input)}`),
      })
      .superRefine((packages, ctx) => {
        for (const [key, record] of Object.entries(packages)) {
          if (record.Package !== key) {
            ctx.addIssue({ code: 'custom', path: [key, 'Package'], message: `${JSON.stringify(record.Package)} does not match its key ${JSON.stringify(key)}` });
          }
        }
      }),
  },
  { error: (iss) => `must be a JSON object, not ${describe(iss.input)}` },
);
export type RenvLockJson = z.infer<typeof RenvLockSchema>;
