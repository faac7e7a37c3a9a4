import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { cancelledError } from '../../../core/errors';

/** One file of a zip: where it is on disk, its path in the zip, its size and Unix mode. */
export interface ZipEntry {
  source: string;
  path: string;
  size: number;
  mode: number;
}

export interface WrittenZip {
  zippedBytes: number;
  unzippedBytes: number;
  sha256: string;
}

/**
 * Every zip gets this date, whatever the files' own: the same content gives the same bytes, so an
 * unchanged layer has the same hash and a deploy can reuse the layer version it published before.
 * (1980-01-01 is the earliest date a zip can hold.)
 */
const FIXED_DATE = new Date(Date.UTC(1980, 0, 1, 12));

/**
 * Writes `entries` to `file` (through a temporary name: a cancelled or failed write leaves no
 * half zip under the real name). Unix modes are kept: Lambda extracts them, and `bootstrap` and
 * R's binary must stay executable.
 */
export async function writeZip(file: string, entries: readonly ZipEntry[], signal?: AbortSignal): Promise<WrittenZip> {
  const zip = new ZipFile();
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of sorted) zip.addFile(e.source, e.path, { mtime: FIXED_DATE, mode: e.mode, compress: true });
  zip.end();
  const hash = createHash('sha256');
  let zippedBytes = 0;
  zip.outputStream.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    zippedBytes += chunk.length;
  });
  const partial = `${file}.partial`;
  try {
    await pipeline(zip.outputStream, createWriteStream(partial), { signal });
    await rename(partial, file);
  } catch (e) {
    await rm(partial, { force: true });
    if (signal?.aborted) throw cancelledError();
    throw e;
  }
  return { zippedBytes, unzippedBytes: sorted.reduce((n, e) => n + e.size, 0), sha256: hash.digest('hex') };
}

/** The sha256 of a file already written (a package folder checked for being up to date). */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
