import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AppError } from '../errors';
import { parseRecord } from './records';

/** What an earlier run left in the output. */
export interface PriorOutput {
  /** Complete records, numbered 1..count in order. */
  count: number;
  /** Indices (≤ count) whose record is a failed call: a rerun calls them again. */
  notDone: Set<number>;
  /** Records that are the handler's errors (answers: kept, not called again). */
  errors: number;
  /** Bytes up to the end of the last complete line: a half-written line after it is dropped. */
  keepBytes: number;
  /** The file's size: more than keepBytes when its last line was torn. */
  size: number;
}

/**
 * Reads an earlier run's output (streamed): every complete line must be the record of the next
 * unit, of the kind this input gives (`chunk` or `index`); a last line without its line feed is
 * what a crash or Ctrl-C cut short, and is dropped. Undefined when there is no such file.
 */
export async function scanOutput(file: string, kind: 'chunk' | 'element'): Promise<PriorOutput | undefined> {
  const info = await stat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!info) return undefined;
  let count = 0;
  let keepBytes = 0;
  const notDone = new Set<number>();
  let errors = 0;
  let pending: Buffer[] = [];
  let offset = 0;
  const take = (line: Buffer) => {
    const text = line.toString('utf8').replace(/\r$/, '');
    const r = parseRecord(text);
    const n = count + 1;
    if (!r || r.kind !== kind || r.index !== n) {
      const what = !r ? 'not a record rdeploy map writes' : r.kind !== kind ? `a record of ${r.kind === 'chunk' ? 'a chunk of rows' : 'an array element'}, while this input gives ${kind === 'chunk' ? 'chunks of rows' : 'array elements'}` : `the record of ${r.kind} ${r.index}, not ${n}`;
      throw new AppError('usage', `Line ${n} of ${file} is ${what}. Choose another --output, or pass --restart to start over.`);
    }
    if (!r.done) notDone.add(n);
    else if (r.error) errors++;
    count = n;
  };
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) {
      pending.push(chunk.subarray(start, i));
      take(Buffer.concat(pending));
      pending = [];
      start = i + 1;
      keepBytes = offset + i + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
    offset += chunk.length;
  }
  return { count, notDone, errors, keepBytes, size: offset };
}
