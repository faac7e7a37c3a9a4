// Starts the real R runtime (Rscript runtime/main.R) against the handler fixtures.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '../../..');
export const MAIN_R = path.join(REPO, 'runtime', 'main.R');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'handlers');
export const APP = path.join(FIXTURES, 'app');

/** A runtime library as install.R leaves it, minus the CRAN packages (the host R has them):
 * only the compiled TCP_NODELAY helper. Built once per test file. */
export function buildRuntimeLib(): string {
  const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'rdeploy-rtlib-'));
  const built = spawnSync('Rscript', [path.join(REPO, 'runtime', 'native', 'build.R')], {
    env: { ...process.env, RDEPLOY_RUNTIME_LIB: lib },
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`native/build.R failed: ${built.stderr}`);
  return lib;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningRuntime {
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote to stderr (and stdout) so far. */
  logs(): string;
  stop(): Promise<void>;
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** What a runtime process printed (stdout and stderr, interleaved) and how it ended. */
export function watchChild(child: ChildProcess): { logs: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { logs: () => output, exited };
}

export interface StartOptions {
  handler?: string;
  appDir?: string;
  runtimeLib?: string;
  env?: Record<string, string>;
}

/** Starts http mode on 127.0.0.1 and resolves once the server accepts connections. */
export async function startHttpRuntime(options: StartOptions = {}): Promise<RunningRuntime> {
  const port = await freePort();
  const child = spawn('Rscript', [MAIN_R, 'http'], {
    env: {
      ...process.env,
      RDEPLOY_HOST: '127.0.0.1',
      PORT: String(port),
      RDEPLOY_HANDLER: options.handler ?? 'score.score',
      RDEPLOY_APP_DIR: options.appDir ?? APP,
      RDEPLOY_RUNTIME_LIB: options.runtimeLib ?? path.join(os.tmpdir(), 'rdeploy-no-such-lib'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { logs: output, exited } = watchChild(child);
  const running: RunningRuntime = {
    port,
    pid: child.pid ?? -1,
    child,
    logs: output,
    stop: () => stopChild(child),
    exited,
  };
  await waitForListening(port, child, output);
  return running;
}

async function waitForListening(port: number, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`runtime exited with ${child.exitCode}:\n${logs()}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopChild(child);
  throw new Error(`runtime did not listen on ${port} within 20 s:\n${logs()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  reusedSocket: boolean;
}

export function request(
  port: number,
  method: string,
  urlPath: string,
  body?: string,
  options: { agent?: http.Agent; headers?: http.OutgoingHttpHeaders } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: urlPath, agent: options.agent ?? false, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            reusedSocket: req.reusedSocket,
          }),
        );
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function invoke(port: number, payload: string, agent?: http.Agent): Promise<HttpResult> {
  return request(port, 'POST', '/invocations', payload, { agent, headers: { 'content-type': 'application/json' } });
}

export interface JobResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs job mode to completion. */
export function runJob(env: Record<string, string>, input?: string, handler = 'score.score'): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('Rscript', [MAIN_R, 'job'], {
      env: {
        ...process.env,
        RDEPLOY_HANDLER: handler,
        RDEPLOY_APP_DIR: APP,
        RDEPLOY_RUNTIME_LIB: path.join(os.tmpdir(), 'rdeploy-no-such-lib'),
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** Resolves once `pattern` (global flag not needed) matches `count` times in the logs. */
export async function waitForLogs(runtime: RunningRuntime, pattern: RegExp, count = 1, timeoutMs = 30_000): Promise<void> {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((runtime.logs().match(global) ?? []).length >= count) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`logs did not show ${pattern} ${count} time(s):\n${runtime.logs()}`);
}
