import { spawn } from 'node:child_process';
import { cancelledError } from './errors';

export interface ProcessResult {
  /** Exit code; null when the process was ended by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs: number;
}

/**
 * Runs a program with arguments (never through a shell), collecting stdout and stderr.
 * Aborting the signal kills the process and rejects with the standard cancellation error; the
 * timeout kills it and resolves with `timedOut`. A program that cannot be started rejects with
 * Node's spawn error (`code` ENOENT, EACCES).
 */
export function runProcess(command: string, args: string[], options: RunOptions): Promise<ProcessResult> {
  if (options.signal?.aborted) return Promise.reject(cancelledError());
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group on POSIX, so a kill also reaches what the R code started.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const stop = () => killTree(child.pid);
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (e) => {
      if (settled) return;
      settled = true;
      finish();
      reject(e);
    });
    child.once('close', (code) => {
      if (settled) return;
      settled = true;
      finish();
      if (aborted) return reject(cancelledError());
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        durationMs: Math.round(performance.now() - started),
        timedOut,
      });
    });
  });
}

/** SIGTERM to the process group, SIGKILL two seconds later if it is still there. On Windows
 * `taskkill /T` ends Rscript.exe and the R.exe it starts. */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' }).on('error', () => undefined);
    return;
  }
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      return false; // already gone
    }
  };
  if (signalGroup('SIGTERM')) setTimeout(() => signalGroup('SIGKILL'), 2000).unref();
}

/** The last `n` non-empty lines of a text, for error messages. */
export function lastLines(text: string, n: number): string {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .join('\n');
}
