import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real shared objects for the ELF reader and the glibc guard, compiled with the host's gcc at test
 * time (no binaries committed), and `readelf` (binutils) as the independent reading to compare with.
 */
export const SOURCES = {
  // arc4random is new in glibc 2.36, so this needs GLIBC_2.36 (the host has 2.36; AL2023 2.34).
  'new.so': { code: '#include <stdlib.h>\nunsigned int pick(void) { return arc4random(); }\n', flags: [] as string[] },
  'old.so': {
    code: '#include <stdlib.h>\n#include <string.h>\nchar *copy(const char *s) { size_t n = strlen(s); char *p = malloc(n + 1); if (p) p[n] = 0; return p; }\n',
    flags: ['-fno-builtin'],
  },
  // Packed relative relocations: the file needs the GLIBC_ABI_DT_RELR marker (glibc 2.36) and old symbols only.
  'relr.so': {
    code: '#include <string.h>\nstatic const char *names[] = {"a", "b", "c"};\nsize_t name(int i) { return strlen(names[i]); }\n',
    flags: ['-fno-builtin', '-Wl,-z,pack-relative-relocs'],
  },
};

export type FixtureName = keyof typeof SOURCES;

export interface Fixtures {
  dir: string;
  path(name: FixtureName | string): string;
  bytes(name: FixtureName | string): Uint8Array;
  cleanup(): void;
}

export function compileFixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'rdeploy-elf-'));
  for (const [name, { code, flags }] of Object.entries(SOURCES)) {
    const src = join(dir, name.replace(/\.so$/, '.c'));
    writeFileSync(src, code);
    execFileSync('gcc', ['-shared', '-fPIC', '-O0', ...flags, '-o', join(dir, name), src]);
  }
  return {
    dir,
    path: (name) => join(dir, name),
    bytes: (name) => new Uint8Array(readFileSync(join(dir, name))),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `readelf -V`: the version needs as { file → version names }. */
export function readelfNeeds(path: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const text = execFileSync('readelf', ['-V', '-W', path], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  const needs = text.slice(text.indexOf("Version needs section '.gnu.version_r'"));
  let current: string[] | undefined;
  for (const line of needs.split('\n')) {
    const file = /File: (\S+)\s+Cnt:/.exec(line);
    const name = /Name: (\S+)\s+Flags:/.exec(line);
    if (file?.[1]) out.set(file[1], (current = []));
    else if (name?.[1] && current) current.push(name[1]);
  }
  return out;
}

/** `readelf --dyn-syms`: undefined versioned symbols as { version → symbols }. */
export function readelfUndefinedByVersion(path: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const text = execFileSync('readelf', ['--dyn-syms', '-W', path], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  for (const line of text.split('\n')) {
    const m = /\sUND\s+([^@\s]+)@([^\s(]+)/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    out.set(m[2], (out.get(m[2]) ?? new Set()).add(m[1]));
  }
  return out;
}

/**
 * What `sstrip` does, for a little-endian ELF64 file: drop the section header table (e_shoff,
 * e_shnum, e_shentsize, e_shstrndx = 0) and everything past the last loaded byte, so that only
 * the program headers and the dynamic segment describe the file, as the dynamic linker sees it.
 */
export function withoutSectionHeaders(bytes: Uint8Array): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = Number(dv.getBigUint64(32, true));
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  let end = 0;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    end = Math.max(end, Number(dv.getBigUint64(o + 8, true)) + Number(dv.getBigUint64(o + 32, true)));
  }
  const out = bytes.slice(0, end);
  const odv = new DataView(out.buffer);
  odv.setBigUint64(40, 0n, true);
  for (const off of [58, 60, 62]) odv.setUint16(off, 0, true);
  return out;
}

/** A small deterministic PRNG (mulberry32), so a failing fuzz case can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
