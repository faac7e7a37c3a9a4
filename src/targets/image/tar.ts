import { createReadStream } from 'node:fs';

/**
 * A minimal streaming tar (ustar + PAX long names) writer: the build context is streamed to
 * the engine file by file, never held in memory, and nothing is written to the user's disk.
 */
export type TarEntry =
  | { type: 'file'; name: string; mode: number; mtime: Date; size: number; source: string }
  | { type: 'file'; name: string; mode: number; mtime: Date; content: Uint8Array }
  | { type: 'dir'; name: string; mode: number; mtime: Date }
  | { type: 'symlink'; name: string; mode: number; mtime: Date; target: string };

const BLOCK = 512;

export async function* tarStream(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for await (const entry of entries) {
    const name = entry.type === 'dir' && !entry.name.endsWith('/') ? entry.name + '/' : entry.name;
    const size = entry.type === 'file' ? ('content' in entry ? entry.content.length : entry.size) : 0;
    const link = entry.type === 'symlink' ? entry.target : '';
    const pax: Record<string, string> = {};
    if (Buffer.byteLength(name) > 100) pax.path = name;
    if (Buffer.byteLength(link) > 100) pax.linkpath = link;
    if (Object.keys(pax).length) {
      const body = paxBody(pax);
      yield header({ name: 'PaxHeader', size: body.length, type: 'x', mode: 0o644, mtime: entry.mtime, link: '' });
      yield pad(body);
    }
    const type = entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2';
    yield header({ name, size, type, mode: entry.mode, mtime: entry.mtime, link });
    if (entry.type !== 'file') continue;
    if ('content' in entry) {
      yield pad(Buffer.from(entry.content));
      continue;
    }
    // Exactly `size` bytes, whatever happens to the file meanwhile: a grown or shrunk file must
    // not corrupt the archive.
    let written = 0;
    if (size > 0) {
      for await (const chunk of createReadStream(entry.source, { end: size - 1 })) {
        const buf = chunk as Buffer;
        written += buf.length;
        yield buf;
      }
    }
    if (written < size) yield Buffer.alloc(size - written);
    const rest = size % BLOCK;
    if (rest) yield Buffer.alloc(BLOCK - rest);
  }
  yield Buffer.alloc(BLOCK * 2);
}

function pad(buf: Buffer): Buffer {
  const rest = buf.length % BLOCK;
  return rest ? Buffer.concat([buf, Buffer.alloc(BLOCK - rest)]) : buf;
}

function paxBody(fields: Record<string, string>): Buffer {
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    const record = ` ${key}=${value}\n`;
    // The length prefix counts itself: grow it until it is stable.
    let len = Buffer.byteLength(record) + 1;
    while (String(len).length + Buffer.byteLength(record) !== len) len = String(len).length + Buffer.byteLength(record);
    out += `${len}${record}`;
  }
  return Buffer.from(out, 'utf8');
}

function header(h: { name: string; size: number; type: string; mode: number; mtime: Date; link: string }): Buffer {
  const buf = Buffer.alloc(BLOCK);
  const str = (s: string, off: number, len: number) => buf.write(truncateBytes(s, len), off, len, 'utf8');
  const oct = (n: number, off: number, len: number) => buf.write(Math.max(0, Math.floor(n)).toString(8).padStart(len - 1, '0') + '\0', off, len, 'ascii');
  str(h.name, 0, 100);
  oct(h.mode & 0o7777, 100, 8);
  oct(0, 108, 8);
  oct(0, 116, 8);
  oct(h.size, 124, 12);
  oct(h.mtime.getTime() / 1000, 136, 12);
  buf.write('        ', 148, 8, 'ascii');
  buf.write(h.type, 156, 1, 'ascii');
  str(h.link, 157, 100);
  buf.write('ustar\u000000', 257, 8, 'ascii');
  str('root', 265, 32);
  str('root', 297, 32);
  let sum = 0;
  for (const b of buf) sum += b;
  buf.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return buf;
}

function truncateBytes(s: string, max: number): string {
  let out = s;
  while (Buffer.byteLength(out) > max) out = out.slice(0, -1);
  return out;
}
