import { describe, expect, it } from 'vitest';
import {
  aciMeters,
  ACI_PRICE_IDS as ID,
  ACI_PRICES as T,
  DEFAULT_BUILT_IN_ACTIONS_PER_RUN as BUILT_IN,
  DEFAULT_CONNECTOR_CALLS_PER_RUN as CONNECTOR,
  estimateCost,
  formatCost,
} from '../../../src/core/cost';
import { cents, freeOf, usdOf } from './helpers';

const FREE_ACTIONS = freeOf(T, 'logicapps.free.actions');

describe('ACI + Logic App estimate', () => {
  it('charges vCPU-seconds, GB-seconds and connector calls per run; built-in actions stay in the free allowance', () => {
    const runs = 30;
    const seconds = 90;
    const expected =
      runs * seconds * 1 * usdOf(T, ID.vcpu) +
      runs * seconds * 2 * usdOf(T, ID.memory) +
      Math.max(0, runs * BUILT_IN - FREE_ACTIONS) * usdOf(T, ID.builtInAction) +
      runs * CONNECTOR * usdOf(T, ID.standardConnector);

    const e = estimateCost(aciMeters({ vcpu: 1, memoryGb: 2, runsPerMonth: runs, durationMs: seconds * 1000 }), T);

    expect(e.monthlyUsd).toBe(cents(expected));
    expect(e.lines.map((l) => l.unit)).toEqual(['vCPU-second', 'GB-second', 'action execution', 'connector call']);
    expect(formatCost(e)).toBe(`about $${cents(expected).toFixed(2)} per month (30 runs × 90,000 ms at 1 vCPU, 2 GB; prices of ${e.pricesAsOf})`);
    expect(e.assumptions.join('\n')).toMatch(/Image pull and R start-up time are not included/);
  });

  it('adds start-up to every run and rounds each run up to the whole second', () => {
    const runs = 1000;
    const e = estimateCost(
      aciMeters({ vcpu: 2, memoryGb: 4, runsPerMonth: runs, durationMs: 1500, startupMs: 45_000, builtInActionsPerRun: 0, connectorCallsPerRun: 0 }),
      T,
    );
    const secondsPerRun = 47; // 46.5 s billed as 47
    expect(e.lines[0]!.quantity).toBe(runs * secondsPerRun * 2);
    expect(e.monthlyUsd).toBe(cents(runs * secondsPerRun * (2 * usdOf(T, ID.vcpu) + 4 * usdOf(T, ID.memory))));
  });

  it('charges built-in actions only past the free allowance', () => {
    const only = { vcpu: 1, memoryGb: 1, durationMs: 1000, connectorCallsPerRun: 0, builtInActionsPerRun: 2 };
    const atLimit = estimateCost(aciMeters({ ...only, runsPerMonth: FREE_ACTIONS / 2 }), T);
    const actionsAt = atLimit.lines[2]!;
    expect([actionsAt.quantity, actionsAt.freeQuantity, actionsAt.usd]).toEqual([FREE_ACTIONS, FREE_ACTIONS, 0]);

    const over = estimateCost(aciMeters({ ...only, runsPerMonth: FREE_ACTIONS / 2 + 100 }), T);
    expect(over.lines[2]!.usd).toBeCloseTo(200 * usdOf(T, ID.builtInAction), 4);
  });

  it('costs nothing when nothing runs', () => {
    const e = estimateCost(aciMeters({ vcpu: 1, memoryGb: 1.5, runsPerMonth: 0, durationMs: 60_000 }), T);
    expect(e.monthlyUsd).toBe(0);
    expect(e.free).toBe(true);
    expect(formatCost(e)).toMatch(/^no charge \(0 runs/);
  });
});
