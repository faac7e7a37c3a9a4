// HTTP/1.1 connection handling of http mode: keep-alive, concurrent connections, Connection: close.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntimeLib, invoke, request, startHttpRuntime, type RunningRuntime } from './harness';

let runtime: RunningRuntime;
let runtimeLib = '';

beforeAll(async () => {
  runtimeLib = buildRuntimeLib();
  runtime = await startHttpRuntime({ handler: 'score.score', runtimeLib });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  if (runtimeLib) fs.rmSync(runtimeLib, { recursive: true, force: true });
});

/** Sends raw bytes on a socket and collects what comes back until `done` says so. */
function rawExchange(
  socket: net.Socket,
  bytes: string,
  done: (received: string) => boolean,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const onData = (d: Buffer) => {
      received += d.toString('utf8');
      if (done(received)) {
        socket.off('data', onData);
        resolve(received);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(bytes);
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

const completeResponse = (text: string) => {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /content-length: (\d+)/i.exec(text.slice(0, end));
  return length !== null && text.length >= end + 4 + Number(length[1]);
};

describe('http mode connections', () => {
  it('uses TCP_NODELAY when the helper is built (see runtime/README.md)', () => {
    expect(runtime.logs()).toContain('TCP_NODELAY on');
  });

  it('serves many requests on one keep-alive connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const results = [];
      for (let i = 0; i < 60; i++) results.push(await invoke(runtime.port, JSON.stringify({ x: i, y: 1 }), agent));
      expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
      expect(results.map((r) => Number(r.body))).toEqual(results.map((_, i) => i + 1));
      // Every request after the first went over the same socket.
      expect(results.slice(1).every((r) => r.reusedSocket)).toBe(true);
      expect(results.every((r) => r.headers['content-length'] === String(Buffer.byteLength(r.body)))).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('serves a second connection while a first one holds a keep-alive connection open', async () => {
    const held = await connect(runtime.port);
    try {
      const first = await rawExchange(
        held,
        'POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{"x": 1}',
        completeResponse,
      );
      expect(first).toMatch(/^HTTP\/1\.1 200/);
      // The first connection is idle but open; a health check on a new one must be answered.
      const ping = await request(runtime.port, 'GET', '/ping');
      expect(ping.status).toBe(200);
      // And the held connection still works afterwards.
      const again = await rawExchange(
        held,
        'POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n7',
        completeResponse,
      );
      expect(again).toMatch(/^HTTP\/1\.1 200[\s\S]*\r\n\r\n17$/);
    } finally {
      held.destroy();
    }
  });

  it('answers HEAD /ping without a body, keeping the connection usable', async () => {
    const socket = await connect(runtime.port);
    try {
      const head = await rawExchange(socket, 'HEAD /ping HTTP/1.1\r\nHost: x\r\n\r\n', (t) => t.includes('\r\n\r\n'));
      expect(head).toMatch(/^HTTP\/1\.1 200/);
      expect(head).toMatch(/\r\nContent-Length: 15\r\n/i);
      // Had a body followed the HEAD answer, it would show up in front of this response.
      const get = await rawExchange(socket, 'GET /ping HTTP/1.1\r\nHost: x\r\n\r\n', completeResponse);
      expect(get).toMatch(/^HTTP\/1\.1 200[\s\S]*\r\n\r\n\{"status":"ok"\}$/);
    } finally {
      socket.destroy();
    }
  });

  it('honours Connection: close by closing after the response', async () => {
    const socket = await connect(runtime.port);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString('utf8')));
    socket.write('POST /invocations HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 8\r\n\r\n{"x": 2}');
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(received).toMatch(/\r\nConnection: close\r\n/i);
    expect(received.endsWith('\r\n\r\n12')).toBe(true);
  });
});
