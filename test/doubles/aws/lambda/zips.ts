// Zips for tests that drive the double: small ones from text, and large-when-unzipped ones from
// zeros, streamed through deflate so a 300 MB entry costs a few hundred KB and well under a
// second, never a 300 MB buffer.
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';

/** A zip of small text files. */
export function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  return collect(zip.outputStream);
}

const ZEROS = Buffer.alloc(1024 * 1024);

/** A zip of one file of `bytes` zeros. */
export function zerosZip(name: string, bytes: number): Promise<Buffer> {
  function* zeros() {
    for (let left = bytes; left > 0; left -= ZEROS.length) yield ZEROS.subarray(0, Math.min(left, ZEROS.length));
  }
  const zip = new ZipFile();
  zip.addReadStream(Readable.from(zeros()), name);
  zip.end();
  return collect(zip.outputStream);
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
