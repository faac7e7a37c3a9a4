import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../../src/core/records/record';
import { freePort, isPortFree } from '../../../src/targets/local/freePort';
import { invokeLocal } from '../../../src/targets/local/invoke';

// A real HTTP peer on 127.0.0.1 standing in for the R runtime's /invocations.
let server: Server;
let port: number;
const remotePorts: number[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    remotePorts.push(req.socket.remotePort!);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const payload = JSON.parse(body) as { x?: number; fail?: boolean; text?: boolean; hang?: boolean };
      if (payload.hang) return; // never answers: the client's timeout must end the call
      if (payload.text) return void res.writeHead(502).end('Bad gateway');
      if (payload.fail) return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"errorType":"simpleError","errorMessage":"boom"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ y: (payload.x ?? 0) * 2 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const record = (endpoint: string | undefined): DeploymentRecord => ({
  version: 1,
  name: 'm',
  target: 'local',
  status: 'running',
  projectRoot: '/p',
  handler: 'score.score',
  createdAt: '',
  updatedAt: '',
  ...(endpoint ? { endpoint } : {}),
  resources: [],
  details: {},
});

describe('invokeLocal', () => {
  it('posts the payload and returns the parsed answer, the raw text and the duration', async () => {
    const r = await invokeLocal(record(`http://127.0.0.1:${port}`), '{"x": 21}', {});
    expect(r.ok).toBe(true);
    expect(r.body).toEqual({ y: 42 });
    expect(r.raw).toBe('{"y":42}');
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it('reuses the connection (keep-alive) for consecutive calls', async () => {
    remotePorts.length = 0;
    for (let i = 0; i < 3; i++) await invokeLocal(record(`http://127.0.0.1:${port}`), '{"x": 1}', {});
    expect(new Set(remotePorts).size).toBe(1);
  });

  it('reports an R error answer as not ok, with its body', async () => {
    const r = await invokeLocal(record(`http://127.0.0.1:${port}`), '{"fail": true}', {});
    expect(r.ok).toBe(false);
    expect(r.body).toEqual({ errorType: 'simpleError', errorMessage: 'boom' });
  });

  it('keeps a non-JSON answer as text', async () => {
    const r = await invokeLocal(record(`http://127.0.0.1:${port}`), '{"text": true}', {});
    expect(r).toMatchObject({ ok: false, body: 'Bad gateway', raw: 'Bad gateway' });
  });

  it('refuses a payload that is not JSON before sending anything', async () => {
    remotePorts.length = 0;
    await expect(invokeLocal(record(`http://127.0.0.1:${port}`), "{x: 1}", {})).rejects.toMatchObject({ code: 'payload-invalid' });
    expect(remotePorts).toEqual([]);
  });

  it('says the deployment is not running when nothing listens', async () => {
    const dead = await freePort();
    const err = await invokeLocal(record(`http://127.0.0.1:${dead}`), '{}', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invoke-failed' });
    expect((err as Error).message).toBe(`"m" is not running (nothing answers at http://127.0.0.1:${dead}). Run \`rdeploy status m\` to see why, or deploy it again.`);
  });

  it('says so when the record has no endpoint', async () => {
    await expect(invokeLocal(record(undefined), '{}', {})).rejects.toThrow(/has no endpoint/);
  });

  it('never sends a payload off this machine, whatever the record says', async () => {
    for (const endpoint of ['http://192.0.2.10:8080', 'http://example.com', 'https://127.0.0.1:8080']) {
      const err = await invokeLocal(record(endpoint), '{"secret": 1}', {}).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'invoke-failed' });
      expect((err as Error).message).toMatch(/is not this machine/);
    }
  });

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(invokeLocal(record(`http://127.0.0.1:${port}`), '{}', { signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('ports', () => {
  it('finds a free port and sees a busy one', async () => {
    const p = await freePort();
    expect(await isPortFree(p)).toBe(true);
    expect(await isPortFree(port)).toBe(false);
  });

  it('refuses a payload over the limit before sending it, in one sentence with the fix', async () => {
    const before = remotePorts.length;
    const big = JSON.stringify({ x: 'a'.repeat(2048) });
    await expect(invokeLocal(record(`http://127.0.0.1:${port}`), big, {}, { maxPayloadBytes: 1024, timeoutMs: 5000 })).rejects.toThrow(
      /^The payload is 3 KB; "m" accepts at most 1 KB\. Send a smaller payload, or raise targets\.local\.maxPayloadMb/,
    );
    expect(remotePorts.length).toBe(before);
  });

  it('gives up on a handler that does not answer, with a clear sentence', async () => {
    const err = await invokeLocal(record(`http://127.0.0.1:${port}`), '{"hang": true}', {}, { maxPayloadBytes: 1e6, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invoke-failed', message: expect.stringContaining('"m" did not answer within 0 s') });
  });
});
