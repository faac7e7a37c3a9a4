import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Lockfile, PackageSource, RPackage } from '../../../src/core/project';
import { parsePackratLock, parseRenvLock, writePackratLock, writeRenvLock } from '../../../src/core/project';

// Arbitraries produce only values the parsers accept: the property is about the writers
// losing nothing, the validators are covered by malformed.test.ts.
const pkgName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9.]{0,10}[A-Za-z0-9]$/);
const version = fc.stringMatching(/^\d{1,3}(?:[.-]\d{1,4}){1,3}$/);
const rVersion = fc.stringMatching(/^[3-4]\.\d{1,2}\.\d$/);
const biocVersion = fc.stringMatching(/^3\.\d{1,2}$/);
const token = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9._+-]{0,12}$/).filter((s) => !s.includes('..'));
const sha = fc.stringMatching(/^[0-9a-f]{40}$/);
const hash = fc.stringMatching(/^[0-9a-f]{32}$/);
const host = fc.constantFrom('api.github.com', 'gitlab.com', 'api.bitbucket.org/2.0', 'git.example.com:8443');
const url = fc
  .tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.constantFrom('org', 'com', 'dev'), fc.stringMatching(/^[a-z0-9/_-]{0,12}$/))
  .map(([h, tld, p]) => `https://${h}.${tld}/${p}`);
const PACKRAT_WORDS = ['cran', 'bioconductor', 'github', 'gitlab', 'bitbucket', 'git', 'url', 'source', 'unknown'];
const repoName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}(?: \d\.\d{1,2})?$/).filter((n) => !PACKRAT_WORDS.includes(n.toLowerCase()));
const repositories = fc.array(fc.record({ name: repoName, url }), { maxLength: 4 });
const requirements = fc.uniqueArray(pkgName, { maxLength: 5 });
const sysreqs = fc.stringMatching(/^[A-Za-z0-9(>=.,:)-]{1,10}(?: [A-Za-z0-9(>=.,:)-]{1,10}){0,3}$/);
const ALL_SOURCES: PackageSource[] = ['repository', 'bioconductor', 'github', 'gitlab', 'bitbucket', 'git', 'url', 'local', 'unknown'];
const VCS = new Set<PackageSource>(['github', 'gitlab', 'bitbucket']);
const REMOTE = new Set<PackageSource>(['github', 'gitlab', 'bitbucket', 'git', 'url', 'local']);

const remoteFields = {
  username: token,
  repo: token,
  ref: token,
  sha,
  subdir: token,
  url,
};

/** renv packages: every source; remotes wherever renv can carry them. */
const renvPackage = fc.constantFrom(...ALL_SOURCES).chain((source) =>
  fc
    .record(
      {
        name: pkgName,
        version,
        source: fc.constant(source),
        repository: source === 'repository' ? repoName : fc.option(repoName, { nil: undefined }),
        remote: REMOTE.has(source)
          ? fc.record({ type: fc.constant(source), host, ...remoteFields }, { requiredKeys: VCS.has(source) ? ['type', 'host'] : ['type'] })
          : fc.option(fc.record({ type: token.map((t) => t.toLowerCase()), host, ...remoteFields }, { requiredKeys: ['type'] }), { nil: undefined }),
        hash,
        requirements,
        systemRequirements: sysreqs,
      },
      {
        requiredKeys: [
          'name', 'version', 'source',
          ...(source === 'repository' ? (['repository'] as const) : []),
          // the parser always gives these sources a remote, as renv always writes RemoteType for them
          ...(REMOTE.has(source) ? (['remote'] as const) : []),
        ],
      },
    )
    .map(dropUndefined),
);

/** packrat packages: packrat has no SystemRequirements and cannot tell [] from no Requires. */
const packratPackage = fc.constantFrom(...ALL_SOURCES).chain((source) =>
  fc
    .record(
      {
        name: pkgName,
        version,
        source: fc.constant(source),
        repository: repoName,
        remote:
          source === 'local'
            ? fc.record({ type: fc.constant('local'), url }, { requiredKeys: ['type'] })
            : fc.record({ type: fc.constant(source), host, ...remoteFields }, { requiredKeys: ['type'] }),
        hash,
        requirements: fc.uniqueArray(pkgName, { minLength: 1, maxLength: 8 }),
      },
      {
        requiredKeys: [
          'name', 'version', 'source',
          ...(source === 'repository' ? (['repository'] as const) : []),
          ...(source === 'repository' || source === 'bioconductor' ? [] : (['remote'] as const)),
        ],
      },
    )
    .map((p) => {
      if (source !== 'repository') delete (p as Partial<RPackage>).repository;
      if (source === 'repository' || source === 'bioconductor') delete (p as Partial<RPackage>).remote;
      return dropUndefined(p);
    }),
);

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const byName = (a: RPackage, b: RPackage) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const uniquePackages = (arb: fc.Arbitrary<RPackage>) => fc.uniqueArray(arb, { selector: (p) => p.name, maxLength: 12 });

describe('round trips', () => {
  it('Lockfile -> writeRenvLock -> parseRenvLock gives the same model', () => {
    const lockfile = fc.record(
      { rVersion, repositories, bioconductorVersion: biocVersion, packages: uniquePackages(renvPackage) },
      { requiredKeys: ['rVersion', 'repositories', 'packages'] },
    );
    fc.assert(
      fc.property(lockfile, (partial) => {
        const lock: Lockfile = { kind: 'renv', path: '/p/renv.lock', warnings: [], ...partial };
        const back = parseRenvLock(writeRenvLock(lock), lock.path);
        expect(back).toEqual({ ...lock, packages: [...lock.packages].sort(byName) });
      }),
      { numRuns: 300 },
    );
  });

  it('Lockfile -> writePackratLock -> parsePackratLock gives the same model', () => {
    const lockfile = fc.record({ rVersion, repositories, packages: uniquePackages(packratPackage) });
    fc.assert(
      fc.property(lockfile, (partial) => {
        const lock: Lockfile = { kind: 'packrat', path: '/p/packrat/packrat.lock', warnings: [], ...partial };
        const back = parsePackratLock(writePackratLock(lock), lock.path);
        expect(back).toEqual({ ...lock, packages: [...lock.packages].sort(byName) });
      }),
      { numRuns: 300 },
    );
  });

  it('a packrat lockfile converts to renv.lock and back without losing packages', () => {
    const lockfile = fc.record({ rVersion, repositories, packages: uniquePackages(packratPackage) });
    fc.assert(
      fc.property(lockfile, (partial) => {
        const lock: Lockfile = { kind: 'packrat', path: '/p/packrat/packrat.lock', warnings: [], ...partial };
        const renv = parseRenvLock(writeRenvLock(lock), '/p/renv.lock');
        expect(renv.packages.map((p) => [p.name, p.version, p.source])).toEqual(
          [...lock.packages].sort(byName).map((p) => [p.name, p.version, p.source]),
        );
        for (const p of renv.packages.filter((q) => q.source === 'github')) expect(p.remote?.host).toBeDefined();
      }),
      { numRuns: 100 },
    );
  });
});
