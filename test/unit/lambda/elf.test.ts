import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectElf, readElfVersionNeeds, type ElfVersionNeeds } from '../../../src/targets/lambda/package/elf';
import { compile32, compileFixtures, prng, readelfNeeds, readelfUndefinedByVersion, toBigEndian64, withoutSectionHeaders, type Fixtures } from './elfFixtures';

const LIBM = '/lib/x86_64-linux-gnu/libm.so.6';
const LIBR = '/usr/lib/R/lib/libR.so';

let fx: Fixtures;
beforeAll(() => {
  fx = compileFixtures();
});
afterAll(() => fx.cleanup());

function versionsOf(r: ElfVersionNeeds | undefined, file: string): Record<string, string[]> {
  const need = r?.needs.find((n) => n.file === file);
  return Object.fromEntries((need?.versions ?? []).map((v) => [v.name, [...v.symbols].sort()]));
}

/** Our reading against readelf's: the same libraries, the same versions, the same undefined symbols per version. */
function expectSameAsReadelf(path: string): void {
  const ours = readElfVersionNeeds(new Uint8Array(readFileSync(path)));
  expect(ours).toBeDefined();
  const theirs = readelfNeeds(path);
  expect(new Map(ours!.needs.map((n) => [n.file, n.versions.map((v) => v.name)]))).toEqual(theirs);
  expect(theirs.size).toBeGreaterThan(0);

  const bySymbolVersion = new Map<string, Set<string>>();
  for (const v of ours!.needs.flatMap((n) => n.versions)) {
    if (v.symbols.length === 0) continue;
    bySymbolVersion.set(v.name, new Set([...(bySymbolVersion.get(v.name) ?? []), ...v.symbols]));
  }
  expect(bySymbolVersion).toEqual(readelfUndefinedByVersion(path));
}

describe('readElfVersionNeeds on shared objects compiled here', () => {
  it('finds arc4random@GLIBC_2.36 in a library that calls it', () => {
    const r = readElfVersionNeeds(fx.bytes('new.so'));
    expect(versionsOf(r, 'libc.so.6')).toMatchObject({ 'GLIBC_2.36': ['arc4random'] });
  });

  it('finds only old versions in a library that calls strlen and malloc', () => {
    const v = versionsOf(readElfVersionNeeds(fx.bytes('old.so')), 'libc.so.6');
    expect(v['GLIBC_2.2.5']).toEqual(expect.arrayContaining(['malloc', 'strlen']));
    expect(Object.keys(v).every((name) => name === 'GLIBC_2.2.5')).toBe(true);
  });

  it('reports a version needed with no symbol bound to it (GLIBC_ABI_DT_RELR)', () => {
    const v = versionsOf(readElfVersionNeeds(fx.bytes('relr.so')), 'libc.so.6');
    expect(v['GLIBC_ABI_DT_RELR']).toEqual([]);
  });

  it.each(['new.so', 'old.so', 'relr.so'])('reads %s exactly as readelf does', (name) => {
    expectSameAsReadelf(fx.path(name));
  });

  it('reads a library after strip --strip-all the same as before', () => {
    const stripped = join(fx.dir, 'new.stripped.so');
    execFileSync('strip', ['--strip-all', '-o', stripped, fx.path('new.so')]);
    expect(readFileSync(stripped).length).toBeLessThan(fx.bytes('new.so').length);
    expect(readElfVersionNeeds(new Uint8Array(readFileSync(stripped)))).toEqual(readElfVersionNeeds(fx.bytes('new.so')));
    expectSameAsReadelf(stripped);
  });

  it.each(['new.so', 'old.so', 'relr.so'])('reads %s through the dynamic segment when the section headers are gone', (name) => {
    const full = fx.bytes(name);
    const bare = withoutSectionHeaders(full);
    expect(bare.length).toBeLessThan(full.length);
    // readelf itself finds no version section in such a file: only the dynamic segment is left.
    const path = join(fx.dir, `bare-${name}`);
    writeFileSync(path, bare);
    expect(readelfNeeds(path).size).toBe(0);
    const r = readElfVersionNeeds(bare);
    expect(r).toEqual(readElfVersionNeeds(full));
    expect(r!.needs.length).toBeGreaterThan(0);
  });
});

describe('readElfVersionNeeds on the system libraries', () => {
  it('reads libm.so.6 exactly as readelf does', () => {
    expectSameAsReadelf(LIBM);
  });

  it.skipIf(!existsSync(LIBR))('reads libR.so exactly as readelf does', () => {
    expectSameAsReadelf(LIBR);
  });
});

describe('hostile input', () => {
  it('answers undefined for files that are not ELF', () => {
    for (const bytes of [new Uint8Array(), new TextEncoder().encode('#!/bin/sh\necho hi\n'), new Uint8Array([0x7f, 0x45, 0x4c])]) {
      expect(readElfVersionNeeds(bytes)).toBeUndefined();
      expect(inspectElf(bytes)).toEqual({ kind: 'not-elf' });
    }
  });

  it('calls a file with the ELF magic and garbage after it unreadable', () => {
    const random = prng(1);
    for (let n = 0; n < 200; n++) {
      const bytes = new Uint8Array(6 + Math.floor(random() * 512)).map(() => Math.floor(random() * 256));
      bytes.set([0x7f, 0x45, 0x4c, 0x46, 1 + (n % 2), 1 + ((n >> 1) % 2)]);
      const r = inspectElf(bytes);
      expect(['unreadable', 'elf']).toContain(r.kind);
    }
    expect(inspectElf(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1]))).toMatchObject({ kind: 'unreadable' });
    expect(inspectElf(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 9, 1, ...new Array<number>(60).fill(0)]))).toMatchObject({ kind: 'unreadable', reason: 'unknown ELF class 9' });
  });

  it('never throws on a truncated library, and calls it unreadable once its tables are cut', () => {
    for (const full of [fx.bytes('new.so'), withoutSectionHeaders(fx.bytes('new.so'))]) {
      const kinds = new Set<string>();
      for (let len = 0; len < full.length; len += len < 4096 ? 1 : 97) {
        const r = inspectElf(full.subarray(0, len));
        kinds.add(r.kind);
        if (r.kind === 'elf') expect(r.needs).toEqual(readElfVersionNeeds(full)!.needs);
      }
      expect(kinds).toContain('unreadable');
    }
  });

  it('never throws on a library with random bytes overwritten', () => {
    const random = prng(42);
    for (const name of ['new.so', 'relr.so'] as const) {
      for (const bare of [false, true]) {
        const original = bare ? withoutSectionHeaders(fx.bytes(name)) : fx.bytes(name);
        for (let n = 0; n < 400; n++) {
          const bytes = original.slice();
          for (let k = 0; k < 1 + Math.floor(random() * 8); k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
          // The header and tables are at the front: hit them more often than the code.
          if (random() < 0.5) bytes[Math.floor(random() * Math.min(bytes.length, 1024))] = Math.floor(random() * 256);
          expect(() => inspectElf(bytes)).not.toThrow();
        }
      }
    }
  });

  it('stops at a verneed chain that points outside the file', () => {
    const bytes = fx.bytes('new.so').slice();
    const dv = new DataView(bytes.buffer);
    // Find .gnu.version_r through the section headers and point vn_aux far past the end.
    const shoff = Number(dv.getBigUint64(40, true));
    const shnum = dv.getUint16(60, true);
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * 64;
      if (dv.getUint32(o + 4, true) === 0x6ffffffe) dv.setUint32(Number(dv.getBigUint64(o + 24, true)) + 8, 0xfffffff0, true);
    }
    expect(inspectElf(bytes)).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('outside the file') as unknown });
  });
});

describe('other classes and byte orders', () => {
  it('reads a 32-bit (i386) shared object exactly as readelf does', () => {
    const path = compile32(fx.dir);
    expect(path, 'gcc -m32 and ld -m elf_i386 build the 32-bit fixture').toBeDefined();
    const r = readElfVersionNeeds(new Uint8Array(readFileSync(path!)));
    expect(versionsOf(r, 'libc.so.6')).toEqual({ 'GLIBC_2.36': ['arc4random'], 'GLIBC_2.0': ['strlen'] });
    expectSameAsReadelf(path!);
  });

  it.each(['new.so', 'relr.so'])('reads %s rewritten as big endian exactly as readelf does, with and without section headers', (name) => {
    const big = toBigEndian64(fx.bytes(name));
    const path = join(fx.dir, `big-${name}`);
    writeFileSync(path, big);
    expect(execFileSync('readelf', ['-h', path], { encoding: 'utf8' })).toContain('big endian');
    expectSameAsReadelf(path);
    expect(readElfVersionNeeds(big)).toEqual(readElfVersionNeeds(fx.bytes(name)));
    // The dynamic-segment path on big endian: drop the section headers (the swap keeps the layout).
    const bare = big.slice();
    new DataView(bare.buffer).setBigUint64(40, 0n, false);
    bare.fill(0, 58, 64);
    expect(readElfVersionNeeds(bare)).toEqual(readElfVersionNeeds(fx.bytes(name)));
  });
});
