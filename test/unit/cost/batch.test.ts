import { describe, expect, it } from 'vitest';
import { batchMeters, BATCH_PRICE_IDS as ID, BATCH_PRICES as T, estimateCost, formatCost, HOURS_PER_MONTH } from '../../../src/core/cost';
import { AppError } from '../../../src/core/errors';
import { cents, usdOf } from './helpers';

const SIZE = 'Standard_D2s_v3' as const;

describe('Batch estimate', () => {
  it('charges node-hours at the dedicated and Spot prices, and nothing for Batch itself', () => {
    const e = estimateCost(batchMeters({ vmSize: SIZE, dedicatedNodes: 1, spotNodes: 2, hoursPerMonth: HOURS_PER_MONTH }), T);
    const expected = 1 * HOURS_PER_MONTH * usdOf(T, ID.dedicated(SIZE)) + 2 * HOURS_PER_MONTH * usdOf(T, ID.spot(SIZE));
    expect(e.monthlyUsd).toBe(cents(expected));
    expect(usdOf(T, ID.service)).toBe(0);
    expect(e.lines[0]!.usd).toBe(0);
    expect(usdOf(T, ID.spot(SIZE))).toBeLessThan(usdOf(T, ID.dedicated(SIZE)));
  });

  it('makes a pool that scales to zero cost only its allocated hours', () => {
    const hours = 12.5;
    const e = estimateCost(batchMeters({ vmSize: SIZE, dedicatedNodes: 0, spotNodes: 4, hoursPerMonth: hours }), T);
    expect(e.monthlyUsd).toBe(cents(4 * hours * usdOf(T, ID.spot(SIZE))));
    expect(formatCost(e)).toBe(`about $${cents(4 * hours * usdOf(T, ID.spot(SIZE))).toFixed(2)} per month (0 dedicated + 4 Spot ${SIZE} × 12.5 h; prices of ${e.pricesAsOf})`);
  });

  it('costs nothing with no nodes', () => {
    const e = estimateCost(batchMeters({ vmSize: SIZE, dedicatedNodes: 0, spotNodes: 0, hoursPerMonth: HOURS_PER_MONTH }), T);
    expect([e.monthlyUsd, e.free]).toEqual([0, true]);
    expect(formatCost(e)).toMatch(/^no charge \(/);
  });

  it('names the VM sizes it knows when asked for one without a price', () => {
    const call = () => batchMeters({ vmSize: 'Standard_NC6', dedicatedNodes: 1, spotNodes: 0, hoursPerMonth: 1 });
    expect(call).toThrow(AppError);
    expect(call).toThrow(/no price for the VM size "Standard_NC6"; use Standard_D2s_v3, Standard_D4s_v3/);
  });
});
