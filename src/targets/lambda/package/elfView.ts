/**
 * Bounds-checked reads from an ELF file of either class and byte order. Every read checks its
 * offset against the file, so hostile or truncated input ends in `MalformedElf`, which the reader
 * turns into an "unreadable" answer instead of a crash.
 */
export class MalformedElf extends Error {
  override readonly name = 'MalformedElf';
}

/** The longest name read from a string table (C++ mangled names can run to several KB). */
const MAX_NAME = 64 * 1024;

export class ElfView {
  private readonly dv: DataView;
  readonly size: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly is64: boolean,
    readonly le: boolean,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.size = bytes.byteLength;
  }

  /** Throws unless `[off, off + len)` lies inside the file. */
  check(off: number, len: number, what: string): void {
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0 || off + len > this.size) {
      throw new MalformedElf(`${what} lies outside the file (offset ${off}, ${len} bytes, file ${this.size} bytes)`);
    }
  }

  u8(off: number): number {
    this.check(off, 1, 'a byte');
    return this.dv.getUint8(off);
  }

  u16(off: number): number {
    this.check(off, 2, 'a 16-bit field');
    return this.dv.getUint16(off, this.le);
  }

  u32(off: number): number {
    this.check(off, 4, 'a 32-bit field');
    return this.dv.getUint32(off, this.le);
  }

  /** A 64-bit field as a number; values past 2^53 cannot be file offsets or counts, so they are malformed. */
  u64(off: number): number {
    this.check(off, 8, 'a 64-bit field');
    const v = this.dv.getBigUint64(off, this.le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedElf(`a 64-bit field at ${off} is too large (${v})`);
    return Number(v);
  }

  /** A signed `d_tag`. Past 2^53 it loses precision, which does not matter: known tags are small. */
  dtag(off: number): number {
    if (!this.is64) {
      this.check(off, 4, 'a dynamic tag');
      return this.dv.getInt32(off, this.le);
    }
    this.check(off, 8, 'a dynamic tag');
    return Number(this.dv.getBigInt64(off, this.le));
  }

  /** An address, offset or size: `Elf32_Addr`/`Elf32_Off`/`Elf32_Word` or their 64-bit forms. */
  word(off: number): number {
    return this.is64 ? this.u64(off) : this.u32(off);
  }

  /** A NUL-terminated string at `table + index`, which must end inside the table. */
  str(table: { offset: number; size: number }, index: number): string {
    if (index >= table.size) throw new MalformedElf(`a string index ${index} lies past its string table (${table.size} bytes)`);
    const start = table.offset + index;
    const limit = Math.min(table.offset + table.size, start + MAX_NAME);
    this.check(start, limit - start, 'a string');
    const len = this.bytes.subarray(start, limit).indexOf(0);
    if (len < 0) throw new MalformedElf(`a string at ${start} has no terminating NUL inside its table`);
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, len).toString('utf8');
  }
}
