import { request } from 'node:http';
import { AppError, cancelledError } from '../../core/errors';
import type { Progress } from '../../core/deployment';
import { lastLogLines } from './container';
import type { DockerClient } from '../image/dockerClient';

export interface WaitOptions {
  port: number;
  containerId: string;
  name: string;
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
  progress?: Progress;
}

/**
 * Polls `GET /ping` until the model answers 200. Bounded, and it watches the container: if the
 * R process dies (a missing package, a bad top-level line in the handler) the user gets its
 * last output at once rather than a timeout.
 */
export async function waitReady(docker: DockerClient, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.signal?.aborted) throw cancelledError();
    const ping = await probe(opts.port);
    if (ping.status === 200) return;
    if (ping.loadError) {
      // The runtime serves, but the handler failed to load: waiting will not fix it.
      const lines = await lastLogLines(docker, opts.containerId);
      throw new AppError('deploy-failed', `The handler of "${opts.name}" could not be loaded: ${ping.loadError}` + logTail(lines));
    }
    const info = await docker.getContainer(opts.containerId).inspect();
    if (!info.State.Running) {
      const lines = await lastLogLines(docker, opts.containerId);
      throw new AppError(
        'deploy-failed',
        `The model server of "${opts.name}" stopped (exit code ${info.State.ExitCode}) before it was ready.` + logTail(lines),
      );
    }
    if (Date.now() > deadline) {
      const lines = await lastLogLines(docker, opts.containerId);
      throw new AppError('deploy-failed', `The model server of "${opts.name}" did not answer GET /ping within ${Math.round(opts.timeoutMs / 1000)} s.` + logTail(lines));
    }
    await sleep(opts.pollMs, opts.signal);
  }
}

function logTail(lines: string[]): string {
  return lines.length ? `\nLast output of the container:\n${lines.join('\n')}` : ' It printed nothing.';
}

export async function pingOnce(port: number, timeoutMs = 2000): Promise<boolean> {
  return (await probe(port, timeoutMs)).status === 200;
}

/** One GET /ping: the status (0 when nothing answers) and the runtime's load error, if it says so. */
function probe(port: number, timeoutMs = 2000): Promise<{ status: number; loadError?: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/ping', method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => resolve({ status: 0 }));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status !== 503 || res.headers['x-rdeploy-error'] !== 'load') return resolve({ status });
        let loadError = 'the runtime reported a load error';
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { errorType?: string; errorMessage?: string };
          loadError = [body.errorType, body.errorMessage].filter(Boolean).join(': ') || loadError;
        } catch {
          // keep the generic sentence
        }
        resolve({ status, loadError });
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0 }));
    req.end();
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
