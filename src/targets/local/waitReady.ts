import { request } from 'node:http';
import { AppError, cancelledError } from '../../core/errors';
import type { Progress } from '../../core/deployment';
import { logHint, stripAnsi, writeLogFile } from '../../core/logFile';
import { TAG_PROJECT } from '../../core/owner';
import { lastLogLines, type DockerClient } from '../image/dockerClient';

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
 * R process dies (a missing package, a bad top-level line in the handler) the user gets one
 * sentence at once rather than a timeout: R's own error when the runtime reports one, and the
 * path of a log file with the container's whole output (the R side's lines say why, but 6 to 30
 * of them in an error message bury the sentence that matters).
 */
export async function waitReady(docker: DockerClient, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.signal?.aborted) throw cancelledError();
    const ping = await probe(opts.port);
    if (ping.status === 200) return;
    if (ping.loadError) {
      // The runtime serves, but the handler failed to load: waiting will not fix it.
      throw await startFailed(docker, opts, `The model "${opts.name}" failed to load: ${oneLine(ping.loadError.replace(/^HandlerLoadError: /, ''))}`);
    }
    const info = await docker.getContainer(opts.containerId).inspect();
    if (!info.State.Running) {
      const lines = await lastLogLines(docker, opts.containerId, 200);
      const why = rError(lines);
      const head = why
        ? `The model "${opts.name}" failed to load: ${why}`
        : `The model server of "${opts.name}" stopped (exit code ${info.State.ExitCode}) before it was ready`;
      throw await startFailed(docker, opts, head, info.Config?.Labels);
    }
    if (Date.now() > deadline) {
      throw await startFailed(docker, opts, `The model server of "${opts.name}" did not answer GET /ping within ${Math.round(opts.timeoutMs / 1000)} s`);
    }
    await sleep(opts.pollMs, opts.signal);
  }
}

/** The sentence, then where the container's full output is (or that it printed nothing). */
async function startFailed(docker: DockerClient, opts: WaitOptions, sentence: string, labels?: Record<string, string> | null): Promise<AppError> {
  const lines = await lastLogLines(docker, opts.containerId, 10_000);
  let file: string | undefined;
  if (lines.length) {
    const root = (labels ?? (await docker.getContainer(opts.containerId).inspect().then((i) => i.Config?.Labels).catch(() => undefined)))?.[TAG_PROJECT];
    if (root) file = await writeLogFile(root, 'start', opts.name, `${lines.join('\n')}\n`);
  }
  const tail = lines.length ? (file ? `.${logHint(file, 'Container output')}` : `. Last output: ${oneLine(lines[lines.length - 1]!)}`) : '. It printed nothing.';
  return new AppError('deploy-failed', `${sentence}${tail}`);
}

/** R's "Error in readRDS(...) : cannot open the connection" (or "Error: ..."), with the line after it when R wrapped the message. */
function rError(lines: string[]): string | undefined {
  let i = lines.length - 1;
  while (i >= 0 && !/^Error( in .*?)?\s*:/.test(lines[i]!)) i--;
  if (i < 0) return undefined;
  const first = lines[i]!.replace(/^Error( in .*?)?\s*:\s*/, '');
  const next = first === '' || /^\s/.test(lines[i + 1] ?? '') ? (lines[i + 1] ?? '') : '';
  return oneLine(`${first} ${next}`);
}

function oneLine(text: string): string {
  return stripAnsi(text).replace(/\s+/g, ' ').trim().replace(/\.$/, '');
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
