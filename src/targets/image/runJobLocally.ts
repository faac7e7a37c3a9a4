import { AppError, cancelledError } from '../../core/errors';
import type { InvokeResult } from '../../core/deployment';
import { demuxLogLines } from './demux';
import { dockerMessage, removeQuietly, type DockerClient } from './dockerClient';
import { PAYLOAD_ENV, RESULT_MARK, resultFromLogs } from './jobContainer';

const GIB = 1024 ** 3;

/** One job container as a cloud runs it: the image's job mode with the payload in RDEPLOY_PAYLOAD. */
export interface JobContainerSpec {
  command: string[];
  /** The container's environment as the cloud sets it; PAYLOAD_ENV's value is replaced by the call's payload. */
  env: Array<{ name: string; value: string }>;
  /** Limits as the cloud gives them (absent: the node's whole machine, as a Batch task has). */
  cpu?: number;
  memoryGb?: number;
}

/**
 * The local twin of one cloud job run (an ACI container group, a Batch task): the same image,
 * command and environment in local Docker, no restart, host networking as every container here,
 * and the result read out of its logs exactly as the cloud side reads it. The container goes
 * whatever happens.
 */
export async function runJobLocally(docker: Pick<DockerClient, 'createContainer' | 'getContainer'>, spec: JobContainerSpec, image: string, payload: string, signal?: AbortSignal): Promise<InvokeResult> {
  const env = spec.env.map((e) => `${e.name}=${e.name === PAYLOAD_ENV ? payload : e.value}`);
  if (!spec.env.some((e) => e.name === PAYLOAD_ENV)) env.push(`${PAYLOAD_ENV}=${payload}`);
  const started = performance.now();
  let container;
  try {
    container = await docker.createContainer({
      Image: image,
      Cmd: spec.command,
      Env: env,
      HostConfig: {
        NetworkMode: 'host',
        ...(spec.cpu ? { NanoCpus: Math.round(spec.cpu * 1e9) } : {}),
        ...(spec.memoryGb ? { Memory: Math.round(spec.memoryGb * GIB) } : {}),
        RestartPolicy: { Name: 'no' },
      },
    });
  } catch (e) {
    throw new AppError('invoke-failed', `The local twin could not create its container: ${dockerMessage(e)}.`, { cause: e });
  }
  const stop = () => void container.remove({ force: true }).catch(() => undefined);
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (signal?.aborted) throw cancelledError();
    const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    const lines: string[] = [];
    for await (const event of demuxLogLines([raw], { timestamps: false })) lines.push(event.message);
    const result = resultFromLogs(lines.join('\n'));
    const durationMs = Math.round(performance.now() - started);
    if (result === undefined) {
      throw new AppError('invoke-failed', `The container ended (exit ${StatusCode}) without a result: ${lines.filter((l) => l.trim()).slice(-3).join(' | ') || 'no output'}.`);
    }
    let body: unknown = result;
    try {
      body = JSON.parse(result);
    } catch {
      // not JSON: the raw text is the answer
    }
    return { ok: StatusCode === 0, body, raw: result, durationMs, logTail: lines.filter((l) => !l.startsWith(RESULT_MARK)).join('\n') };
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    if (e instanceof AppError) throw e;
    throw new AppError('invoke-failed', `The local twin's container failed: ${dockerMessage(e)}.`, { cause: e });
  } finally {
    signal?.removeEventListener('abort', stop);
    await removeQuietly(() => container.remove({ force: true }));
  }
}
