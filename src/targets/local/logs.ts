import { AppError, cancelledError } from '../../core/errors';
import type { DeploymentRecord } from '../../core/records/record';
import type { LogEvent } from '../../core/deployment';
import { demuxLogLines } from '../image/demux';
import { dockerStatus, type DockerClient } from '../image/dockerClient';
import { containerRef } from './resources';

export interface LogOptions {
  follow?: boolean;
  tail?: number;
  signal?: AbortSignal;
}

/**
 * The container's output as lines. Following ends when the container stops (the engine closes
 * the stream) or when the signal aborts (we drop the connection).
 */
export async function* containerLogs(docker: DockerClient, record: DeploymentRecord, opts: LogOptions): AsyncGenerator<LogEvent> {
  const { signal } = opts;
  if (signal?.aborted) return;
  const container = docker.getContainer(containerRef(record));
  const base = { stdout: true, stderr: true, timestamps: true, ...(opts.tail !== undefined ? { tail: opts.tail } : {}) } as const;
  let source: AsyncIterable<Buffer> | Iterable<Buffer>;
  try {
    if (opts.follow) {
      const aborter = new AbortController();
      signal?.addEventListener('abort', () => aborter.abort(), { once: true });
      source = (await container.logs({ ...base, follow: true, abortSignal: aborter.signal })) as AsyncIterable<Buffer>;
    } else {
      source = [await container.logs({ ...base, follow: false })];
    }
  } catch (e) {
    if (signal?.aborted) return;
    throw logsError(record, e);
  }
  try {
    yield* demuxLogLines(source, { timestamps: true });
  } catch (e) {
    // The abort surfaces as an error of the stream: for the reader it is simply the end.
    if (signal?.aborted) return;
    throw logsError(record, e);
  }
}

function logsError(record: DeploymentRecord, e: unknown): AppError {
  if (e instanceof AppError) return e;
  if ((e as Error | undefined)?.name === 'AbortError') return cancelledError();
  if (dockerStatus(e) === 404) {
    return new AppError('not-found', `"${record.name}" has no container any more (it was removed). Deploy it again with \`rdeploy deploy\`.`, { cause: e });
  }
  return new AppError('internal', `Cannot read the logs of "${record.name}": ${(e as Error).message}.`, { cause: e });
}
