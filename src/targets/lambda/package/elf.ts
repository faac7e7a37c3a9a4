import { findVersionTables } from './elfTables';
import { ElfView, MalformedElf } from './elfView';

/**
 * A small ELF reader for one question: which symbol versions (`GLIBC_2.34` …) does a shared object
 * need from which library, and for which undefined symbols. It follows the System V gABI (header,
 * section and program headers, dynamic segment) and the LSB "Symbol Versioning" chapter
 * (`.gnu.version` = versym, `.gnu.version_r` = verneed), for 32- and 64-bit files of either byte
 * order. No dependency: Node's DataView over the bytes.
 */
export interface ElfVersionNeeds {
  /** One entry per `Elf*_Verneed`: the library (`libc.so.6`) and the versions needed from it. */
  needs: Array<{ file: string; versions: Array<{ name: string; symbols: string[] }> }>;
}

export type ElfInspection = { kind: 'not-elf' } | { kind: 'unreadable'; reason: string } | ({ kind: 'elf' } & ElfVersionNeeds);

/** Longer verneed or vernaux chains than this are a loop or garbage, not a real file. */
const MAX_CHAIN = 100_000;
const VERSYM_HIDDEN = 0x8000;
const SHN_UNDEF = 0;

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** The version needs of `bytes`; `undefined` when it is not an ELF file or cannot be read as one. */
export function readElfVersionNeeds(bytes: Uint8Array): ElfVersionNeeds | undefined {
  const r = inspectElf(bytes);
  return r.kind === 'elf' ? { needs: r.needs } : undefined;
}

/** Like `readElfVersionNeeds`, but tells a non-ELF file from a malformed one. Never throws. */
export function inspectElf(bytes: Uint8Array): ElfInspection {
  if (!isElf(bytes)) return { kind: 'not-elf' };
  try {
    return { kind: 'elf', needs: readNeeds(openView(bytes)) };
  } catch (e) {
    // Anything thrown on hostile input is a malformed file, not a crash of the packager.
    return { kind: 'unreadable', reason: e instanceof MalformedElf ? e.message : `unexpected: ${String(e)}` };
  }
}

function openView(bytes: Uint8Array): ElfView {
  const cls = bytes[4]; // EI_CLASS: 1 = 32-bit, 2 = 64-bit
  const data = bytes[5]; // EI_DATA: 1 = little endian, 2 = big endian
  if (cls !== 1 && cls !== 2) throw new MalformedElf(`unknown ELF class ${String(cls)}`);
  if (data !== 1 && data !== 2) throw new MalformedElf(`unknown ELF byte order ${String(data)}`);
  const v = new ElfView(bytes, cls === 2, data === 1);
  v.check(0, cls === 2 ? 64 : 52, 'the ELF header');
  return v;
}

function readNeeds(v: ElfView): ElfVersionNeeds['needs'] {
  const t = findVersionTables(v);
  if (!t.verneed) return [];

  // Elf*_Verneed (16 bytes both classes): vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
  // Elf*_Vernaux (16 bytes): vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
  const needs: Array<{ file: string; versions: Array<{ name: string; index: number }> }> = [];
  let at = t.verneed.offset;
  const limit = t.verneed.count || MAX_CHAIN; // the count is the section's sh_info or DT_VERNEEDNUM
  for (let i = 0; i < limit; i++) {
    const cnt = v.u16(at + 2);
    const file = v.str(t.verneed.strings, v.u32(at + 4));
    const versions: Array<{ name: string; index: number }> = [];
    let aux = at + v.u32(at + 8);
    for (let j = 0; j < cnt; j++) {
      versions.push({ name: v.str(t.verneed.strings, v.u32(aux + 8)), index: v.u16(aux + 6) & ~VERSYM_HIDDEN });
      const next = v.u32(aux + 12);
      if (next === 0) break;
      aux += next;
    }
    needs.push({ file, versions });
    const next = v.u32(at + 12);
    if (next === 0) break;
    at += next;
  }

  const byIndex = symbolsByVersionIndex(v, t.symbols);
  return needs.map((n) => ({ file: n.file, versions: n.versions.map((ver) => ({ name: ver.name, symbols: byIndex.get(ver.index) ?? [] })) }));
}

/** Undefined dynamic symbols grouped by their versym index (0 local and 1 global carry no version). */
function symbolsByVersionIndex(v: ElfView, s: ReturnType<typeof findVersionTables>['symbols']): Map<number, string[]> {
  const out = new Map<number, Set<string>>();
  if (!s) return new Map();
  if (s.entsize < (v.is64 ? 24 : 16)) throw new MalformedElf(`dynamic symbols of ${s.entsize} bytes are too small`);
  v.check(s.offset, s.count * s.entsize, 'the dynamic symbol table');
  v.check(s.versym, s.count * 2, 'the versym table');
  for (let i = 1; i < s.count; i++) {
    const index = v.u16(s.versym + i * 2) & ~VERSYM_HIDDEN;
    if (index < 2) continue;
    const sym = s.offset + i * s.entsize;
    // Elf64_Sym: st_name u32, st_info u8, st_other u8, st_shndx u16, …; Elf32_Sym: st_name, st_value, st_size, st_info, st_other, st_shndx.
    const shndx = v.u16(sym + (v.is64 ? 6 : 14));
    if (shndx !== SHN_UNDEF) continue; // a defined symbol's index points into verdef, not verneed
    const name = v.str(s.strings, v.u32(sym));
    const names = out.get(index) ?? new Set<string>();
    out.set(index, names.add(name));
  }
  return new Map([...out].map(([index, names]) => [index, [...names]]));
}
