import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMap } from '../../src/core/map';
import { loadProject } from '../../src/core/project/loadProject';
import { standardConnections } from '../../src/targets/connections';
import { twinExecutor } from '../../src/targets/lifecycle/mapExecutor';
import { lambdaPackaging } from '../../src/targets/lambda/package';
import { BASE_IMAGE, requireEngineAndBaseImage } from '../support/docker';
import { carRows, carsCsv, rChunkAnswers } from '../support/mapData';
import { copyExample } from '../support/tempProject';

/**
 * `rdeploy map --local` for a Lambda deployment: the package (layers + function.zip, built on the
 * local R base image) run by twins of the function that are started once and reused for every
 * chunk, as Lambda keeps an environment warm. Real engine, real R; answers compared with R's own.
 */
describe('rdeploy map --local on Lambda twins', () => {
  const example = copyExample('mtcars-glm');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-e2e-map-twin-'));
  const name = `mt-${process.pid.toString(36)}`;
  beforeAll(() => requireEngineAndBaseImage());
  afterAll(() => {
    example.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('scores 300 rows in chunks of 50 on 2 twins started once: R\'s own answers', async () => {
    writeFileSync(path.join(example.dir, 'cars.csv'), carsCsv(carRows(300, 11)));
    const project = await loadProject(example.dir);
    const ctx = { connections: standardConnections() };
    const start = await lambdaPackaging.prepareTwins!(project, { name, out: path.join(tmp, 'pkg'), builderImage: BASE_IMAGE, settings: { glibcMax: '2.36' } }, ctx);
    let starts = 0;
    const out = path.join(tmp, 'out.jsonl');
    const summary = await runMap({
      input: path.join(example.dir, 'cars.csv'),
      output: out,
      chunkRows: 50,
      deployment: { name, target: 'lambda', deployedAt: 'local twin' },
      signal: new AbortController().signal,
      executor: () => twinExecutor((signal) => (starts++, start({ ...ctx, ...(signal ? { signal } : {}) })), 2, 'twins'),
    });
    expect(summary).toMatchObject({ units: 6, done: 6, failed: 0 });
    expect(starts).toBe(2);
    const results = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { result: unknown }).result);
    expect(results).toEqual(rChunkAnswers(example.dir, 'cars.csv', 50));
  });
});
