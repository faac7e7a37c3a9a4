import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RProject } from '../../src/core/project/model';
import type { DeploymentRecord } from '../../src/core/records/record';
import { BASE_IMAGE, containersOf, removeByLabel, requireEngineAndBaseImage } from '../support/docker';
import { localDeployments } from '../support/localDeployments';

// The model server as Docker runs it, with the local target's bounds: R workers behind one port,
// an init process, restart on failure, payload and time limits. Real engine, real R, the shipped
// runtime. Timing goals live in bench/runtime; here we assert what happened, not how fast.
const name = `cb-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const SCORE_R = `cat("model loaded\\n")
score <- function(x = 1, sleep = 0, bye = FALSE) {
  started <- as.numeric(Sys.time())
  if (isTRUE(bye)) quit(save = "no", status = 3)
  if (x < 0) stop("x must not be negative")
  Sys.sleep(sleep)
  list(y = x * 2, pid = Sys.getpid(), started = started, ended = as.numeric(Sys.time()))
}
`;

let tmp: string;
let project: RProject;
let record: DeploymentRecord;
const target = localDeployments();
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const containerId = () => record.resources.find((r) => r.kind === 'container' && r.state === 'created')!.id;
const port = () => Number(new URL(record.endpoint!).port);

/** One request on a given agent (a keep-alive connection stays with the worker that accepted it). */
function post(agent: Agent, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: port(), path: '/invocations', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the model container', () => {
  beforeAll(async () => {
    requireEngineAndBaseImage();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-cb-'));
    const root = path.join(tmp, 'slow-model');
    mkdirSync(root);
    writeFileSync(path.join(root, 'score.R'), SCORE_R);
    project = { kind: 'scripts', path: root, root, handler: 'score.score', repositories: [], packages: [], warnings: [] };
    const plan = target.deployments.plan(project, 'local', {
      name,
      baseImage: BASE_IMAGE,
      settings: { workers: 2, memoryMb: 512, cpus: 1, logMaxSizeMb: 5, logMaxFiles: 2, maxPayloadMb: 1, invokeTimeoutSeconds: 5 },
      // 5 s, not less: the suite runs beside image builds, and an ordinary call must never come
      // near the bound (a 2 s bound once timed out a 1 ms call on a loaded CI machine).
    });
    record = await target.deploy(plan);
  });
  afterAll(() => {
    removeByLabel(name);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('runs bounded: init as PID 1, restart on failure, memory, CPU and log limits, two workers', () => {
    const [info] = JSON.parse(docker('inspect', containerId())) as [
      { HostConfig: { Init: boolean; RestartPolicy: { Name: string }; Memory: number; NanoCpus: number; LogConfig: { Config: Record<string, string> } }; Config: { Env: string[] } },
    ];
    expect(info.HostConfig).toMatchObject({ Init: true, RestartPolicy: { Name: 'on-failure' }, Memory: 512 * 1024 * 1024, NanoCpus: 1e9 });
    expect(info.HostConfig.LogConfig.Config).toEqual({ 'max-size': '5m', 'max-file': '2' });
    expect(info.Config.Env).toEqual(expect.arrayContaining(['RDEPLOY_WORKERS=2', `RDEPLOY_MAX_PAYLOAD_BYTES=${1024 * 1024}`]));
  });

  it('a slow call holds up neither /ping nor a call on another worker: they overlap', async () => {
    // Find two connections served by different workers (each keep-alive connection stays with one).
    const a = new Agent({ keepAlive: true, maxSockets: 1 });
    const pidA = (await post(a, '{"x": 1}')).json.pid;
    let b = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 30 && (await post(b, '{"x": 1}')).json.pid === pidA; i++) {
      b.destroy();
      b = new Agent({ keepAlive: true, maxSockets: 1 });
    }
    expect((await post(b, '{"x": 1}')).json.pid).not.toBe(pidA);
    const slow = post(a, '{"x": 2, "sleep": 2}');
    const other = post(b, '{"x": 3, "sleep": 2}');
    const ping = await fetch(`${record.endpoint}/ping`);
    expect(ping.status).toBe(200);
    let slowDone = false;
    void slow.then(() => (slowDone = true));
    expect(slowDone).toBe(false); // /ping answered while the slow call ran
    const [r1, r2] = await Promise.all([slow, other]);
    expect([r1.json.y, r2.json.y]).toEqual([4, 6]);
    // R's own clocks: the second call started before the first one ended.
    expect(Number(r2.json.started)).toBeLessThan(Number(r1.json.ended));
    expect(Number(r1.json.started)).toBeLessThan(Number(r2.json.ended));
    a.destroy();
    b.destroy();
  });

  it('refuses a payload over the limit: the CLI before sending it, the runtime with 413', async () => {
    const big = JSON.stringify({ x: 1, pad: 'a'.repeat(2 * 1024 * 1024) });
    await expect(target.invoke(record, big)).rejects.toMatchObject({ code: 'payload-invalid', message: expect.stringContaining('accepts at most 1 MB') });
    const agent = new Agent({ keepAlive: false });
    const res = await post(agent, big).catch((e: unknown) => ({ status: -1, json: { error: String(e) } }));
    // The runtime may answer 413 before the body is read, or close the connection while it is sent.
    if (res.status !== -1) expect(res).toMatchObject({ status: 413, json: { errorType: 'PayloadTooLarge' } });
    expect((await target.invoke(record, '{"x": 5}')).body).toMatchObject({ y: 10 });
  });

  it('gives up on a call that takes longer than invokeTimeoutSeconds, with one sentence', async () => {
    // The abandoned call keeps its worker 1 s past the bound; later calls that land there wait for it.
    await expect(target.invoke(record, '{"sleep": 6}')).rejects.toMatchObject({ code: 'invoke-failed', message: expect.stringContaining('did not answer within 5 s') });
  });

  it('refuses quit() from a handler and keeps serving; errors and the reason are in the logs', async () => {
    const r = await target.invoke(record, '{"bye": true}');
    expect(r.ok).toBe(false);
    expect(r.body).toMatchObject({ errorType: 'QuitNotAllowed' });
    const bad = await target.invoke(record, '{"x": -1}');
    expect(bad.body).toMatchObject({ errorMessage: expect.stringContaining('x must not be negative') });
    expect((await target.invoke(record, '{"x": 4}')).body).toMatchObject({ y: 8 });
    const logs = await waitFor('the error lines in the logs', async () => {
      const lines: string[] = [];
      for await (const e of target.logs(record, { tail: 200 })) lines.push(e.message);
      return lines.some((l) => l.includes('x must not be negative')) && lines.some((l) => l.includes('QuitNotAllowed')) ? lines : undefined;
    }, 20_000);
    expect(logs.filter((l) => l.includes('x must not be negative'))).toHaveLength(1);
  });

  it('restarts when the model process dies, and serves again', async () => {
    const before = JSON.parse(docker('inspect', containerId())) as [{ State: { Pid: number }; RestartCount: number }];
    // The init process (and with it R) is killed from outside: a crash, not a stop.
    process.kill(before[0].State.Pid, 'SIGKILL');
    await waitFor('a restart', async () => ((JSON.parse(docker('inspect', containerId())) as [{ RestartCount: number }])[0].RestartCount > before[0].RestartCount ? true : undefined));
    await waitFor('/ping after the restart', async () => ((await fetch(`${record.endpoint}/ping`)).status === 200 ? true : undefined));
    expect((await target.invoke(record, '{"x": 6}')).body).toMatchObject({ y: 12 });
  });

  it('stops on SIGTERM (docker stop) without waiting for SIGKILL', () => {
    docker('stop', '--time', '20', containerId());
    const [info] = JSON.parse(docker('inspect', containerId())) as [{ State: { ExitCode: number; Running: boolean } }];
    expect(info.State.Running).toBe(false);
    expect(info.State.ExitCode).not.toBe(137);
    expect([0, 143]).toContain(info.State.ExitCode);
  });

  it('destroy leaves nothing', async () => {
    await target.destroy(record);
    expect(containersOf(name)).toEqual([]);
  });
});
