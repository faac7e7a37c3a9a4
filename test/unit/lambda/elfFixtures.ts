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

/**
 * A little-endian ELF64 shared object rewritten as big endian: the header, the program and section
 * headers, and every table the version reading uses (dynamic, dynsym, versym, verneed, both hash
 * tables). No big-endian toolchain is installed and objcopy refuses to change byte order, so this
 * makes the fixture; readelf then checks that the result is a valid big-endian file.
 */
export function toBigEndian64(bytes: Uint8Array): Uint8Array {
  const src = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = bytes.slice();
  const dst = new DataView(out.buffer);
  const s16 = (o: number) => dst.setUint16(o, src.getUint16(o, true), false);
  const s32 = (o: number) => dst.setUint32(o, src.getUint32(o, true), false);
  const s64 = (o: number) => dst.setBigUint64(o, src.getBigUint64(o, true), false);
  const n = (o: number) => Number(src.getBigUint64(o, true));

  out[5] = 2; // EI_DATA = ELFDATA2MSB
  [16, 18].forEach(s16);
  s32(20);
  [24, 32, 40].forEach(s64);
  s32(48);
  [52, 54, 56, 58, 60, 62].forEach(s16);
  const phoff = n(32);
  for (let i = 0; i < src.getUint16(56, true); i++) {
    const o = phoff + i * 56;
    [o, o + 4].forEach(s32);
    for (let k = 8; k < 56; k += 8) s64(o + k);
  }
  const shoff = n(40);
  for (let i = 0; i < src.getUint16(60, true); i++) {
    const o = shoff + i * 64;
    const [type, off, size] = [src.getUint32(o + 4, true), n(o + 24), n(o + 32)];
    [o, o + 4, o + 40, o + 44].forEach(s32);
    [8, 16, 24, 32, 48, 56].forEach((k) => s64(o + k));
    if (type === 11) for (let p = off; p < off + size; p += 24) [s32, s16, s64, s64].forEach((swap, k) => swap(p + [0, 6, 8, 16][k]!)); // SHT_DYNSYM
    if (type === 6) for (let p = off; p < off + size; p += 8) s64(p); // SHT_DYNAMIC
    if (type === 0x6fffffff) for (let p = off; p < off + size; p += 2) s16(p); // versym
    if (type === 5) for (let p = off; p < off + size; p += 4) s32(p); // SHT_HASH
    if (type === 0x6ffffff6) {
      // SHT_GNU_HASH: four u32, bloom words (u64), then u32 buckets and chain to the end.
      const bloom = src.getUint32(off + 8, true);
      [0, 4, 8, 12].forEach((k) => s32(off + k));
      for (let k = 0; k < bloom; k++) s64(off + 16 + k * 8);
      for (let p = off + 16 + bloom * 8; p < off + size; p += 4) s32(p);
    }
    if (type === 0x6ffffffe) {
      // verneed: walk with the little-endian source, swap each record.
      for (let vn = off; ; ) {
        const [cnt, aux, next] = [src.getUint16(vn + 2, true), src.getUint32(vn + 8, true), src.getUint32(vn + 12, true)];
        [s16, s16, s32, s32, s32].forEach((swap, k) => swap(vn + [0, 2, 4, 8, 12][k]!));
        for (let j = 0, a = vn + aux; j < cnt; j++) {
          const anext = src.getUint32(a + 12, true);
          [s32, s16, s16, s32, s32].forEach((swap, k) => swap(a + [0, 4, 6, 8, 12][k]!));
          a += anext;
        }
        if (next === 0) break;
        vn += next;
      }
    }
  }
  return out;
}

/**
 * A 32-bit (i386) shared object that calls arc4random and strlen, linked against a stub libc.so.6
 * whose version script puts them in GLIBC_2.36 and GLIBC_2.0 (there is no 32-bit glibc to link
 * against here; gcc -m32 compiles and ld -m elf_i386 links). Undefined when the toolchain cannot.
 */
export function compile32(dir: string): string | undefined {
  const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  try {
    const stub = file('stub32.c', 'unsigned int arc4random(void) { return 4; }\nunsigned long strlen(const char *s) { return s ? 0 : 1; }\n');
    const map = file('stub32.map', 'GLIBC_2.0 { global: strlen; local: *; };\nGLIBC_2.36 { global: arc4random; } GLIBC_2.0;\n');
    const user = file('user32.c', 'unsigned int arc4random(void);\nunsigned long strlen(const char *);\nunsigned int pick(const char *s) { return arc4random() + strlen(s); }\n');
    execFileSync('gcc', ['-m32', '-fPIC', '-c', stub, '-o', join(dir, 'stub32.o')], { stdio: 'ignore' });
    execFileSync('ld', ['-m', 'elf_i386', '-shared', '-soname', 'libc.so.6', '--version-script', map, '-o', join(dir, 'libc.so.6'), join(dir, 'stub32.o')], { stdio: 'ignore' });
    execFileSync('gcc', ['-m32', '-fPIC', '-c', user, '-o', join(dir, 'user32.o')], { stdio: 'ignore' });
    execFileSync('ld', ['-m', 'elf_i386', '-shared', '-o', join(dir, 'user32.so'), join(dir, 'user32.o'), join(dir, 'libc.so.6')], { stdio: 'ignore' });
    return join(dir, 'user32.so');
  } catch {
    return undefined;
  }
}
