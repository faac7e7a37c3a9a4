// invokeLocally with the host's real R and the shipped runtime (job mode): the answer is
// compared with what R computes directly; every failure the user can meet is provoked for real.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { invokeLocally } from '../../../src/core/invokeLocally';
import { resolveRPath } from '../../../src/core/rPath';
import { REPO } from '../../support/cli';
import { rDirect } from '../../support/r';
import { copyExample } from '../../support/tempProject';

const runtimeDir = path.join(REPO, 'runtime');
const rPath = resolveRPath({ platform: process.platform, env: process.env }, existsSync);
const HANDLERS = path.join(REPO, 'test', 'fixtures', 'handlers');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-invoke-test-'));
let mtcars: { dir: string; dispose(): void };

beforeAll(() => {
  mtcars = copyExample('mtcars-glm');
});
afterAll(() => {
  mtcars.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

function opts(extra: Partial<Parameters<typeof invokeLocally>[3]> = {}) {
  if (!rPath) throw new Error('these tests need R on PATH');
  return { rPath, runtimeDir, ...extra };
}

/** A one-file project in a temporary folder. */
function project(name: string, scoreR: string): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'score.R'), scoreR);
  return dir;
}

describe('invokeLocally answers like R itself', () => {
  it.each(['one-car', 'fleet', 'heavy-truck'])('mtcars-glm with samples/%s.json', async (sample) => {
    const file = path.join(mtcars.dir, 'samples', `${sample}.json`);
    const res = await invokeLocally(mtcars.dir, 'score.score', readFileSync(file, 'utf8'), opts());
    expect(res.ok).toBe(true);
    expect(res.body).toEqual(rDirect(mtcars.dir, 'score.R', 'score', file));
    expect(JSON.parse(res.raw)).toEqual(res.body);
    expect(res.durationMs).toBeGreaterThan(0);
    // The handler's message() and the runtime's load line are logs, not the answer.
    expect(res.logs).toMatch(/scored \d+ car\(s\)/);
    expect(res.logs).toContain('loaded handler score from score.R');
  });

  it('passes non-ASCII text both ways', async () => {
    const res = await invokeLocally(path.join(HANDLERS, 'app'), 'score.utf8', '{"text": "naïve 日本"}', opts());
    expect(res).toMatchObject({ ok: true, body: 'naïve 日本 éè中' });
  });

  it('takes the last stdout line when compiled code or system() wrote to stdout first', async () => {
    const dir = project('c-level', 'score <- function() { system("echo C-LEVEL-OUTPUT"); 42 }\n');
    const res = await invokeLocally(dir, 'score.score', '{}', opts());
    expect(res).toMatchObject({ ok: true, body: 42, raw: '42' });
  });

  it('ignores payload variables inherited from the environment', async () => {
    const file = path.join(mtcars.dir, 'samples', 'one-car.json');
    const res = await invokeLocally(mtcars.dir, 'score.score', readFileSync(file, 'utf8'), opts({ env: { RDEPLOY_PAYLOAD: '{"wt": 9, "hp": 9}', RDEPLOY_PAYLOAD_URL: 'http://127.0.0.1:9/x' } }));
    expect(res.body).toEqual(rDirect(mtcars.dir, 'score.R', 'score', file));
  });
});

describe('invokeLocally failures', () => {
  it('a handler error is ok: false with the error JSON', async () => {
    const res = await invokeLocally(mtcars.dir, 'score.score', '{"wt": [1, 2], "hp": [100]}', opts());
    expect(res.ok).toBe(false);
    expect(res.body).toEqual({ errorType: 'simpleError', errorMessage: 'wt and hp must have the same length (got 2 and 1)' });
  });

  it('a result JSON cannot hold is ok: false too', async () => {
    const res = await invokeLocally(path.join(HANDLERS, 'app'), 'score.unserialisable', '{}', opts());
    expect(res).toMatchObject({ ok: false, body: { errorType: 'SerializationError' } });
  });

  it('a payload that is not JSON is refused before R starts', async () => {
    const err = await invokeLocally(mtcars.dir, 'score.score', '{"wt": ', opts({ rPath: '/nonexistent/bin/R' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'payload-invalid', message: expect.stringContaining('not valid JSON') });
  });

  it('a payload R cannot decode (exit 2) is payload-invalid with the runtime\'s words', async () => {
    // Valid JSON for Node, too deep for jsonlite's parser.
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const err = await invokeLocally(mtcars.dir, 'score.score', deep, opts()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'payload-invalid', message: expect.stringContaining('The runtime rejected the payload: the payload is not valid JSON') });
  });

  it('a handler file that fails while sourced (exit 3) names the cause and shows R\'s last output', async () => {
    const dir = project('load-error', 'cat("FIXTURE-BEFORE-FAILURE\\n")\nmodel <- readRDS("no-such-model.rds")\nscore <- function(x) x\n');
    const err = await invokeLocally(dir, 'score.score', '{}', opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const { code, message } = err as AppError;
    expect(code).toBe('invoke-failed');
    expect(message).toMatch(/^The handler score\.score could not be loaded: error while sourcing score\.R: cannot open the connection/);
    expect(message).toContain("R's last output:\nFIXTURE-BEFORE-FAILURE");
    expect(message).not.toContain('runtime library'); // the runtime's notice is noise here
  });

  it('a function the file does not define (exit 3)', async () => {
    await expect(invokeLocally(mtcars.dir, 'score.nope', '{}', opts())).rejects.toMatchObject({
      code: 'invoke-failed',
      message: expect.stringContaining("score.R does not define a function named 'nope'"),
    });
  });

  it('jsonlite missing on the host is one clear error', async () => {
    const emptyLib = mkdtempSync(path.join(tmp, 'lib-'));
    const env = { R_LIBS_SITE: emptyLib, R_LIBS_USER: emptyLib, R_LIBS: emptyLib };
    const err = await invokeLocally(mtcars.dir, 'score.score', '{"wt": 2.62, "hp": 110}', opts({ env })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invoke-failed', message: 'The R package jsonlite is needed to invoke locally: install.packages("jsonlite")' });
  });

  it('R that cannot be started is invoke-failed naming the path', async () => {
    await expect(invokeLocally(mtcars.dir, 'score.score', '{}', opts({ rPath: '/nonexistent/bin/R' }))).rejects.toMatchObject({
      code: 'invoke-failed',
      message: expect.stringContaining('/nonexistent/bin/Rscript'),
    });
  });

  it('a missing project folder or a malformed handler is refused up front', async () => {
    await expect(invokeLocally(path.join(tmp, 'nowhere'), 'score.score', '{}', opts())).rejects.toMatchObject({ code: 'not-found' });
    await expect(invokeLocally(mtcars.dir, 'score', '{}', opts())).rejects.toMatchObject({ code: 'usage' });
  });
});

describe('invokeLocally stops R', () => {
  const slow = () => project('slow', 'writeLines(as.character(Sys.getpid()), "pid.txt")\nscore <- function() { Sys.sleep(60); 1 }\n');

  async function waitForPid(dir: string): Promise<number> {
    for (let i = 0; i < 100; i++) {
      const file = path.join(dir, 'pid.txt');
      if (existsSync(file) && readFileSync(file, 'utf8').trim()) return Number(readFileSync(file, 'utf8'));
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('R never started');
  }

  async function gone(pid: number): Promise<boolean> {
    for (let i = 0; i < 60; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return true;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  it('on timeout, with a clear error, and the process is gone', async () => {
    const dir = slow();
    rmSync(path.join(dir, 'pid.txt'), { force: true });
    const started = Date.now();
    const running = invokeLocally(dir, 'score.score', '{}', opts({ timeoutMs: 1500 })).catch((e: unknown) => e);
    const pid = await waitForPid(dir);
    const err = await running;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err).toMatchObject({ code: 'invoke-failed', message: expect.stringContaining('did not answer within 1.5 s') });
    expect(await gone(pid)).toBe(true);
  });

  it('on abort, as a cancellation, and the process is gone', async () => {
    const dir = slow();
    rmSync(path.join(dir, 'pid.txt'), { force: true });
    const controller = new AbortController();
    const running = invokeLocally(dir, 'score.score', '{}', opts({ signal: controller.signal })).catch((e: unknown) => e);
    const pid = await waitForPid(dir);
    controller.abort();
    const err = await running;
    expect(err).toMatchObject({ code: 'cancelled' });
    expect(await gone(pid)).toBe(true);
  });
});
