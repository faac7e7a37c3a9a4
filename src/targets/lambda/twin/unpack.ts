import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { open as openZip, type Entry, type ZipFile } from 'yauzl';
import { AppError } from '../../../core/errors';

/**
 * Extracts a zip as Lambda does: into `dir`, later files over earlier ones (layers in order into
 * /opt), Unix permission bits kept (an executable bootstrap stays executable). Paths that would
 * leave `dir` are refused: the zip may come from a folder someone else wrote.
 */
export async function unpackZip(file: string, dir: string): Promise<number> {
  const zip = await new Promise<ZipFile>((resolve, reject) => openZip(file, { lazyEntries: true, strictFileNames: true }, (e, z) => (e ? reject(e) : resolve(z))));
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => {
      zip.close();
      reject(e instanceof AppError ? e : new AppError('build-failed', `Cannot extract ${file}: ${(e as Error).message}.`, { cause: e }));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: Entry) => {
      const target = path.resolve(dir, entry.fileName);
      if (!target.startsWith(path.resolve(dir) + path.sep)) return fail(new AppError('build-failed', `${file} holds a path outside its folder: ${entry.fileName}.`));
      if (entry.fileName.endsWith('/')) {
        mkdir(target, { recursive: true }).then(() => zip.readEntry(), fail);
        return;
      }
      const mode = (entry.externalFileAttributes >>> 16) & 0o777 || 0o644;
      zip.openReadStream(entry, (e, stream) => {
        if (e) return fail(e);
        mkdir(path.dirname(target), { recursive: true })
          .then(() => pipeline(stream, createWriteStream(target, { mode })))
          .then(() => {
            count++;
            zip.readEntry();
          }, fail);
      });
    });
    zip.readEntry();
  });
  return count;
}
