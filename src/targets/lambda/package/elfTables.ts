import { ElfView, MalformedElf } from './elfView';

/** A byte range of the file: a string table. */
export interface Range {
  offset: number;
  size: number;
}

/**
 * Where the symbol-versioning tables of one file are: `verneed` (`Elf*_Verneed` chain, with its
 * string table) and, when present, the dynamic symbols with their `versym` entries (one `u16` each).
 */
export interface VersionTables {
  verneed?: { offset: number; count: number; strings: Range };
  symbols?: { offset: number; entsize: number; count: number; strings: Range; versym: number };
}

const SHT_DYNSYM = 11;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT_NULL = 0;
const DT_HASH = 4;
const DT_STRTAB = 5;
const DT_SYMTAB = 6;
const DT_STRSZ = 10;
const DT_SYMENT = 11;
const DT_GNU_HASH = 0x6ffffef5;
const DT_VERSYM = 0x6ffffff0;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;

interface Header {
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
  shentsize: number;
  shnum: number;
}

export function readHeader(v: ElfView): Header {
  // Elf32_Ehdr / Elf64_Ehdr: e_phoff, e_shoff and the six u16 counts after e_flags.
  const [phoff, shoff, counts] = v.is64 ? [v.u64(32), v.u64(40), 54] : [v.u32(28), v.u32(32), 42];
  let shnum = v.u16(counts + 6);
  const shentsize = v.u16(counts + 4);
  // Extended numbering (gABI): with e_shnum 0 the real count is section 0's sh_size.
  if (shnum === 0 && shoff !== 0 && shentsize > 0) shnum = v.word(shoff + (v.is64 ? 32 : 20));
  return { phoff, phentsize: v.u16(counts), phnum: v.u16(counts + 2), shoff, shentsize, shnum };
}

interface Section {
  type: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

function readSections(v: ElfView, h: Header): Section[] {
  const min = v.is64 ? 64 : 40;
  if (h.shentsize < min) throw new MalformedElf(`section headers of ${h.shentsize} bytes are too small`);
  v.check(h.shoff, h.shnum * h.shentsize, 'the section header table');
  const sections: Section[] = [];
  for (let i = 0; i < h.shnum; i++) {
    const o = h.shoff + i * h.shentsize;
    sections.push(
      v.is64
        ? { type: v.u32(o + 4), offset: v.u64(o + 24), size: v.u64(o + 32), link: v.u32(o + 40), info: v.u32(o + 44), entsize: v.u64(o + 56) }
        : { type: v.u32(o + 4), offset: v.u32(o + 16), size: v.u32(o + 20), link: v.u32(o + 24), info: v.u32(o + 28), entsize: v.u32(o + 36) },
    );
  }
  return sections;
}

function linked(sections: Section[], s: Section, what: string): Section {
  const target = sections[s.link];
  if (!target) throw new MalformedElf(`${what} links to section ${s.link}, which does not exist`);
  return target;
}

/** The tables as the section headers describe them: the usual way, and what `readelf -V` reads. */
function fromSections(v: ElfView, h: Header): VersionTables {
  const sections = readSections(v, h);
  const tables: VersionTables = {};
  const verneed = sections.find((s) => s.type === SHT_GNU_VERNEED);
  if (!verneed) return tables;
  const vstr = linked(sections, verneed, 'the version needs section');
  v.check(verneed.offset, verneed.size, 'the version needs section');
  tables.verneed = { offset: verneed.offset, count: verneed.info, strings: { offset: vstr.offset, size: vstr.size } };

  const versym = sections.find((s) => s.type === SHT_GNU_VERSYM);
  if (!versym) return tables;
  const dynsym = linked(sections, versym, 'the versym section');
  if (dynsym.type !== SHT_DYNSYM) throw new MalformedElf('the versym section does not link to the dynamic symbols');
  const dstr = linked(sections, dynsym, 'the dynamic symbol table');
  const entsize = dynsym.entsize || (v.is64 ? 24 : 16);
  const count = Math.min(Math.floor(dynsym.size / entsize), Math.floor(versym.size / 2));
  tables.symbols = { offset: dynsym.offset, entsize, count, strings: { offset: dstr.offset, size: dstr.size }, versym: versym.offset };
  return tables;
}

interface Segment {
  offset: number;
  vaddr: number;
  filesz: number;
}

/**
 * The tables as the dynamic segment describes them (`DT_VERNEED`, `DT_VERSYM`, …): what the
 * dynamic linker itself reads, so it still works when the section headers are stripped.
 */
function fromDynamic(v: ElfView, h: Header): VersionTables {
  const phsize = v.is64 ? 56 : 32;
  if (h.phnum === 0) throw new MalformedElf('the file has neither section headers nor program headers');
  if (h.phentsize < phsize) throw new MalformedElf(`program headers of ${h.phentsize} bytes are too small`);
  v.check(h.phoff, h.phnum * h.phentsize, 'the program header table');
  const loads: Segment[] = [];
  let dynamic: Segment | undefined;
  for (let i = 0; i < h.phnum; i++) {
    const o = h.phoff + i * h.phentsize;
    const type = v.u32(o);
    const seg = v.is64 ? { offset: v.u64(o + 8), vaddr: v.u64(o + 16), filesz: v.u64(o + 32) } : { offset: v.u32(o + 4), vaddr: v.u32(o + 8), filesz: v.u32(o + 16) };
    if (type === PT_LOAD) loads.push(seg);
    else if (type === PT_DYNAMIC) dynamic = seg;
  }
  if (!dynamic) return {}; // a static executable: nothing is needed from any library
  v.check(dynamic.offset, dynamic.filesz, 'the dynamic segment');

  const tags = new Map<number, number>();
  const entry = v.is64 ? 16 : 8;
  for (let o = dynamic.offset; o + entry <= dynamic.offset + dynamic.filesz; o += entry) {
    const tag = v.dtag(o);
    if (tag === DT_NULL) break;
    if (!tags.has(tag)) tags.set(tag, v.word(o + entry / 2));
  }
  const fileOffset = (addr: number, what: string): number => {
    const seg = loads.find((s) => addr >= s.vaddr && addr < s.vaddr + s.filesz);
    if (!seg) throw new MalformedElf(`${what} (address 0x${addr.toString(16)}) is in no loaded segment`);
    return seg.offset + (addr - seg.vaddr);
  };

  const tables: VersionTables = {};
  const verneedAddr = tags.get(DT_VERNEED);
  const strtabAddr = tags.get(DT_STRTAB);
  if (verneedAddr === undefined) return tables;
  if (strtabAddr === undefined) throw new MalformedElf('the dynamic segment has version needs but no string table');
  const strings = { offset: fileOffset(strtabAddr, 'the dynamic string table'), size: tags.get(DT_STRSZ) ?? 0 };
  tables.verneed = { offset: fileOffset(verneedAddr, 'the version needs'), count: tags.get(DT_VERNEEDNUM) ?? 0, strings };

  const versymAddr = tags.get(DT_VERSYM);
  const symtabAddr = tags.get(DT_SYMTAB);
  if (versymAddr === undefined || symtabAddr === undefined) return tables;
  const offset = fileOffset(symtabAddr, 'the dynamic symbol table');
  const entsize = tags.get(DT_SYMENT) || (v.is64 ? 24 : 16);
  const hash = tags.get(DT_HASH);
  const gnuHash = tags.get(DT_GNU_HASH);
  // The dynamic segment has no symbol count: the hash tables know it (as the linker does).
  const count =
    hash !== undefined
      ? v.u32(fileOffset(hash, 'the hash table') + 4) // nchain
      : gnuHash !== undefined
        ? gnuHashSymbolCount(v, fileOffset(gnuHash, 'the GNU hash table'))
        : strings.offset > offset
          ? Math.floor((strings.offset - offset) / entsize) // ld puts .dynstr right after .dynsym
          : 0;
  tables.symbols = { offset, entsize, count, strings, versym: fileOffset(versymAddr, 'the versym table') };
  return tables;
}

/** `DT_GNU_HASH` holds no count: it is one past the last symbol of the highest bucket's chain. */
function gnuHashSymbolCount(v: ElfView, at: number): number {
  const nbuckets = v.u32(at);
  const symoffset = v.u32(at + 4);
  const bloomSize = v.u32(at + 8);
  const buckets = at + 16 + bloomSize * (v.is64 ? 8 : 4);
  v.check(buckets, nbuckets * 4, 'the GNU hash buckets');
  let last = 0;
  for (let i = 0; i < nbuckets; i++) last = Math.max(last, v.u32(buckets + i * 4));
  if (last < symoffset) return symoffset;
  const chain = buckets + nbuckets * 4;
  // Each chain ends at an entry with the low bit set; u32() stops a runaway chain at the file's end.
  while ((v.u32(chain + (last - symoffset) * 4) & 1) === 0) last++;
  return last + 1;
}

/** Section headers when there are any; the dynamic segment when they were stripped. */
export function findVersionTables(v: ElfView): VersionTables {
  const h = readHeader(v);
  return h.shoff !== 0 && h.shnum > 0 ? fromSections(v, h) : fromDynamic(v, h);
}
