import { setTimeout as sleep } from 'node:timers/promises';
import { BatchError } from './BatchError';
import type { ByteRange } from './requests';
import type { BatchTask, TaskFileProperties } from './schemas';

/** What tailing needs of the client (BatchClient has it; tests may pass less). */
export interface TailSource {
  getTaskFileProperties(jobId: string, taskId: string, filePath: string, opts?: { signal?: AbortSignal }): Promise<TaskFileProperties>;
  readTaskFile(jobId: string, taskId: string, filePath: string, range?: ByteRange, opts?: { signal?: AbortSignal }): Promise<{ bytes: Uint8Array }>;
  getTask(jobId: string, taskId: string, opts: { select: readonly ['state']; signal?: AbortSignal }): Promise<Pick<BatchTask, 'state'>>;
}

export interface TailOptions {
  /** Ends the tail quietly. */
  signal?: AbortSignal;
  /** The wait between looks when nothing is new; default 2 s. */
  pollMs?: number;
  /** Where to start reading (a resumed tail); default 0. */
  from?: number;
  /** The most bytes one ranged read asks for; default 1 MiB. */
  maxChunkBytes?: number;
}

export interface TailChunk {
  /** Where `bytes` start in the file. */
  offset: number;
  bytes: Uint8Array;
  /** `bytes` as UTF-8; a character split across reads comes whole in the next chunk. */
  text: string;
}

/**
 * A task file (stdout.txt, stderr.txt) as it grows: each look asks the file's length (HEAD) and
 * reads only the new bytes (ocp-range). When nothing is new it asks the task's state; once the
 * task has completed, one more look finds the last bytes a node flushes, and the tail ends.
 *
 * A file that is not there yet (the task is queued, or its node is starting) is waited for; a
 * file shorter than what was read means the task was retried on a new node and its file starts
 * again, so reading starts again at 0.
 */
export async function* tailTaskFile(source: TailSource, jobId: string, taskId: string, filePath: string, opts: TailOptions = {}): AsyncGenerator<TailChunk> {
  const { signal } = opts;
  const pollMs = opts.pollMs ?? 2_000;
  const maxChunk = opts.maxChunkBytes ?? 1 << 20;
  let offset = opts.from ?? 0;
  let decoder = new TextDecoder('utf-8');
  let taskDone = false;
  try {
    while (!signal?.aborted) {
      const size = await fileSize(source, jobId, taskId, filePath, signal);
      if (size !== undefined && size < offset) {
        offset = 0;
        decoder = new TextDecoder('utf-8');
      }
      if (size !== undefined && size > offset) {
        const end = Math.min(size, offset + maxChunk) - 1;
        const bytes = await notThereYet(source.readTaskFile(jobId, taskId, filePath, { start: offset, end }, { signal }).then((r) => r.bytes));
        if (bytes && bytes.length > 0) {
          yield { offset, bytes, text: decoder.decode(bytes, { stream: true }) };
          offset += bytes.length;
          continue;
        }
      }
      if (taskDone) break;
      const task = await source.getTask(jobId, taskId, { select: ['state'], signal });
      if (task.state.toLowerCase() === 'completed') {
        taskDone = true;
        continue;
      }
      await sleep(pollMs, undefined, { signal });
    }
  } catch (e) {
    if (signal?.aborted) return;
    throw e;
  }
  const rest = decoder.decode();
  if (rest) yield { offset, bytes: new Uint8Array(), text: rest };
}

const fileSize = (source: TailSource, jobId: string, taskId: string, filePath: string, signal?: AbortSignal) =>
  notThereYet(source.getTaskFileProperties(jobId, taskId, filePath, { signal }).then((p) => p.contentLength));

/**
 * Undefined for the answers that mean "not there (now)": 404, 409 (the task has no node yet, or
 * its node is gone: TaskFilesUnavailable; a HEAD has no body to tell them apart) and 416 (the
 * file was restarted between the look and the read). The next look decides.
 */
async function notThereYet<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof BatchError && [404, 409, 416].includes(e.statusCode)) return undefined;
    throw e;
  }
}
