import { availableParallelism } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { poolExecutor, type MapExecutor, type MapExecutorOptions } from '../../../src/core/map';
import type { DeploymentRecord } from '../../../src/core/records/record';
import { CLOUD_MAP_CONCURRENCY, defaultMapConcurrency, mapDeployment } from '../../../src/targets/lifecycle/mapDeployment';
import type { Located } from '../../../src/targets/lifecycle/records';
import type { Progress } from '../../../src/targets/Target';

// The part of `rdeploy map` the CLI and Map over File share: which deployment the answers
// belong to, and where the calls run.
let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-map-deployment-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (): Located => ({ root: dir, record: { name: 'm', target: 'lambda', updatedAt: '2026-11-30T10:00:00.000Z' } as DeploymentRecord });
const echo = (description: string) => poolExecutor([{ call: async (p) => ({ ok: true, value: JSON.parse(p) as unknown, raw: p }) }], { description });
const grid = () => {
  const input = path.join(dir, 'grid.json');
  writeFileSync(input, '[1, 2, 3]');
  return input;
};

describe('mapDeployment', () => {
  it("runs on the deployment's executor with the concurrency and estimate asked, and ties the answers to the deployment as deployed", async () => {
    const asked: { options: MapExecutorOptions; progress?: Progress }[] = [];
    const deployments = {
      mapExecutor: async (_at: Located, options: MapExecutorOptions, work: { progress?: Progress } = {}): Promise<MapExecutor> => {
        asked.push({ options, ...(work.progress ? { progress: work.progress } : {}) });
        return echo('the deployment');
      },
    };
    const progress: Progress = { report: () => undefined };
    const output = path.join(dir, 'out.jsonl');
    const input = path.join(dir, 'rows.csv');
    writeFileSync(input, 'x\n1\n2\n3\n');
    const summary = await mapDeployment(deployments, at(), { input, output, chunkRows: 1, signal: new AbortController().signal, concurrency: 3, progress: () => progress });
    expect(summary).toMatchObject({ units: 3, done: 3, executor: 'the deployment' });
    expect(asked).toEqual([{ options: { concurrency: 3, estimatedUnits: 3 }, progress }]);
    expect(JSON.parse(readFileSync(`${output}.map.json`, 'utf8'))).toMatchObject({ deployment: { name: 'm', target: 'lambda', deployedAt: '2026-11-30T10:00:00.000Z' } });
  });

  it('runs on the executor it is given instead (--local), and makes no progress when the input is refused at once', async () => {
    const deployments = { mapExecutor: () => Promise.reject(new Error('the deployment must not be called')) };
    const summary = await mapDeployment(deployments, at(), { input: grid(), output: path.join(dir, 'twin.jsonl'), signal: new AbortController().signal, concurrency: 1, executor: async () => echo('the twin') });
    expect(summary.executor).toBe('the twin');

    let made = 0;
    const refused = mapDeployment(deployments, at(), { input: path.join(dir, 'missing.csv'), output: path.join(dir, 'x.jsonl'), signal: new AbortController().signal, concurrency: 1, progress: () => (made++, { report: () => undefined }) });
    await expect(refused).rejects.toThrow(/^The input .*missing\.csv does not exist\./);
    expect(made).toBe(0);
  });

  it('defaults to the cores on local Docker (and for twins), to a few invocations on a cloud target', () => {
    expect(defaultMapConcurrency('local')).toBe(availableParallelism());
    expect(defaultMapConcurrency('lambda', true)).toBe(availableParallelism());
    expect(defaultMapConcurrency('aci')).toBe(CLOUD_MAP_CONCURRENCY);
  });
});
