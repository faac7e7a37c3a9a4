import { request } from 'node:http';
import { AppError, cancelledError } from '../../core/errors';
import type { Progress } from '../Target';
import { lastLogLines } from './container';
import type { DockerClient } from './dockerClient';

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
    if (await pingOnce(opts.port)) return;
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

export function pingOnce(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
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
