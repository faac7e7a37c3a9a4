import { AppError, cancelledError } from '../../../core/errors';
import type { InvokeResult } from '../../../core/deployment';
import { demuxLogLines } from '../../image/demux';
import { dockerMessage, removeQuietly, type DockerClient } from '../../image/dockerClient';
import { PAYLOAD_ENV, resultFromLogs, type ContainerGroupBody } from '../containerGroup';

const GIB = 1024 ** 3;

/**
 * The local twin of one run: the container group's one container run in local Docker as ACI
 * runs it — the same image, command and environment (the payload in RDEPLOY_PAYLOAD), its CPU
 * and memory as limits, no restart — and its result read out of its logs exactly as the
 * workflow reads it. Host networking, as every container here. The container goes whatever happens.
 */
export async function runGroupLocally(docker: Pick<DockerClient, 'createContainer' | 'getContainer'>, group: ContainerGroupBody, image: string, payload: string, signal?: AbortSignal): Promise<InvokeResult> {
  const spec = group.properties.containers[0]!.properties;
  const env = spec.environmentVariables.map((e) => `${e.name}=${e.name === PAYLOAD_ENV ? payload : (e.value ?? e.secureValue ?? '')}`);
  const started = performance.now();
  let container;
  try {
    container = await docker.createContainer({
      Image: image,
      Cmd: spec.command,
      Env: env,
      HostConfig: { NetworkMode: 'host', NanoCpus: Math.round(spec.resources.requests.cpu * 1e9), Memory: Math.round(spec.resources.requests.memoryInGB * GIB), RestartPolicy: { Name: 'no' } },
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
    const logs = lines.join('\n');
    const result = resultFromLogs(logs);
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
    return { ok: StatusCode === 0, body, raw: result, durationMs, logTail: lines.filter((l) => !l.startsWith('[rdeploy-result:')).join('\n') };
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    if (e instanceof AppError) throw e;
    throw new AppError('invoke-failed', `The local twin's container failed: ${dockerMessage(e)}.`, { cause: e });
  } finally {
    signal?.removeEventListener('abort', stop);
    await removeQuietly(() => container.remove({ force: true }));
  }
}
