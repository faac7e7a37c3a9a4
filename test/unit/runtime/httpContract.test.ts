// The scoring contract over http mode, with real R (Rscript runtime/main.R http).
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP, buildRuntimeLib, invoke, request, startHttpRuntime, waitForLogs, type RunningRuntime } from './harness';

const handlers = [
  'score.score', 'score.count', 'score.describe', 'score.echo', 'score.missing_values', 'score.fail',
  'score.warn', 'score.noisy', 'score.unserialisable', 'score.where', 'score.utf8', 'models/churn.predict.churn',
] as const;
type Handler = (typeof handlers)[number];

const runtimes = new Map<Handler, RunningRuntime>();
let runtimeLib = '';

function rt(handler: Handler): RunningRuntime {
  const running = runtimes.get(handler);
  if (!running) throw new Error(`runtime for ${handler} not started`);
  return running;
}

async function call(handler: Handler, payload: string) {
  const res = await invoke(rt(handler).port, payload);
  return { ...res, json: JSON.parse(res.body) as unknown };
}

beforeAll(async () => {
  runtimeLib = buildRuntimeLib();
  // Two at a time: each R process takes a core while it starts.
  for (let i = 0; i < handlers.length; i += 2) {
    const batch = handlers.slice(i, i + 2);
    const started = await Promise.all(batch.map((handler) => startHttpRuntime({ handler, runtimeLib })));
    batch.forEach((handler, j) => runtimes.set(handler, started[j]!));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([...runtimes.values()].map((r) => r.stop()));
  if (runtimeLib) fs.rmSync(runtimeLib, { recursive: true, force: true });
});

describe('payload to arguments', () => {
  it('spreads a JSON object into named arguments', async () => {
    expect((await call('score.score', '{"x": 1, "y": 2}')).json).toBe(3);
    expect((await call('score.score', '{"x": 1}')).json).toBe(11);
  });

  it('passes a scalar or an array as the first argument', async () => {
    expect((await call('score.score', '5')).json).toBe(15);
    expect((await call('score.score', '[1, 2, 3]')).json).toEqual([11, 12, 13]);
  });

  it('turns an array of objects into a data.frame (simplifyVector)', async () => {
    const res = await call('score.describe', '[{"a": 1, "b": "x"}, {"a": 2, "b": "y"}, {"a": 3, "b": "z"}]');
    expect(res.json).toEqual({ class: 'data.frame', length: 2, nrow: 3, names: ['a', 'b'] });
  });

  it('passes null as the first argument and {} as no arguments', async () => {
    expect((await call('score.describe', 'null')).json).toEqual({ class: 'NULL', length: 0, nrow: 0, names: null });
    expect((await call('score.echo', '{}')).json).toEqual([]);
  });

  it('returns data frames as rows, nested in named arguments too', async () => {
    const res = await call('score.echo', '{"data": [{"a": 1}, {"a": 2}], "k": "v"}');
    expect(res.json).toEqual({ data: [{ a: 1 }, { a: 2 }], k: 'v' });
  });

  it('keeps UTF-8 text intact both ways', async () => {
    expect((await call('score.utf8', '"caf\u00e9"')).json).toBe('caf\u00e9 \u00e9\u00e8\u4e2d');
  });
});

describe('result to JSON', () => {
  it('writes NA and NULL as null, numbers with 15 significant digits (digits = NA)', async () => {
    const res = await call('score.missing_values', '{}');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json).toEqual({
      na: null,
      null: null,
      vec: [1, null, 3],
      df: [{ a: 1.5, b: 'x' }, { a: null, b: null }],
      pi: 3.14159265358979,
    });
  });

  it('answers 500 SerializationError for a value JSON cannot hold', async () => {
    const res = await call('score.unserialisable', '{}');
    expect(res.status).toBe(500);
    expect(res.headers['x-rdeploy-error']).toBe('serialization');
    expect(res.json).toMatchObject({ errorType: 'SerializationError' });
  });
});

describe('errors, warnings, output', () => {
  it('turns an R error into errorType/errorMessage and keeps serving', async () => {
    const res = await call('score.fail', '{}');
    expect(res.status).toBe(500);
    expect(res.headers['x-rdeploy-error']).toBe('handled');
    expect(res.json).toEqual({ errorType: 'simpleError', errorMessage: 'the model exploded' });
    const custom = await call('score.fail', '{"custom": true}');
    expect(custom.json).toEqual({ errorType: 'model_input_error', errorMessage: 'age must be positive' });
    expect((await request(rt('score.fail').port, 'GET', '/ping')).status).toBe(200);
  });

  it('sends warnings to the logs, not the response', async () => {
    const res = await call('score.warn', '4');
    expect(res.status).toBe(200);
    expect(res.body).toBe('8');
    expect(rt('score.warn').logs()).toContain('FIXTURE-WARNING x is large');
  });

  it('sends print/cat/message output to the logs, not the response', async () => {
    const res = await call('score.noisy', '{}');
    expect(res.body).toBe('42');
    const logs = rt('score.noisy').logs();
    for (const marker of ['FIXTURE-PRINT', 'FIXTURE-CAT', 'FIXTURE-MESSAGE']) expect(logs).toContain(marker);
  });

  it('answers 400 PayloadError for malformed or empty JSON', async () => {
    for (const bad of ['{"x": ', 'not json', '']) {
      const res = await call('score.score', bad);
      expect(res.status).toBe(400);
      expect(res.headers['x-rdeploy-error']).toBe('payload');
      expect(res.json).toMatchObject({ errorType: 'PayloadError' });
    }
    expect((await call('score.score', '{"x": 1}')).json).toBe(11);
  });

  it('answers 404 for an unknown path and 405 with Allow for a wrong method', async () => {
    const { port } = rt('score.score');
    expect((await request(port, 'GET', '/nope')).status).toBe(404);
    const get = await request(port, 'GET', '/invocations');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    // Once the handler is loaded, /ping is a static path answered by httpuv's I/O thread (so it
    // answers while R is busy): httpuv refuses other methods there with a plain 400.
    const post = await request(port, 'POST', '/ping', '{}');
    expect(post.status).toBe(400);
  });

  it('logs one line per request without the payload', async () => {
    await call('score.score', '{"x": 123456789}');
    const logs = rt('score.score').logs();
    expect(logs).toMatch(/^\[rdeploy\] POST \/invocations 200 [\d.]+ms$/m);
    expect(logs).not.toContain('123456789');
  });
});

describe('process and files', () => {
  it('runs top-level code once per process (each of the 2 workers), not per request', async () => {
    // One keep-alive connection stays with one worker process.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      let last: unknown;
      for (let i = 0; i < 3; i++) last = JSON.parse((await invoke(rt('score.count').port, '{}', agent)).body);
      expect(last).toEqual({ times_sourced: 1, calls: 3 });
    } finally {
      agent.destroy();
    }
    await waitForLogs(rt('score.count'), /FIXTURE-TOP-LEVEL-OUTPUT/, 2);
    expect(rt('score.count').logs().split('FIXTURE-TOP-LEVEL-OUTPUT').length - 1).toBe(2);
  });

  it('loads a handler from a subdirectory, with the app dir as working directory', async () => {
    const res = await call('models/churn.predict.churn', '[{"id": 1, "score": 0.2}, {"id": 2, "score": 0.9}]');
    expect(res.json).toEqual([
      { id: 1, score: 0.2, churn: false },
      { id: 2, score: 0.9, churn: true },
    ]);
  });

  it('puts the runtime library last, after the libraries R already had', async () => {
    const res = (await call('score.where', '{}')).json as { wd: string; libpaths: string[] };
    expect(fs.realpathSync(res.wd)).toBe(fs.realpathSync(APP));
    const lib = fs.realpathSync(runtimeLib);
    const idx = res.libpaths.indexOf(lib);
    expect(idx).toBeGreaterThan(0);
    // Only R's own base library (.Library) may follow it.
    expect(res.libpaths.slice(idx + 1).every((p) => p.endsWith('/R/library'))).toBe(true);
  });

  it('answers /ping with 200 once the handler is loaded', async () => {
    const res = await request(rt('score.score').port, 'GET', '/ping');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });
});
