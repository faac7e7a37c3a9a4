import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { checkGlibc, compareVersions, glibcViolationError, parseGlibcVersion, type GlibcViolation } from '../../../src/targets/lambda/package/glibcGuard';
import { compileFixtures, readelfNeeds, readelfUndefinedByVersion, type Fixtures } from './elfFixtures';

let fx: Fixtures;
beforeAll(() => {
  fx = compileFixtures();
});
afterAll(() => fx.cleanup());

const layer = (...names: string[]) => names.map((n) => ({ path: `opt/R/lib/${n}`, bytes: fx.bytes(n) }));

describe('checkGlibc on shared objects compiled here', () => {
  it('flags exactly the library that needs arc4random@GLIBC_2.36 against the default 2.34', () => {
    expect(checkGlibc(layer('old.so', 'new.so'))).toEqual([{ path: 'opt/R/lib/new.so', version: 'GLIBC_2.36', symbols: ['arc4random'] }]);
  });

  it('passes both against a stand-in limit of 2.36', () => {
    expect(checkGlibc(layer('old.so', 'new.so'), '2.36')).toEqual([]);
  });

  it('flags packed relative relocations (GLIBC_ABI_DT_RELR, glibc 2.36) with no symbol to name', () => {
    expect(checkGlibc(layer('relr.so'), '2.34')).toEqual([{ path: 'opt/R/lib/relr.so', version: 'GLIBC_ABI_DT_RELR', symbols: [] }]);
    expect(checkGlibc(layer('relr.so'), '2.36')).toEqual([]);
  });

  it('flags any limit below a need and none at or above it', () => {
    expect(checkGlibc(layer('new.so'), '2.35.9')).toHaveLength(1);
    expect(checkGlibc(layer('new.so'), '2.4')).toHaveLength(1); // 2.4 is older than 2.36, not newer
    expect(checkGlibc(layer('new.so'), '2.40')).toEqual([]);
    expect(checkGlibc(layer('old.so'), '2.2.5')).toEqual([]);
    expect(checkGlibc(layer('old.so'), '2.2')).toEqual([{ path: 'opt/R/lib/old.so', version: 'GLIBC_2.2.5', symbols: expect.arrayContaining(['malloc', 'strlen']) as unknown }]);
  });

  it('skips files that are not ELF and flags an ELF file it cannot read', () => {
    const truncated = fx.bytes('new.so').subarray(0, 100);
    const files = [
      { path: 'opt/R/library/pkg/R/pkg.rdb', bytes: new TextEncoder().encode('not a shared object') },
      { path: 'opt/R/lib/broken.so', bytes: truncated },
    ];
    expect(checkGlibc(files)).toEqual([{ path: 'opt/R/lib/broken.so', version: 'unreadable', symbols: [] }]);
  });

  it('refuses a limit that is not a version', () => {
    expect(() => checkGlibc([], 'latest')).toThrow(AppError);
    expect(() => checkGlibc([], 'GLIBC_PRIVATE')).toThrow(/glibcMax must be a glibc version/);
  });
});

describe('checkGlibc on the system libraries, against readelf', () => {
  /** The violations readelf's own listing implies: numbered GLIBC_ versions above the limit, GLIBC_PRIVATE, the DT_RELR marker below 2.36. */
  function expectedFromReadelf(path: string, max: string): Map<string, Set<string>> {
    const limit = parseGlibcVersion(max)!;
    const symbols = readelfUndefinedByVersion(path);
    const out = new Map<string, Set<string>>();
    for (const name of [...readelfNeeds(path).values()].flat()) {
      const v = parseGlibcVersion(name);
      const bad = name === 'GLIBC_PRIVATE' || (name === 'GLIBC_ABI_DT_RELR' && compareVersions([2, 36], limit) > 0) || (v !== undefined && compareVersions(v, limit) > 0);
      if (bad) out.set(name, symbols.get(name) ?? new Set());
    }
    return out;
  }
  const asMap = (vs: GlibcViolation[]) => new Map(vs.map((v) => [v.version, new Set(v.symbols)]));

  // libR.so is there when R is installed from Debian (as here); libm always is.
  const cases = [
    ['/lib/x86_64-linux-gnu/libm.so.6', '2.34'],
    ['/lib/x86_64-linux-gnu/libm.so.6', '2.36'],
    ['/usr/lib/R/lib/libR.so', '2.34'],
    ['/usr/lib/R/lib/libR.so', '2.28'],
  ].filter(([path]) => existsSync(path!)) as Array<[string, string]>;

  it.each(cases)('%s against %s', (path, max) => {
    const found = checkGlibc([{ path, bytes: new Uint8Array(readFileSync(path)) }], max);
    expect(asMap(found)).toEqual(expectedFromReadelf(path, max));
  });

  it('always flags GLIBC_PRIVATE: libm is a part of glibc and must not be packaged', () => {
    const found = checkGlibc([{ path: 'opt/lib/libm.so.6', bytes: new Uint8Array(readFileSync('/lib/x86_64-linux-gnu/libm.so.6')) }], '2.99');
    expect(found[0]).toMatchObject({ version: 'GLIBC_PRIVATE' });
  });
});

describe('glibc versions', () => {
  it('compares numerically, part by part', () => {
    const v = (s: string) => parseGlibcVersion(s)!;
    expect(compareVersions(v('2.4'), v('2.34'))).toBeLessThan(0);
    expect(compareVersions(v('2.34'), v('GLIBC_2.36'))).toBeLessThan(0);
    expect(compareVersions(v('GLIBC_2.2.5'), v('2.2'))).toBeGreaterThan(0);
    expect(compareVersions(v('2.34'), v('2.34.0'))).toBe(0);
    expect(parseGlibcVersion('GLIBC_PRIVATE')).toBeUndefined();
    expect(parseGlibcVersion('GLIBCXX_3.4')).toBeUndefined();
  });
});

describe('glibcViolationError', () => {
  const violations: GlibcViolation[] = [
    { path: 'opt/R/lib/new.so', version: 'GLIBC_2.36', symbols: ['arc4random', 'getrandom'] },
    { path: 'opt/R/lib/relr.so', version: 'GLIBC_ABI_DT_RELR', symbols: [] },
    { path: 'opt/R/lib/other.so', version: 'GLIBC_2.35', symbols: ['hypot'] },
  ];

  it('is one sentence naming the first file and symbol, how many more, and what to do', () => {
    const e = glibcViolationError(violations, '2.34');
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('build-failed');
    expect(e.message).toBe(
      'opt/R/lib/new.so needs arc4random@GLIBC_2.36, newer than the target\'s glibc 2.34 (and 2 more violations): ' +
        'build on a builder image with glibc 2.34 or older (--builder-image), or use image mode, ' +
        'and raise the limit (--set glibcMax=…) only for a local stand-in builder.',
    );
    expect(e.message).not.toMatch(/[.!?]\s+[A-Z]/); // one sentence
  });

  it('names the version when no symbol is bound to it, and counts one more in the singular', () => {
    expect(glibcViolationError(violations.slice(1, 3), '2.34').message).toMatch(/^opt\/R\/lib\/relr\.so needs version GLIBC_ABI_DT_RELR, .* \(and 1 more violation\): /);
  });

  it('tells to leave a piece of glibc out, and to rebuild an unreadable file', () => {
    expect(glibcViolationError([{ path: 'opt/lib/libm.so.6', version: 'GLIBC_PRIVATE', symbols: ['_rtld_global_ro'] }]).message).toBe(
      "opt/lib/libm.so.6 needs _rtld_global_ro@GLIBC_PRIVATE, so it is a part of glibc itself: leave it out of the package, since the target's own glibc provides it.",
    );
    expect(glibcViolationError([{ path: 'opt/lib/x.so', version: 'unreadable', symbols: [] }]).message).toMatch(/^opt\/lib\/x\.so starts like a shared object but cannot be read.*rebuild it or remove it/);
  });

  it('reports the guard on real files end to end', () => {
    const found = checkGlibc(layer('old.so', 'new.so', 'relr.so'));
    expect(glibcViolationError(found).message).toMatch(/^opt\/R\/lib\/new\.so needs arc4random@GLIBC_2\.36, newer than the target's glibc 2\.34 \(and 1 more violation\)/);
  });
});
