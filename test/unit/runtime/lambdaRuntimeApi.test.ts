// The Runtime API server's own answers (no R): Lambda's status codes and error shapes.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InvokeRequestError, RuntimeApiServer } from '../../../src/targets/lambda/runtimeApi';
import { Invocations } from '../../../src/targets/lambda/runtimeApi/invocations';

const servers: RuntimeApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(options?: Parameters<typeof RuntimeApiServer.start>[0]): Promise<RuntimeApiServer> {
  const s = await RuntimeApiServer.start(options);
  servers.push(s);
  return s;
}

function call(api: RuntimeApiServer, method: string, path: string, body?: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const [host, port] = api.address.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const NEXT = '/2018-06-01/runtime/invocation/next';
const post = (id: string, what: string) => `/2018-06-01/runtime/invocation/${id}/${what}`;

describe('Runtime API server', () => {
  it('long-polls /next until an event is queued, with the Lambda headers', async () => {
    const api = await server();
    const next = call(api, 'GET', NEXT);
    await new Promise((r) => setTimeout(r, 100));
    const result = api.invoke('{"a":1}', { timeoutMs: 5000, clientContext: '{"c":1}', tenantId: 't1' });
    const event = await next;
    expect(event.status).toBe(200);
    expect(event.body).toBe('{"a":1}');
    const id = event.headers['lambda-runtime-aws-request-id'] as string;
    expect(Number(event.headers['lambda-runtime-deadline-ms'])).toBeGreaterThan(Date.now());
    expect(event.headers['lambda-runtime-invoked-function-arn']).toMatch(/^arn:aws:lambda:/);
    expect(event.headers['lambda-runtime-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    expect(event.headers).toMatchObject({ 'lambda-runtime-client-context': '{"c":1}', 'lambda-runtime-aws-tenant-id': 't1' });
    expect(api.runtimeState).toBe('Running');
    const accepted = await call(api, 'POST', post(id, 'response'), '"done"');
    expect(accepted).toMatchObject({ status: 202, body: '{"status":"OK"}' });
    expect(await result).toMatchObject({ ok: true, body: '"done"', requestId: id });
  });

  it('answers unknown ids with 400 InvalidRequestID and calls the state forbids with 403 InvalidStateTransition', async () => {
    const api = await server();
    const result = api.invoke('{}', { timeoutMs: 5000 });
    const id = (await call(api, 'GET', NEXT)).headers['lambda-runtime-aws-request-id'] as string;
    expect(await call(api, 'POST', post('nope', 'response'), '1')).toMatchObject({ status: 400, body: '{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}' });
    const twice = await call(api, 'GET', NEXT);
    expect(twice.status).toBe(403);
    expect(JSON.parse(twice.body)).toEqual({ errorType: 'InvalidStateTransition', errorMessage: 'State transition from Running to Ready failed for runtime. Error: State transition is not allowed' });
    expect((await call(api, 'POST', post(id, 'error'), '{"errorMessage":"m","errorType":"T"}')).status).toBe(202);
    expect(await result).toMatchObject({ ok: false, functionError: 'Handled', errorType: 'T', errorMessage: 'm' });
    const again = await call(api, 'POST', post(id, 'response'), '1');
    expect(again.status).toBe(403);
    expect(JSON.parse(again.body)).toMatchObject({ errorType: 'InvalidStateTransition' });
    expect((await call(api, 'GET', '/2018-06-01/runtime/nothing')).status).toBe(404);
    expect((await call(api, 'POST', NEXT)).status).toBe(405);
  });

  it('refuses an invoke payload over 6 MB before queueing it', async () => {
    const api = await server();
    const err = await api.invoke(Buffer.alloc(6 * 1024 * 1024 + 1, 0x20)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvokeRequestError);
    expect(err).toMatchObject({ errorType: 'RequestEntityTooLargeException', statusCode: 413, message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' });
  });

  it('fails queued and later invokes with the init error', async () => {
    const api = await server();
    const queued = api.invoke('{}', { timeoutMs: 5000 });
    const init = await call(api, 'POST', '/2018-06-01/runtime/init/error', '{"errorMessage":"no model","errorType":"HandlerLoadError"}', { 'Lambda-Runtime-Function-Error-Type': 'HandlerLoadError' });
    expect(init.status).toBe(202);
    expect(await queued).toMatchObject({ ok: false, functionError: 'Unhandled', errorType: 'HandlerLoadError', errorMessage: 'no model' });
    expect(await api.invoke('{}')).toMatchObject({ ok: false, errorType: 'HandlerLoadError' });
    expect(api.runtimeState).toBe('InitError');
  });

  it('times an invocation out at its deadline; a late answer gets 400', async () => {
    const timedOut: string[] = [];
    const api = await server({ onTimeout: (id) => timedOut.push(id) });
    const result = api.invoke('{}', { timeoutMs: 200 });
    const id = (await call(api, 'GET', NEXT)).headers['lambda-runtime-aws-request-id'] as string;
    expect(await result).toMatchObject({ ok: false, functionError: 'Unhandled', errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${id} Error: Task timed out after 0.20 seconds` });
    expect(timedOut).toEqual([id]);
    expect((await call(api, 'POST', post(id, 'response'), '1')).status).toBe(400);
  });

  it('records every request and injects faults (test seam)', async () => {
    const api = await server();
    api.injectFault({ route: 'next', kind: 'status', status: 500, body: 'down' });
    expect(await call(api, 'GET', NEXT, undefined, { 'X-Probe': '1' })).toMatchObject({ status: 500, body: 'down' });
    api.injectFault({ route: 'initError', kind: 'disconnect' });
    await expect(call(api, 'POST', '/2018-06-01/runtime/init/error', '{}')).rejects.toThrow();
    expect(api.requests().map((r) => [r.method, r.path, r.status, r.bodyBytes])).toEqual([
      ['GET', NEXT, 500, 0],
      ['POST', '/2018-06-01/runtime/init/error', 0, 2],
    ]);
    expect(api.requests()[0]?.headers['x-probe']).toBe('1');
    expect(api.runtimeState).toBe('Started');
  });

  it('answers a request id that is not valid percent-encoding with 400 InvalidRequestID', async () => {
    const api = await server();
    const res = await call(api, 'POST', post('%E0%A4%A', 'response'), '1');
    expect(res).toMatchObject({ status: 400, body: '{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}' });
    expect((await call(api, 'GET', '/2018-06-01/runtime/nothing')).status).toBe(404);
  });

  it('survives a client that goes away in the middle of its body', async () => {
    const api = await server();
    const [host, port] = api.address.split(':');
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(port), host, () => {
        socket.write('POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"error', () => setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50));
      });
      socket.on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(api.runtimeState).toBe('Started');
    const result = api.invoke('{}', { timeoutMs: 5000 });
    const id = (await call(api, 'GET', NEXT)).headers['lambda-runtime-aws-request-id'] as string;
    expect((await call(api, 'POST', post(id, 'response'), '2')).status).toBe(202);
    expect(await result).toMatchObject({ ok: true, body: '2' });
  });

  it('refuses header values that cannot be sent, and keeps serving', async () => {
    const api = await server();
    for (const options of [{ clientContext: 'a\nb' }, { traceId: 'x\r\nInjected: 1' }, { tenantId: 'caf\u20ac' }, { extraHeaders: { 'Bad Name': 'v' } }]) {
      const err = await api.invoke('{}', options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvokeRequestError);
      expect(err).toMatchObject({ statusCode: 400 });
    }
    const result = api.invoke('{}', { timeoutMs: 5000 });
    const event = await call(api, 'GET', NEXT);
    expect(event.status).toBe(200);
    const id = event.headers['lambda-runtime-aws-request-id'] as string;
    expect((await call(api, 'POST', post(id, 'response'), '3')).status).toBe(202);
    expect(await result).toMatchObject({ ok: true, body: '3' });
  });

  it('fails an event that a /next cannot carry, and goes back to Ready', async () => {
    const inv = new Invocations('arn:aws:lambda:us-east-1:000000000000:function:f');
    const failed = inv.invoke(Buffer.from('{}'), { timeoutMs: 5000 });
    expect(inv.next(() => {
      throw new TypeError('Invalid character in header content');
    })).toBeUndefined();
    expect(await failed).toMatchObject({ ok: false, functionError: 'Unhandled', errorType: 'Runtime.DeliveryFailed' });
    expect(inv.runtimeState).toBe('Ready');
    const taken: string[] = [];
    expect(inv.next((e) => (taken.push(e.requestId), true))).toBeUndefined();
    const ok = inv.invoke(Buffer.from('{}'), { timeoutMs: 5000 });
    expect(taken).toHaveLength(1);
    expect(inv.answer(taken[0]!, 'response', Buffer.from('1'), 1)).toMatchObject({ status: 202 });
    expect(await ok).toMatchObject({ ok: true, body: '1' });
  });

  it('refuses payloads that are not JSON or not UTF-8, as Lambda Invoke does (400 InvalidRequestContentException)', async () => {
    const api = await server();
    const notJson = await api.invoke('not json').catch((e: unknown) => e);
    expect(notJson).toBeInstanceOf(InvokeRequestError);
    expect(notJson).toMatchObject({ errorType: 'InvalidRequestContentException', statusCode: 400 });
    expect((notJson as Error).message).toMatch(/^Could not parse request body into json: Could not parse payload into json: /);
    const notUtf8 = await api.invoke(Buffer.from([0x22, 0x97, 0x22])).catch((e: unknown) => e);
    expect(notUtf8).toMatchObject({ errorType: 'InvalidRequestContentException', statusCode: 400, message: 'Could not parse request body into json: Could not parse payload into json: Invalid UTF-8 start byte 0x97' });
    expect(api.runtimeState).toBe('Started');
  });
});
