import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { poolExecutor, runMap } from '../../../src/core/map';
import type { RProject } from '../../../src/core/project/model';
import { Deployments } from '../../../src/targets/lifecycle/Deployments';
import type { Connections, Target } from '../../../src/targets/Target';
import { createTestTarget } from '../../support/testTarget';

// How `rdeploy map` picks its executor through the platform: a target's own (Target.map), else
// concurrent invokes through the target's invoke, ownership checked first as for every invoke.
const noConnections: Connections = { docker: () => Promise.reject(new Error('no engine in unit tests')) };
let root: string;
let target: Target;
let deployments: Deployments;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-map-deployments-'));
  target = createTestTarget().target;
  deployments = new Deployments({ connections: noConnections, tool: 'the unit tests', targets: () => target });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function deployed() {
  const project: RProject = { kind: 'scripts', path: root, root, handler: 'score.score', repositories: [], packages: [], warnings: [] };
  const record = await deployments.deploy(deployments.plan(project, 'local', { name: 'm', settings: {} }));
  return { root, record };
}

describe('map executors through Deployments', () => {
  it('without Target.map: up to --concurrency invokes at once, each answer as the target gives it, transport failures retried', async () => {
    let running = 0;
    let most = 0;
    const seen = new Map<string, number>();
    target.invoke = async (_record, payload) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      const x = JSON.parse(payload) as number;
      seen.set(payload, (seen.get(payload) ?? 0) + 1);
      if (x === 3 && seen.get(payload) === 1) throw new AppError('invoke-failed', 'Rate exceeded');
      if (x < 0) return { ok: false, body: { errorType: 'simpleError', errorMessage: 'negative' }, raw: '{"errorType":"simpleError","errorMessage":"negative"}', durationMs: 1 };
      return { ok: true, body: x * 10, raw: String(x * 10), durationMs: 1 };
    };
    const at = await deployed();
    const input = path.join(root, 'grid.json');
    writeFileSync(input, JSON.stringify([1, 2, 3, -4, 5, 6, 7, 8, 9, 10]));
    const executor = await deployments.mapExecutor(at, { concurrency: 3 });
    expect(executor.description).toMatch(/^3 concurrent invocations of m on /);
    const summary = await runMap({ input, output: path.join(root, 'out.jsonl'), deployment: { name: 'm', target: 'local', deployedAt: at.record.updatedAt }, signal: new AbortController().signal, executor: async () => executor });
    expect(most).toBe(3);
    expect(summary).toMatchObject({ done: 9, failed: 1, retries: 1 });
    const recs = readFileSync(path.join(root, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(recs[2]).toEqual({ index: 3, result: 30 });
    expect(recs[3]).toEqual({ index: 4, error: { errorType: 'simpleError', errorMessage: 'negative' } });
  });

  it('a target with its own executor gets to run the map', async () => {
    const own = poolExecutor([{ call: async (p) => ({ ok: true, value: p }) }], { description: 'the target\'s own' });
    let asked: unknown;
    target.map = async (_record, options) => ((asked = options), own);
    const executor = await deployments.mapExecutor(await deployed(), { concurrency: 8, estimatedUnits: 2 });
    expect(executor).toBe(own);
    expect(asked).toEqual({ concurrency: 8, estimatedUnits: 2 });
  });
});
