// The Batch cost estimate: node-hours a month from the plan's settings and the workload (kept
// nodes, nodes each job brings up and lets idle down, working hours), priced by the Batch table.
// Each expectation is the arithmetic of batchUsage's documented model written out by hand.
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_PRICES, estimateCost, HOURS_PER_MONTH, type Usage, type Workload } from '../../../../src/core/cost';
import { loadProject } from '../../../../src/core/project/loadProject';
import type { RProject } from '../../../../src/core/project/model';
import type { Plan } from '../../../../src/targets/Target';
import type { BatchPlanDetails } from '../../../../src/targets/batch/details';
import { ASSUMED_NODE_START_MINUTES, batchUsage, planBatch } from '../../../../src/targets/batch/plan';
import { BatchSettingsSchema } from '../../../../src/targets/batch/settings';

let project: RProject;
beforeAll(async () => {
  project = await loadProject(path.join(__dirname, '../../../../examples/mtcars-glm'));
});

const plan = (settings: Record<string, unknown>): Plan<BatchPlanDetails> =>
  planBatch(project, { name: 'mtcars', settings: BatchSettingsSchema.parse({ resourceGroup: 'ml', account: 'mlbatch', registry: 'models.azurecr.io', ...settings }) }) as Plan<BatchPlanDetails>;

const D2S_V3 = 0.096; // $/h, dedicated, the Batch table's price
const D2S_V3_SPOT = 0.0192; // 80 % off
const THIRTY_OF_TEN_MIN: Workload = { runsPerMonth: 30, durationMs: 10 * 60_000 };
/** Half the 15-minute evaluation interval, then the queue's 5-minute window. */
const QUEUE_TAIL = 7.5 + 5;
/** … or scale-to-zero's 10 idle minutes. */
const ZERO_TAIL = 7.5 + 10;
/** Monday to Friday, 08:00-18:00 UTC, in an average month. */
const WORKING_HOURS_A_MONTH = (HOURS_PER_MONTH / 24) * (5 / 7) * 10;

const hours = (u: Usage, kind: 'dedicated' | 'spot') => u.meters.find((m) => m.priceId === `batch.vm.Standard_D2s_v3.${kind}`)?.quantity;

describe('batchUsage', () => {
  it('queue, no kept node, 30 jobs of 10 min on Standard_D2s_v3: each brings a node up for start + work + tail, dedicated', () => {
    const u = batchUsage(plan({}), THIRTY_OF_TEN_MIN);
    const burst = (30 * (ASSUMED_NODE_START_MINUTES + 10 + QUEUE_TAIL)) / 60;
    expect(burst).toBe(13.75);
    expect(hours(u, 'dedicated')).toBeCloseTo(burst, 9);
    expect(hours(u, 'spot')).toBe(0);
    expect(u.assumptions[0]).toBe('30 jobs a month of 10 min each, 1 node each.');
    const cost = estimateCost(u, BATCH_PRICES);
    expect(cost.monthlyUsd).toBe(1.32); // 13.75 h × $0.096
    expect(cost.lines.find((l) => l.description.includes('dedicated'))?.usd).toBeCloseTo(13.75 * D2S_V3, 4);
  });

  it('spot: the same hours priced as Spot, none dedicated', () => {
    const u = batchUsage(plan({ spot: true }), THIRTY_OF_TEN_MIN);
    expect(hours(u, 'dedicated')).toBe(0);
    expect(hours(u, 'spot')).toBeCloseTo(13.75, 9);
    expect(estimateCost(u, BATCH_PRICES).monthlyUsd).toBe(0.26); // 13.75 h × $0.0192 = $0.264
    expect(estimateCost(u, BATCH_PRICES).lines.find((l) => l.description.includes('Spot'))?.usd).toBeCloseTo(13.75 * D2S_V3_SPOT, 4);
  });

  it('minNodes 2: two nodes all month, dedicated, and the jobs find them waiting (no burst)', () => {
    const u = batchUsage(plan({ minNodes: 2 }), THIRTY_OF_TEN_MIN);
    expect(hours(u, 'dedicated')).toBe(2 * HOURS_PER_MONTH);
    expect(hours(u, 'spot')).toBe(0);
    expect(estimateCost(u, BATCH_PRICES).monthlyUsd).toBe(140.16); // 1460 h × $0.096
    // With Spot the kept nodes stay dedicated: minNodes are never Spot.
    const spot = batchUsage(plan({ minNodes: 2, spot: true }), THIRTY_OF_TEN_MIN);
    expect([hours(spot, 'dedicated'), hours(spot, 'spot')]).toEqual([2 * HOURS_PER_MONTH, 0]);
  });

  it('scaleToZero keeps no node, even with minNodes, and brings up minNodes for each job with its 10 idle minutes', () => {
    const one = batchUsage(plan({ autoscale: 'scaleToZero' }), THIRTY_OF_TEN_MIN);
    expect(hours(one, 'dedicated')).toBeCloseTo((30 * (5 + 10 + ZERO_TAIL)) / 60, 9); // 16.25
    const two = batchUsage(plan({ autoscale: 'scaleToZero', minNodes: 2 }), THIRTY_OF_TEN_MIN);
    expect(hours(two, 'dedicated')).toBeCloseTo((30 * 2 * (5 + 10 + ZERO_TAIL)) / 60, 9); // 32.5, not 1460 + …
    expect(two.assumptions[0]).toBe('30 jobs a month of 10 min each, 2 nodes each.');
  });

  it('workingHours adds (maxNodes − minNodes) nodes through every working hour', () => {
    const u = batchUsage(plan({ autoscale: 'workingHours', minNodes: 1, maxNodes: 4 }), THIRTY_OF_TEN_MIN);
    expect(hours(u, 'dedicated')).toBeCloseTo(HOURS_PER_MONTH + 3 * WORKING_HOURS_A_MONTH, 6);
    expect(u.assumptions).toContain('All 4 nodes run Monday to Friday, 8:00-18:00 UTC.');
    // Without a kept node the jobs' own nodes come on top; with Spot, all of it is Spot.
    const spot = batchUsage(plan({ autoscale: 'workingHours', maxNodes: 4, spot: true }), THIRTY_OF_TEN_MIN);
    expect(hours(spot, 'dedicated')).toBe(0);
    expect(hours(spot, 'spot')).toBeCloseTo(4 * WORKING_HOURS_A_MONTH + 13.75, 6);
  });

  it('an unpriced VM size gives no meters and an assumption naming the node-hours to multiply', () => {
    const u = batchUsage(plan({ vmSize: 'Standard_D16s_v5' }), THIRTY_OF_TEN_MIN);
    expect(u.meters).toEqual([]);
    expect(u.assumptions.at(-1)).toMatch(/^R Deploy has no price for Standard_D16s_v5; multiply 13\.8 node-hours by its hourly price \(Standard_D2s_v3, .*\)/);
    expect(estimateCost(u, BATCH_PRICES).monthlyUsd).toBe(0);
  });

  it("without a stated workload, the schedule's jobs a month (of 1 minute each); without either, nothing", () => {
    const daily = batchUsage(plan({ schedule: 'every 1 day at 02:00' }), {});
    expect(daily.assumptions[0]).toBe('30 jobs a month of 1 min each, 1 node each.');
    expect(hours(daily, 'dedicated')).toBeCloseTo((30 * (5 + 1 + QUEUE_TAIL)) / 60, 9); // 9.25
    const sixHourly = batchUsage(plan({ schedule: 'every 6 hours' }), { durationMs: 120_000 });
    expect(sixHourly.assumptions[0]).toBe('122 jobs a month of 2 min each, 1 node each.');
    // A stated number of runs wins over the schedule's.
    expect(batchUsage(plan({ schedule: 'every 6 hours' }), { runsPerMonth: 10 }).assumptions[0]).toMatch(/^10 jobs a month/);
    const idle = batchUsage(plan({}), {});
    expect(hours(idle, 'dedicated')).toBe(0);
    expect(estimateCost(idle, BATCH_PRICES).monthlyUsd).toBe(0);
  });

  it('a larger size is priced at its own rate', () => {
    const u = batchUsage(plan({ vmSize: 'Standard_E4s_v3' }), THIRTY_OF_TEN_MIN);
    expect(u.meters.map((m) => m.priceId)).toEqual(['batch.service', 'batch.vm.Standard_E4s_v3.dedicated', 'batch.vm.Standard_E4s_v3.spot']);
    expect(estimateCost(u, BATCH_PRICES).monthlyUsd).toBe(3.47); // 13.75 h × $0.252 = $3.465
  });
});
