import { describe, expect, it } from 'vitest';
import { estimateCost, formatCost, lambdaMeters, LAMBDA_PRICE_IDS as ID, LAMBDA_PRICES as T } from '../../../src/core/cost';
import { cents, freeOf, usdOf } from '../cost/helpers';

// The seeds' example: "scoring once a day for 10 minutes at 512 MB is 9,000 GB-s a month, inside
// the free tier". lambdaMeters counts requests × average duration; a scheduled run is one
// invocation, so "once a day" is requestsPerMonth = 30 (a 30-day month) and "10 minutes" is
// durationMs = 600,000 (within the 900 s timeout quota).
const RUNS_PER_MONTH = 30;
const RUN_SECONDS = 10 * 60;
const MEMORY_MB = 512;

describe("the seeds' Lambda cost example", () => {
  const usage = lambdaMeters({
    memoryMb: MEMORY_MB,
    architecture: 'x86_64',
    requestsPerMonth: RUNS_PER_MONTH,
    durationMs: RUN_SECONDS * 1000,
  });

  it('is 9,000 GB-seconds a month', () => {
    const gbSeconds = RUNS_PER_MONTH * RUN_SECONDS * (MEMORY_MB / 1024);
    expect(gbSeconds).toBe(9_000); // the seeds' own figure, checked against the arithmetic
    const duration = usage.meters.find((m) => m.priceId === ID.x86);
    expect(duration?.quantity).toBe(gbSeconds);
    expect(usage.meters.find((m) => m.priceId === ID.request)?.quantity).toBe(RUNS_PER_MONTH);
  });

  it('costs $0 because the free tier (1M requests, 400,000 GB-s) covers all of it', () => {
    const e = estimateCost(usage, T);
    expect(e.monthlyUsd).toBe(0);
    expect(e.free).toBe(true);
    // Every unit is covered by an allowance, not priced at zero.
    expect(e.lines.map((l) => [l.unit, l.quantity, l.freeQuantity])).toEqual([
      ['request', RUNS_PER_MONTH, RUNS_PER_MONTH],
      ['GB-second', 9_000, 9_000],
    ]);
    expect(9_000).toBeLessThan(freeOf(T, 'lambda.free.duration'));
    expect(RUNS_PER_MONTH).toBeLessThan(freeOf(T, 'lambda.free.requests'));
    expect(formatCost(e)).toBe(`free — within the free tier (30 requests × 600,000 ms at 512 MB; prices of ${e.pricesAsOf})`);
  });

  it('would cost money without the free tier, so the $0 comes from the allowance', () => {
    const e = estimateCost(usage, { ...T, freeTiers: [] });
    const expected = RUNS_PER_MONTH * usdOf(T, ID.request) + 9_000 * usdOf(T, ID.x86);
    expect(e.free).toBe(false);
    expect(e.monthlyUsd).toBe(cents(expected));
    expect(e.monthlyUsd).toBeGreaterThan(0);
  });

  it('leaves the free tier when scoring every minute for 20 s at 1024 MB, priced from the table', () => {
    const runs = 30 * 24 * 60; // 43,200 a month, still inside the 1M free requests
    const gbSeconds = runs * 20 * (1024 / 1024); // 864,000 GB-s, over the 400,000 free
    const expected = (gbSeconds - freeOf(T, 'lambda.free.duration')) * usdOf(T, ID.x86);

    const e = estimateCost(lambdaMeters({ memoryMb: 1024, architecture: 'x86_64', requestsPerMonth: runs, durationMs: 20_000 }), T);

    expect(e.lines.map((l) => [l.quantity, l.freeQuantity])).toEqual([
      [runs, runs],
      [gbSeconds, freeOf(T, 'lambda.free.duration')],
    ]);
    expect(e.free).toBe(false);
    expect(e.monthlyUsd).toBe(cents(expected));
    expect(e.monthlyUsd).toBeGreaterThan(1); // about $7.73 at the table's x86_64 price
  });
});
