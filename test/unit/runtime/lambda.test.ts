// lambda mode with real R against the project's own Runtime API server
// (src/targets/lambda/runtimeApi): the conformance list of issue 8.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeApiServer } from '../../../src/targets/lambda/runtimeApi';
import { MAIN_R, watchChild } from './harness';

const APP = path.join(__dirname, 'fixtures', 'lambda', 'app');

interface LambdaRuntime {
  api: RuntimeApiServer;
  child: ChildProcess;
  logs(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: LambdaRuntime[] = [];

async function startLambda(handler: string, options: { chunkedNext?: boolean; address?: string; env?: Record<string, string> } = {}): Promise<LambdaRuntime> {
  const api = await RuntimeApiServer.start({ chunkedNext: options.chunkedNext });
  const child = spawn('Rscript', [MAIN_R, 'lambda'], {
    env: {
      ...process.env,
      AWS_LAMBDA_RUNTIME_API: options.address ?? api.address,
      _HANDLER: handler,
      LAMBDA_TASK_ROOT: APP,
      RDEPLOY_RUNTIME_LIB: path.join(os.tmpdir(), 'rdeploy-no-such-lib'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { logs, exited } = watchChild(child);
  const runtime = { api, child, logs, exited };
  started.push(runtime);
  return runtime;
}

afterEach(async () => {
  for (const { api, child, exited } of started.splice(0)) {
    // Stopped by its pid; SIGKILL after 5 s if SIGTERM is not enough.
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await api.close();
  }
});

const T = { timeoutMs: 20_000 };

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** A hand-written Runtime API on a raw socket, for answers node:http would not write: the
 * /next answers are `onNext`'s (the n-th GET, 0-based); every POST gets 202. */
async function rawApi(onNext: (n: number, socket: net.Socket) => void): Promise<{ address: string; requests: RawRequest[]; close(): Promise<void> }> {
  const requests: RawRequest[] = [];
  const sockets = new Set<net.Socket>();
  let nexts = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [first, ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (buf.length < end + 4 + length) return;
      const [method = '', reqPath = ''] = (first ?? '').split(' ');
      requests.push({ method, path: reqPath, headers, body: buf.subarray(end + 4, end + 4 + length) });
      buf = Buffer.alloc(0);
      if (method === 'GET') onNext(nexts++, socket);
      else socket.end('HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{"status":"OK"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function nextHead(id: string, length: number): string {
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: ${id}\r\nLambda-Runtime-Deadline-Ms: ${Date.now() + 20_000}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('lambda mode', () => {
  it('serves an invocation: GET next, one handler call, POST response', async () => {
    const rt = await startLambda('score.score');
    const res = await rt.api.invoke('{"x": 1, "y": 2}', T);
    expect(res).toMatchObject({ ok: true, body: '3' });
    const paths = rt.api.requests().map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(paths.slice(0, 2)).toEqual([
      'GET /2018-06-01/runtime/invocation/next 200',
      `POST /2018-06-01/runtime/invocation/${res.requestId}/response 202`,
    ]);
    expect(rt.logs()).toContain('LAMBDA-FIXTURE-LOADED');
  });

  it('sends a handler error to /error with the condition class, then keeps serving', async () => {
    const rt = await startLambda('score.fail');
    const res = await rt.api.invoke('{}', T);
    expect(res).toMatchObject({ ok: false, functionError: 'Handled', errorType: 'model_input_error', errorMessage: 'age must be positive' });
    expect(JSON.parse(res.body)).toEqual({ errorMessage: 'age must be positive', errorType: 'model_input_error', stackTrace: [] });
    const post = rt.api.requests().find((r) => r.path.endsWith('/error'));
    expect(post?.headers['lambda-runtime-function-error-type']).toBe('model_input_error');
    const again = await rt.api.invoke('{}', T);
    expect(again).toMatchObject({ ok: false, errorType: 'model_input_error' });
    expect(rt.child.exitCode).toBeNull();
  });

  it('reports a handler file that fails to load to /init/error and exits non-zero', async () => {
    const rt = await startLambda('broken.score');
    const res = await rt.api.invoke('{}', T);
    expect(res).toMatchObject({ ok: false, functionError: 'Unhandled', errorType: 'HandlerLoadError' });
    if (!res.ok) expect(res.errorMessage).toMatch(/error while sourcing broken\.R: .*no-such-model\.rds/);
    const { code } = await rt.exited;
    expect(code).toBe(3);
    expect(rt.api.requests().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /2018-06-01/runtime/init/error']);
    expect(rt.api.requests()[0]?.headers['lambda-runtime-function-error-type']).toBe('HandlerLoadError');
    // Later invokes fail with the same init error.
    expect(await rt.api.invoke('{}', T)).toMatchObject({ ok: false, errorType: 'HandlerLoadError' });
  });

  it('serves 200 sequential invocations from ONE process', async () => {
    const rt = await startLambda('score.pid');
    const pids = new Set<string>();
    const deadline = Date.now() + 60_000;
    for (let i = 0; i < 200 && Date.now() < deadline; i++) {
      const res = await rt.api.invoke('{}', T);
      expect(res.ok).toBe(true);
      pids.add(res.body);
    }
    expect([...pids]).toEqual([String(rt.child.pid)]);
    expect(rt.api.requests().filter((r) => r.path.endsWith('/response'))).toHaveLength(200);
    expect(rt.logs().match(/LAMBDA-FIXTURE-LOADED/g)).toHaveLength(1);
  }, 90_000);

  it('passes the deadline, request id, ARN, tenant and trace id in `context` and _X_AMZN_TRACE_ID', async () => {
    const rt = await startLambda('score.ctx');
    const deadlineMs = Date.now() + 20_000;
    const arn = 'arn:aws:lambda:eu-central-1:123456789012:function:churn';
    const traceId = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const res = await rt.api.invoke('{"wait_ms": 150}', { deadlineMs, functionArn: arn, traceId, tenantId: 'tenant-7', clientContext: '{"custom":{"a":1}}' });
    expect(res.ok).toBe(true);
    const ctx = JSON.parse(res.body) as Record<string, unknown>;
    expect(ctx).toMatchObject({ request_id: res.requestId, deadline_ms: deadlineMs, function_arn: arn, tenant_id: 'tenant-7', client_context: '{"custom":{"a":1}}', trace_env: traceId });
    const before = ctx.remaining_before as number;
    const after = ctx.remaining_after as number;
    expect(before).toBeLessThanOrEqual(20_000);
    expect(before).toBeGreaterThan(10_000);
    expect(before - after).toBeGreaterThanOrEqual(140);
  });

  it('refuses a payload field that collides with the context argument', async () => {
    const rt = await startLambda('score.ctx');
    const res = await rt.api.invoke('{"context": 1}', T);
    expect(res).toMatchObject({ ok: false, errorType: 'PayloadError' });
    if (!res.ok) expect(res.errorMessage).toContain("field named 'context'");
  });

  it('takes a 5 MB payload (Content-Length and chunked /next answers)', async () => {
    for (const chunkedNext of [false, true]) {
      const rt = await startLambda('score.size', { chunkedNext });
      const data = 'a'.repeat(5 * 1024 * 1024 - 3) + 'xyz';
      const res = await rt.api.invoke(JSON.stringify({ data }), T);
      expect(res).toMatchObject({ ok: true });
      expect(JSON.parse(res.body)).toEqual({ chars: data.length, last: 'xyz' });
      expect(rt.api.requests()[0]?.status).toBe(200);
    }
  }, 60_000);

  it('unwraps API Gateway v1 (REST) events and answers {statusCode, headers, body}', async () => {
    const rt = await startLambda('score.score');
    const event = { resource: '/score', path: '/score', httpMethod: 'POST', headers: { 'content-type': 'application/json' }, requestContext: { stage: 'prod', requestId: 'abc' }, body: '{"x": 5, "y": 1}', isBase64Encoded: false };
    const ok = await rt.api.invoke(JSON.stringify(event), T);
    expect(ok.ok).toBe(true);
    expect(JSON.parse(ok.body)).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '6' });
    const b64 = { ...event, body: Buffer.from('{"x": 2}').toString('base64'), isBase64Encoded: true };
    expect(JSON.parse((await rt.api.invoke(JSON.stringify(b64), T)).body)).toMatchObject({ statusCode: 200, body: '12' });
    const bad = { ...event, body: 'not json' };
    const answer = JSON.parse((await rt.api.invoke(JSON.stringify(bad), T)).body) as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ errorType: 'PayloadError' });
  });

  it('unwraps API Gateway v2 / Function URL events; an R error is a 500 answer, not a failed invocation', async () => {
    const rt = await startLambda('score.fail');
    const event = { version: '2.0', routeKey: '$default', rawPath: '/', headers: {}, requestContext: { http: { method: 'POST', path: '/' }, requestId: 'r1' }, body: '{}', isBase64Encoded: false };
    const res = await rt.api.invoke(JSON.stringify(event), T);
    expect(res.ok).toBe(true);
    const answer = JSON.parse(res.body) as { statusCode: number; headers: unknown; body: string };
    expect(answer.statusCode).toBe(500);
    expect(answer.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(answer.body)).toEqual({ errorType: 'model_input_error', errorMessage: 'age must be positive' });
  });

  it('treats an EventBridge Scheduler input as the plain payload', async () => {
    const rt = await startLambda('score.score');
    expect(await rt.api.invoke('{"x": 40}', T)).toMatchObject({ ok: true, body: '50' });
  });

  it('tolerates unknown extra headers on /next', async () => {
    const rt = await startLambda('score.score');
    const res = await rt.api.invoke('{"x": 1}', { ...T, extraHeaders: { 'Lambda-Runtime-Some-Future-Header': 'v', 'X-Whatever': '1' } });
    expect(res).toMatchObject({ ok: true, body: '11' });
  });

  it('turns quit() in a handler into one clear error and keeps serving', async () => {
    const rt = await startLambda('score.quitter');
    const res = await rt.api.invoke('{}', T);
    expect(res).toMatchObject({ ok: false, functionError: 'Handled', errorType: 'QuitNotAllowed' });
    if (!res.ok) expect(res.errorMessage).toMatch(/the handler called quit\(\); a model server must not exit/);
    expect(await rt.api.invoke('{}', T)).toMatchObject({ ok: false, errorType: 'QuitNotAllowed' });
    expect(rt.child.exitCode).toBeNull();
  });

  it('gets 413 for a result over 6 MB; the invocation fails with Function.ResponseSizeTooLarge', async () => {
    const rt = await startLambda('score.big');
    const res = await rt.api.invoke('{}', T);
    expect(res).toMatchObject({ ok: false, functionError: 'Unhandled', errorType: 'Function.ResponseSizeTooLarge' });
    expect(rt.api.requests().find((r) => r.path.endsWith('/response'))?.status).toBe(413);
    expect(await rt.api.invoke('{}', T)).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
  });

  it('retries /next after a failure, and exits 4 when the Runtime API keeps failing', async () => {
    const rt = await startLambda('score.score');
    rt.api.injectFault({ route: 'next', kind: 'status', status: 500, body: 'boom' });
    expect(await rt.api.invoke('{"x": 1}', T)).toMatchObject({ ok: true, body: '11' });
    expect(rt.logs()).toMatch(/GET \/runtime\/invocation\/next failed \(1 of 3\): status 500: boom/);
    rt.api.injectFault({ route: 'next', kind: 'disconnect', times: 3 });
    const { code } = await rt.exited;
    expect(code).toBe(4);
  }, 30_000);

  it('answers an API Gateway event whose body is not a string with 400, and keeps serving', async () => {
    const rt = await startLambda('score.score');
    const res = await rt.api.invoke('{"httpMethod":"POST","requestContext":{},"body":{"a":1}}', T);
    expect(res.ok).toBe(true);
    const answer = JSON.parse(res.body) as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ errorType: 'PayloadError' });
    expect(await rt.api.invoke('{"x": 1}', T)).toMatchObject({ ok: true, body: '11' });
    expect(rt.child.exitCode).toBeNull();
  });

  it('answers a base64 body that is not UTF-8 with 400 PayloadError, and keeps serving', async () => {
    const rt = await startLambda('score.score');
    const res = await rt.api.invoke('{"httpMethod":"POST","requestContext":{},"body":"//4=","isBase64Encoded":true}', T);
    expect(res.ok).toBe(true);
    const answer = JSON.parse(res.body) as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ errorType: 'PayloadError', errorMessage: 'the payload is not valid UTF-8 text' });
    expect(await rt.api.invoke('{"x": 1}', T)).toMatchObject({ ok: true, body: '11' });
  });

  it('refuses a plain payload that is not UTF-8 with PayloadError, and keeps serving', async () => {
    const api = await rawApi((n, socket) => {
      if (n > 0) return; // held: the test ends here
      const body = Buffer.from([0x22, 0xff, 0xfe, 0x22]);
      socket.end(Buffer.concat([Buffer.from(nextHead('req-1', body.length)), body]));
    });
    const rt = await startLambda('score.score', { address: api.address });
    try {
      await until(() => api.requests.some((r) => r.method === 'POST'));
      const post = api.requests.find((r) => r.method === 'POST');
      expect(post?.path).toBe('/2018-06-01/runtime/invocation/req-1/error');
      expect(JSON.parse(post!.body.toString())).toMatchObject({ errorType: 'PayloadError' });
      await until(() => api.requests.filter((r) => r.method === 'GET').length === 2);
      expect(rt.child.exitCode).toBeNull();
    } finally {
      await api.close();
    }
  });

  it('reads a /next answer that pauses after exactly 1 MiB', async () => {
    const data = 'a'.repeat(3 * 1024 * 1024);
    const payload = Buffer.from(JSON.stringify({ data }));
    const api = await rawApi((n, socket) => {
      if (n > 0) return;
      const head = Buffer.from(nextHead('req-1', payload.length));
      const first = 1048576 - head.length;
      socket.write(Buffer.concat([head, payload.subarray(0, first)]));
      setTimeout(() => socket.end(payload.subarray(first)), 500);
    });
    const rt = await startLambda('score.size', { address: api.address });
    try {
      await until(() => api.requests.some((r) => r.method === 'POST'));
      const post = api.requests.find((r) => r.method === 'POST');
      expect(post?.path).toBe('/2018-06-01/runtime/invocation/req-1/response');
      expect(JSON.parse(post!.body.toString())).toEqual({ chars: data.length, last: 'aaa' });
      expect(rt.logs()).not.toMatch(/closed in the middle/);
    } finally {
      await api.close();
    }
  }, 30_000);

  it('skips an event whose request id could change the path, and serves the next one', async () => {
    const api = await rawApi((n, socket) => {
      const body = Buffer.from('{"x": 1}');
      if (n === 0) socket.end(Buffer.concat([Buffer.from(nextHead('../../init/error', body.length)), body]));
      if (n === 1) socket.end(Buffer.concat([Buffer.from(nextHead('req-2', body.length)), body]));
    });
    const rt = await startLambda('score.score', { address: api.address });
    try {
      await until(() => api.requests.some((r) => r.method === 'POST'));
      expect(api.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/2018-06-01/runtime/invocation/req-2/response']);
      expect(rt.logs()).toMatch(/request id '\.\.\/\.\.\/init\/error' is not \[A-Za-z0-9\._-\]; skipped/);
    } finally {
      await api.close();
    }
  });

  it('sends only token characters of the condition class in Lambda-Runtime-Function-Error-Type', async () => {
    const rt = await startLambda('score.crlf');
    const res = await rt.api.invoke('{}', T);
    expect(res).toMatchObject({ ok: false, functionError: 'Handled', errorMessage: 'crlf in the class' });
    const post = rt.api.requests().find((r) => r.path.endsWith('/error'));
    expect(post?.status).toBe(202);
    expect(post?.headers['lambda-runtime-function-error-type']).toBe('badInjected1');
    expect(post?.headers.injected).toBeUndefined();
  });

  it('names _HANDLER and LAMBDA_TASK_ROOT in load errors when those were used', async () => {
    const bad = await startLambda('nodot');
    const res = await bad.api.invoke('{}', T);
    if (res.ok) throw new Error('expected an init error');
    expect(res.errorMessage).toMatch(/^_HANDLER 'nodot' is not of the form file\.function/);
    const missing = await startLambda('score.score', { env: { LAMBDA_TASK_ROOT: path.join(os.tmpdir(), 'rdeploy-no-such-app') } });
    const res2 = await missing.api.invoke('{}', T);
    if (res2.ok) throw new Error('expected an init error');
    expect(res2.errorMessage).toMatch(/\(LAMBDA_TASK_ROOT\) does not exist/);
  });
});
