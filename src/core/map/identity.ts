import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AppError } from '../errors';

/** What makes an input the same input: its bytes (size and SHA-256); the time is kept for people. */
export interface InputIdentity {
  size: number;
  mtime: string;
  sha256: string;
  /** Line feeds in the file: how many rows there are, near enough for a progress bar before the rows are read. */
  lines: number;
}

/** Reads the file once (streamed): its hash and its line count. */
export async function inputIdentity(file: string, signal?: AbortSignal): Promise<InputIdentity> {
  const info = await stat(file).catch((e: unknown) => {
    throw new AppError('not-found', `The input ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Give the path of a CSV, JSON Lines or JSON array file.`, { cause: e });
  });
  if (!info.isFile()) throw new AppError('usage', `The input ${file} is not a file. Give the path of a CSV, JSON Lines or JSON array file.`);
  const hash = createHash('sha256');
  let lines = 0;
  for await (const chunk of createReadStream(file, { signal }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return { size: info.size, mtime: info.mtime.toISOString(), sha256: hash.digest('hex'), lines };
}
