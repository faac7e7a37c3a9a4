// http mode's processes with real R: workers sharing the port (SO_REUSEPORT), /ping while busy,
// SIGTERM/SIGINT, restarts and why a process ended, payload limit, quit() refused, error logs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAIN_R, buildRuntimeLib, freePort, invoke, request, startHttpRuntime, waitForLogs, type RunningRuntime,
} from './harness';

const LIFECYCLE = path.join(__dirname, 'fixtures', 'lifecycle');
const LISTENING = /listening on http:\/\/127\.0\.0\.1:\d+ \(worker \d+, pid \d+, .*SO_REUSEPORT on\)/;
let runtimeLib = '';
const started: RunningRuntime[] = [];

async function start(handler: string, env: Record<string, string> = {}, workers = 2): Promise<RunningRuntime> {
  const rt = await startHttpRuntime({
    handler: `score.${handler}`, appDir: LIFECYCLE, runtimeLib, env: { RDEPLOY_WORKERS: String(workers), ...env },
  });
  started.push(rt);
  await waitForLogs(rt, LISTENING, workers);
  return rt;
}

/** Runs main.R http to its end (for the runs that must fail before listening). */
function runToEnd(env: Record<string, string>): Promise<{ code: number | null; logs: string }> {
  return new Promise((resolve) => {
    const child = spawn('Rscript', [MAIN_R, 'http'], {
      env: { ...process.env, RDEPLOY_HOST: '127.0.0.1', RDEPLOY_APP_DIR: LIFECYCLE, RDEPLOY_HANDLER: 'score.whoami', RDEPLOY_RUNTIME_LIB: runtimeLib, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, logs });
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const workerPids = (logs: string) => [...logs.matchAll(/\(worker \d+, pid (\d+),/g)].map((m) => Number(m[1]));

/** Keep-alive connections, one per worker process (new connections land on a worker chosen by
 * the kernel's SO_REUSEPORT hash; open them until each worker holds one). */
async function oneAgentPerWorker(port: number, workers: number): Promise<http.Agent[]> {
  const byPid = new Map<number, http.Agent>();
  for (let i = 0; i < 64 && byPid.size < workers; i++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const { pid } = JSON.parse((await invoke(port, '{}', agent)).body) as { pid: number };
    if (byPid.has(pid)) agent.destroy();
    else byPid.set(pid, agent);
  }
  return [...byPid.values()];
}

beforeAll(() => {
  runtimeLib = buildRuntimeLib();
});

afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
  if (runtimeLib) fs.rmSync(runtimeLib, { recursive: true, force: true });
});

describe('workers', () => {
  it('starts RDEPLOY_WORKERS processes on one port, each sourcing the handler once, and runs calls side by side', async () => {
    const rt = await start('whoami');
    const pids = workerPids(rt.logs());
    expect(new Set(pids).size).toBe(2);
    expect(rt.logs().split('LIFECYCLE-FIXTURE-SOURCED').length - 1).toBe(2);
    const agents = await oneAgentPerWorker(rt.port, 2);
    agents.forEach((a) => a.destroy());
    expect(agents.length).toBe(2);
  }, 60_000);

  it('runs two slow calls at the same time in two workers', async () => {
    const rt = await start('slow');
    const agents = await oneAgentPerWorker(rt.port, 2); // score.slow with {} does not sleep
    try {
      const [a, b] = await Promise.all(agents.map((agent) => invoke(rt.port, '{"seconds": 2}', agent)));
      const [x, y] = [JSON.parse(a!.body), JSON.parse(b!.body)] as { pid: number; started: number; ended: number }[];
      expect(x!.pid).not.toBe(y!.pid);
      // Overlap: each started before the other ended.
      expect(x!.started).toBeLessThan(y!.ended);
      expect(y!.started).toBeLessThan(x!.ended);
    } finally {
      agents.forEach((a) => a.destroy());
    }
  }, 60_000);

  it('answers /ping while the only worker is busy in a handler call', async () => {
    const rt = await start('slow', {}, 1);
    let slowDone = false;
    const slow = invoke(rt.port, '{"seconds": 3}').then((r) => {
      slowDone = true;
      return r;
    });
    await waitForLogs(rt, /LIFECYCLE-FIXTURE-SOURCED/); // (already true; lets the call start)
    await new Promise((r) => setTimeout(r, 300));
    const ping = await request(rt.port, 'GET', '/ping');
    expect(ping.status).toBe(200);
    expect(JSON.parse(ping.body)).toEqual({ status: 'ok' });
    expect(slowDone).toBe(false);
    expect((await slow).status).toBe(200);
  }, 60_000);

  it('restarts a worker that is killed, saying why it ended', async () => {
    const rt = await start('crash');
    const before = workerPids(rt.logs());
    const res = await invoke(rt.port, '{}').catch((e: Error) => e);
    expect(res).toBeInstanceOf(Error); // the connection died with the worker
    await waitForLogs(rt, /worker \d \(pid \d+\) was killed by SIGKILL after [\d.]+ s; restarting it/);
    await waitForLogs(rt, LISTENING, 3);
    const after = workerPids(rt.logs());
    expect(after.length).toBe(3);
    expect(before).not.toContain(after[2]);
    expect((await request(rt.port, 'GET', '/ping')).status).toBe(200);
  }, 60_000);

  it('logs why a worker ended when it exits past the quit guard', async () => {
    const rt = await start('hard_exit');
    await invoke(rt.port, '{}').catch(() => undefined);
    await waitForLogs(rt, /worker \d \(pid \d+\) is exiting outside the runtime's control/);
    await waitForLogs(rt, /worker \d \(pid \d+\) exited with status 7 after [\d.]+ s; restarting it/);
  }, 60_000);
});

describe('stopping', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops every worker and exits 0 on ${signal}`, async () => {
      const rt = await start('whoami');
      const pids = workerPids(rt.logs());
      rt.child.kill(signal);
      const { code } = await rt.exited;
      expect(code).toBe(0);
      const logs = rt.logs();
      expect(logs).toContain(`${signal} received: stopping 2 workers`);
      expect(logs).toMatch(new RegExp(`worker 1 \\(pid \\d+\\) exiting with status 0: stopped by SIGTERM`));
      expect(logs).toMatch(new RegExp(`worker 2 \\(pid \\d+\\) exiting with status 0: stopped by SIGTERM`));
      expect(logs).toMatch(new RegExp(`supervisor \\(pid ${rt.pid}\\) exiting with status 0: stopped by ${signal}`));
      for (const pid of pids) expect(alive(pid)).toBe(false);
    }, 60_000);
  }

  it('lets the call in progress finish before a worker stops', async () => {
    const rt = await start('slow', {}, 1);
    const slow = invoke(rt.port, '{"seconds": 1.5}');
    await new Promise((r) => setTimeout(r, 400));
    rt.child.kill('SIGTERM');
    expect((await slow).status).toBe(200);
    expect((await rt.exited).code).toBe(0);
  }, 60_000);

  it('refuses a port that is already in use (exit 4), without sharing it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const res = await runToEnd({ PORT: String(port) });
      expect(res.code).toBe(4);
      expect(res.logs).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*in use`, 'i'));
      expect(res.logs).toMatch(/exiting with status 4/);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('rejects a bad RDEPLOY_WORKERS (exit 2)', async () => {
    const res = await runToEnd({ PORT: String(await freePort()), RDEPLOY_WORKERS: 'many' });
    expect(res.code).toBe(2);
    expect(res.logs).toMatch(/RDEPLOY_WORKERS must be a whole number from 1 to 64, got 'many'/);
  }, 60_000);
});

describe('payload limit', () => {
  let rt: RunningRuntime;
  beforeAll(async () => {
    rt = await start('size', { RDEPLOY_MAX_PAYLOAD_BYTES: '1000' });
  }, 60_000);

  it('refuses a Content-Length over RDEPLOY_MAX_PAYLOAD_BYTES with 413 and one line of JSON', async () => {
    const res = await invoke(rt.port, JSON.stringify({ text: 'a'.repeat(2000) }));
    expect(res.status).toBe(413);
    expect(res.headers['x-rdeploy-error']).toBe('payload');
    expect(res.body).not.toContain('\n');
    expect(JSON.parse(res.body)).toEqual({
      errorType: 'PayloadTooLarge',
      errorMessage: 'the payload is 2011 bytes; the limit is 1000 bytes (RDEPLOY_MAX_PAYLOAD_BYTES)',
    });
    expect(rt.logs()).toMatch(/^\[rdeploy\] POST \/invocations 413 [\d.]+ms$/m);
  });

  it('refuses a chunked body over the limit too', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: rt.port, method: 'POST', path: '/invocations', agent: false }, (r) => {
        let body = '';
        r.on('data', (d: Buffer) => (body += d.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(`{"text": "${'b'.repeat(800)}`); // no Content-Length: chunked
      req.end(`${'b'.repeat(800)}"}`);
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ errorType: 'PayloadTooLarge' });
  });

  it('serves a payload under the limit', async () => {
    const res = await invoke(rt.port, JSON.stringify({ text: 'a'.repeat(900) }));
    expect(res.status).toBe(200);
    expect(res.body).toBe('900');
  });
});

describe('handler misbehaviour', () => {
  it('turns quit() and q() into a QuitNotAllowed error and keeps serving', async () => {
    const rt = await start('quits');
    for (let i = 0; i < 4; i++) {
      const res = await invoke(rt.port, '{}');
      expect(res.status).toBe(500);
      expect(res.headers['x-rdeploy-error']).toBe('handled');
      expect(JSON.parse(res.body)).toEqual({
        errorType: 'QuitNotAllowed',
        errorMessage: 'the handler called quit(); a model server must not exit: return a value, or stop() with an error instead',
      });
    }
    expect(rt.logs()).not.toMatch(/exiting|was killed|exited with/);
    expect(workerPids(rt.logs()).length).toBe(2);
    const q = await start('q_short', {}, 1);
    expect(JSON.parse((await invoke(q.port, '{}')).body)).toMatchObject({ errorType: 'QuitNotAllowed' });
    expect((await request(q.port, 'GET', '/ping')).status).toBe(200);
  }, 60_000);

  it('logs the class and message of a handler error on one line', async () => {
    const rt = await start('fails', {}, 1);
    const res = await invoke(rt.port, '{}');
    expect(res.status).toBe(500);
    expect(rt.logs()).toMatch(/^\[rdeploy\] handler score\.fails raised model_input_error: age must be positive second line$/m);
  }, 60_000);

  it('refuses a function or an environment as the result, naming it', async () => {
    const cases: [string, string][] = [
      ['returns_function', 'the result cannot be converted to JSON: the handler returned a function'],
      ['returns_env', 'the result cannot be converted to JSON: the handler returned an environment'],
      ['returns_nested', 'the result cannot be converted to JSON: the handler returned a list holding a function'],
    ];
    for (const [handler, message] of cases) {
      const rt = await start(handler, {}, 1);
      const res = await invoke(rt.port, '{}');
      expect(res.status).toBe(500);
      expect(res.headers['x-rdeploy-error']).toBe('serialization');
      expect(JSON.parse(res.body)).toEqual({ errorType: 'SerializationError', errorMessage: message });
      expect(rt.logs()).toContain(`handler score.${handler}: SerializationError: ${message}`);
      await rt.stop();
    }
  }, 90_000);
});

describe('job mode', () => {
  function job(handler: string, payload: string, onStart?: (pid: number) => void) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('Rscript', [MAIN_R, 'job'], {
        env: { ...process.env, RDEPLOY_APP_DIR: LIFECYCLE, RDEPLOY_HANDLER: `score.${handler}`, RDEPLOY_PAYLOAD: payload, RDEPLOY_RUNTIME_LIB: runtimeLib },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (onStart && stderr.includes('LIFECYCLE-FIXTURE-SOURCED')) {
          onStart(child.pid!);
          onStart = undefined;
        }
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('refuses quit() with exit 1 and the QuitNotAllowed error', async () => {
    const res = await job('quits', '{}');
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ errorType: 'QuitNotAllowed' });
    expect(res.stderr).toMatch(/job \(pid \d+\) exiting with status 1: the handler raised an R error/);
  }, 30_000);

  it('ends at once on SIGTERM with status 143 and says so', async () => {
    const res = await job('slow', '{"seconds": 20}', (pid) => setTimeout(() => process.kill(pid, 'SIGTERM'), 300));
    expect(res.code).toBe(143);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('SIGTERM received before the job finished; exiting with status 143');
  }, 30_000);

  it('says why it ended when it succeeds', async () => {
    const res = await job('size', '{"text": "abc"}');
    expect(res).toMatchObject({ code: 0, stdout: '3\n' });
    expect(res.stderr).toMatch(/job \(pid \d+\) exiting with status 0: the payload was scored/);
  }, 30_000);
});
