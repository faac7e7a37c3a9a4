import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, rdeploy } from '../support/cli';
import { BASE_IMAGE, containersOf, imagesOf, removeByLabel, requireEngineAndBaseImage } from '../support/docker';
import { carRows, carsCsv, rChunkAnswers } from '../support/mapData';
import { copyExample, uniqueName } from '../support/tempProject';

/**
 * `rdeploy map` on local Docker, through the CLI as a user runs it: the mtcars-glm example
 * deployed on the real engine, 1,000 generated cars scored in chunks by parallel containers, the
 * answers compared with what R itself computes for the same chunks on this machine.
 */
describe('rdeploy map on local Docker (mtcars-glm)', () => {
  const project = copyExample('mtcars-glm');
  const name = uniqueName('e2e-map');
  const file = (f: string) => path.join(project.dir, f);
  const records = (f: string) =>
    readFileSync(file(f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { chunk: number; rows: [number, number]; result?: { probability: number[]; transmission: string[] }; error?: { errorType: string; errorMessage: string } });
  const map = (args: string[]) => rdeploy(['map', name, '--project', project.dir, ...args]);
  const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const mapContainers = () => docker('ps', '-a', '-q', '--filter', `label=rdeploy-deployment=${name}`, '--filter', 'label=rdeploy-map').split('\n').filter(Boolean);
  const ownContainer = () => docker('ps', '-q', '--filter', `label=rdeploy-deployment=${name}`, '--filter', `name=^rdeploy-${name}$`);
  /** Handler calls the deployment's own container has served: the example logs "scored N car(s)" per call. */
  const ownCalls = () => {
    // message() goes to stderr, which `docker logs` gives on its own stderr.
    const r = spawnSync('docker', ['logs', `rdeploy-${name}`], { encoding: 'utf8' });
    return `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /^scored \d+ car/.test(l)).length;
  };
  const rows = carRows(1000);

  beforeAll(async () => {
    requireEngineAndBaseImage();
    writeFileSync(file('cars.csv'), carsCsv(rows));
    const res = await rdeploy(['deploy', project.dir, '--name', name, '--base-image', BASE_IMAGE, '--json']);
    expect(res.code, res.stderr).toBe(0);
  });
  afterAll(() => {
    removeByLabel(name);
    project.dispose();
  });

  it('scores 1,000 rows in chunks of 100 on 2 containers: every answer is R\'s own, in input order', async () => {
    const res = await map(['--input', file('cars.csv'), '--output', file('scores.csv'), '--chunk-rows', '100', '--concurrency', '2', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const summary = JSON.parse(res.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ units: 10, rows: 1000, done: 10, failed: 0, skipped: 0, csvRows: 1000, format: 'csv' });
    expect(String(summary.executor)).toMatch(/^2 containers of rdeploy\//);

    const out = records('scores.jsonl');
    expect(out.map((r) => [r.chunk, r.rows])).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, [i * 100 + 1, i * 100 + 100]]));
    // One call of the handler per chunk, in R on this machine: the same answers, exactly.
    expect(out.map((r) => r.result)).toEqual(rChunkAnswers(project.dir, 'cars.csv', 100));
    // Row by row against one call on all 1,000 rows, through the CSV.
    const all = rChunkAnswers(project.dir, 'cars.csv', 1000)[0] as { probability: number[]; transmission: string[] };
    const csv = readFileSync(file('scores.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('row,probability,transmission');
    expect(csv.slice(1).map((l) => l.split(','))).toEqual(all.probability.map((p, i) => [String(i + 1), String(p), all.transmission[i]]));
    expect(mapContainers()).toEqual([]);
    expect(ownContainer()).not.toBe('');
  });

  it('reports a chunk whose row makes the handler raise, with R\'s error, and answers every other chunk', async () => {
    // JSON Lines: row 537 gives two weights for one car, which the handler cannot turn into numbers.
    const lines = rows.map((r, i) => JSON.stringify(i === 536 ? { wt: [r.wt, 2], hp: r.hp } : r));
    writeFileSync(file('cars.jsonl'), `${lines.join('\n')}\n`);
    const res = await map(['--input', file('cars.jsonl'), '--output', file('bad.jsonl'), '--chunk-rows', '100', '--json']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/1 of 10 chunks failed \(1 handler error, 0 without an answer\): see the "error" records in .*bad\.jsonl/);
    const out = records('bad.jsonl');
    expect(out[5]).toEqual({ chunk: 6, rows: [501, 600], error: { errorType: 'simpleError', errorMessage: expect.stringContaining("'list' object cannot be coerced to type 'double'") } });
    const expected = rChunkAnswers(project.dir, 'cars.csv', 100);
    expect(out.filter((r) => r.chunk !== 6).map((r) => r.result)).toEqual(expected.filter((_, i) => i !== 5));
    expect(JSON.parse(res.stdout)).toMatchObject({ done: 9, failed: 1, callFailures: 0, retries: 0 });
  });

  it('Ctrl-C leaves complete records only and no map container; a rerun calls only the chunks not done', async () => {
    const args = ['--input', file('cars.csv'), '--output', file('ones.jsonl'), '--chunk-rows', '1'];
    // Two containers: the deployment's own and one started for the map.
    const child = spawn(process.execPath, [CLI, 'map', name, '--project', project.dir, ...args, '--concurrency', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        // Complete lines only: the text ends with "\n", so split gives one element more than there are records.
        const n = existsSync(file('ones.jsonl')) ? readFileSync(file('ones.jsonl'), 'utf8').split('\n').length - 1 : 0;
        if (n > 100) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 20);
      child.on('close', (c) => {
        clearInterval(poll);
        resolve(c);
      });
    });
    expect(code, stderr).toBe(130);
    expect(mapContainers()).toEqual([]);
    expect(ownContainer()).not.toBe('');
    const text = readFileSync(file('ones.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const kept = records('ones.jsonl');
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.length).toBeLessThan(1000);
    expect(kept.map((r) => r.chunk)).toEqual(kept.map((_, i) => i + 1));

    // The rerun on the deployment's own container alone (--concurrency 1), whose log counts its calls.
    const before = ownCalls();
    const res = await map([...args, '--concurrency', '1', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ units: 1000, skipped: kept.length, done: 1000 - kept.length });
    expect(ownCalls() - before).toBe(1000 - kept.length);
    const all = records('ones.jsonl');
    expect(all.slice(0, kept.length)).toEqual(kept);
    const expected = rChunkAnswers(project.dir, 'cars.csv', 1000)[0] as { probability: number[] };
    expect(all.map((r) => (r.result as unknown as { probability: number }).probability)).toEqual(expected.probability);

    // Nothing left to do: no call at all.
    const again = await map([...args, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ skipped: 1000, done: 0 });
    expect(JSON.parse(again.stdout).executor).toBeUndefined();
    expect(ownCalls() - before).toBe(1000 - kept.length);
  });

  it('refuses to resume from another input in one sentence, and leaves the output alone', async () => {
    writeFileSync(file('cars.csv'), carsCsv(carRows(1000, 7)));
    const res = await map(['--input', file('cars.csv'), '--output', file('ones.jsonl'), '--chunk-rows', '1']);
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/holds answers that do not belong to this run: the input is not the same file as then .* Pass --restart to start over/);
    expect(records('ones.jsonl')).toHaveLength(1000);
  });

  it('a killed map leaves its containers to the next map and to destroy, which removes everything', async () => {
    const child = spawn(process.execPath, [CLI, 'map', name, '--project', project.dir, '--input', file('cars.csv'), '--output', file('killed.jsonl'), '--chunk-rows', '1', '--concurrency', '2'], { stdio: 'ignore' });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(file('killed.jsonl')) && readFileSync(file('killed.jsonl'), 'utf8').length > 0) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    await new Promise((r) => child.on('close', r));
    expect(mapContainers()).toHaveLength(1);
    const res = await rdeploy(['destroy', name, '--project', project.dir]);
    expect(res.code, res.stderr).toBe(0);
    expect(containersOf(name)).toEqual([]);
    expect(imagesOf(name)).toEqual([]);
  });
});

/**
 * Calls that get no answer: a handler that ends its own R process (as a crash or the OOM killer
 * would: SIGKILL) for some elements. The runtime's supervisor starts a new R process; the call is tried
 * again on the container once it answers /ping, up to 3 tries, then recorded as a failed call.
 */
describe('rdeploy map: a call without an answer is retried, then reported', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-e2e-map-crash-'));
  // Each run of the suite deploys its own container, so /tmp/died-once starts absent.
  const name = uniqueName('e2e-mapcrash');
  writeFileSync(
    path.join(dir, 'score.R'),
    `score <- function(x) {
  # SIGKILL to itself: what the OOM killer does (the runtime refuses quit()).
  if (x == -1) tools::pskill(Sys.getpid(), tools::SIGKILL)
  if (x == -2 && !file.exists("/tmp/died-once")) { file.create("/tmp/died-once"); tools::pskill(Sys.getpid(), tools::SIGKILL) }
  list(y = x * 2)
}
`,
  );
  writeFileSync(path.join(dir, 'grid.json'), '[1, 2, -1, 3, -2, 4]');
  const out = path.join(dir, 'out.jsonl');
  const map = () => rdeploy(['map', name, '--project', dir, '--input', path.join(dir, 'grid.json'), '--output', out, '--concurrency', '1', '--json']);

  beforeAll(async () => {
    requireEngineAndBaseImage();
    const res = await rdeploy(['deploy', dir, '--name', name, '--base-image', BASE_IMAGE]);
    expect(res.code, res.stderr).toBe(0);
  });
  afterAll(() => {
    removeByLabel(name);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers what it can, retries the rest, and says which got no answer', async () => {
    const res = await map();
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/1 of 6 elements failed \(0 handler errors, 1 without an answer\).*run the same command again to retry those without an answer/);
    const recs = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs).toEqual([
      { index: 1, result: { y: 2 } },
      { index: 2, result: { y: 4 } },
      { index: 3, error: { errorType: 'rdeploy.CallFailed', errorMessage: expect.stringMatching(/not running|socket hang up|reset/) }, attempts: 3 },
      { index: 4, result: { y: 6 } },
      { index: 5, result: { y: -4 } },
      { index: 6, result: { y: 8 } },
    ]);
    const summary = JSON.parse(res.stdout) as { retries: number };
    expect(summary).toMatchObject({ done: 5, failed: 1, callFailures: 1 });
    // Element 3 twice, element 5 once; a kept-alive connection to a killed R process may cost one more.
    expect(summary.retries).toBeGreaterThanOrEqual(3);

    // The rerun calls element 3 again (only it), in place.
    const again = await map();
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ skipped: 5, done: 0, failed: 1 });
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { index: number }).index)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
