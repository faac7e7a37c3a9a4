// http mode when the handler cannot be loaded: the server still answers, with the reason.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, invoke, request, startHttpRuntime, type RunningRuntime } from './harness';

const cases = {
  missingFile: { handler: 'nope.score', appDir: path.join(FIXTURES, 'app') },
  missingFunction: { handler: 'score.no_such_function', appDir: path.join(FIXTURES, 'app') },
  failsWhileSourcing: { handler: 'score.score', appDir: path.join(FIXTURES, 'broken') },
  outsideAppDir: { handler: '../app/score.score', appDir: path.join(FIXTURES, 'broken') },
};
const runtimes: Partial<Record<keyof typeof cases, RunningRuntime>> = {};

beforeAll(async () => {
  for (const [name, options] of Object.entries(cases)) {
    runtimes[name as keyof typeof cases] = await startHttpRuntime(options);
  }
}, 90_000);

afterAll(async () => {
  await Promise.all(Object.values(runtimes).map((r) => r?.stop()));
});

async function expectLoadError(name: keyof typeof cases, errorType: string, message: RegExp) {
  const runtime = runtimes[name]!;
  const ping = await request(runtime.port, 'GET', '/ping');
  expect(ping.status).toBe(503);
  expect(JSON.parse(ping.body)).toMatchObject({ errorType, errorMessage: expect.stringMatching(message) });
  const res = await invoke(runtime.port, '{"x": 1}');
  expect(res.status).toBe(503);
  expect(res.headers['x-rdeploy-error']).toBe('load');
  expect(JSON.parse(res.body)).toMatchObject({ errorType });
  expect(runtime.logs()).toMatch(message);
}

describe('http mode, handler not loadable', () => {
  it('names the missing handler file', async () => {
    await expectLoadError('missingFile', 'HandlerLoadError', /handler file nope\.R not found/);
  });

  it('names the missing function', async () => {
    await expectLoadError('missingFunction', 'HandlerLoadError', /does not define a function named 'no_such_function'/);
  });

  it('reports the error raised while sourcing the file', async () => {
    await expectLoadError('failsWhileSourcing', 'HandlerLoadError', /error while sourcing score\.R: .*no-such-model\.rds/);
  });

  it('refuses a handler path outside the app directory', async () => {
    await expectLoadError('outsideAppDir', 'HandlerConfigError', /must name a file inside the app directory/);
  });
});
