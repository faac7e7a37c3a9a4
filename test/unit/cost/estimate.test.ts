import { describe, expect, it } from 'vitest';
import { costJson, estimateCost, formatCost, formatUsd, LAMBDA_PRICES, lambdaMeters, type PriceTable } from '../../../src/core/cost';
import { AppError } from '../../../src/core/errors';
import { cents } from './helpers';

// A table of our own, so the estimator's rules are checked apart from any real price.
const TABLE: PriceTable = {
  target: 'aci',
  label: 'Test table',
  prices: [
    { id: 'a', description: 'Thing A', usd: 0.5, unit: 'thing', source: 'https://example.com/a', asOf: '2026-10-01' },
    { id: 'b', description: 'Thing B', usd: 0.0025, unit: 'widget', source: 'https://example.com/b', asOf: '2026-11-30', note: 'unconfirmed' },
  ],
  freeTiers: [{ id: 'free-a', description: '10 free things', appliesTo: ['a'], quantity: 10, unit: 'thing', source: 'https://example.com/a', asOf: '2026-11-30' }],
  assumptions: ['table assumption'],
};

describe('estimateCost', () => {
  it('takes a bare meter list, applies the free tier once across lines and dates the estimate by its oldest price', () => {
    const e = estimateCost(
      [
        { priceId: 'a', quantity: 6, explanation: 'six' },
        { priceId: 'a', quantity: 7, explanation: 'seven' },
        { priceId: 'b', quantity: 3, explanation: 'three' },
      ],
      TABLE,
      { runsPerMonth: 12, durationMs: 1500 },
    );
    expect(e.lines.map((l) => l.freeQuantity)).toEqual([6, 4, 0]);
    expect(e.monthlyUsd).toBe(cents((6 + 7 - 10) * 0.5 + 3 * 0.0025));
    // Sub-cent lines stay visible.
    expect(e.lines[2]!.usd).toBe(0.0075);
    expect(e.lines[2]!.note).toBe('unconfirmed');
    expect(e.pricesAsOf).toBe('2026-10-01');
    expect(e.basis).toBe('12 runs × 1,500 ms');
    expect(e.assumptions).toEqual(['table assumption']);
    expect(formatCost(e)).toBe('about $1.51 per month (12 runs × 1,500 ms; prices of 2026-10-01)');
  });

  it('rounds the total to cents from the exact sum', () => {
    const e = estimateCost([{ priceId: 'b', quantity: 3, explanation: '' }], TABLE); // $0.0075
    expect(e.monthlyUsd).toBe(0.01);
    expect(formatCost(e)).toBe('about $0.01 per month (prices of 2026-10-01)');
  });

  it('refuses a meter whose price is not in the table, or a quantity that is not a count', () => {
    expect(() => estimateCost([{ priceId: 'zzz', quantity: 1, explanation: '' }], TABLE)).toThrow(AppError);
    expect(() => estimateCost([{ priceId: 'a', quantity: -1, explanation: '' }], TABLE)).toThrow(/0 or more/);
    expect(() => estimateCost([{ priceId: 'a', quantity: Number.NaN, explanation: '' }], TABLE)).toThrow(AppError);
  });

  it('is pure: the same input gives the same estimate and leaves the input alone', () => {
    const usage = lambdaMeters({ memoryMb: 1769, architecture: 'x86_64', requestsPerMonth: 7_654_321, durationMs: 333 });
    const before = JSON.stringify(usage);
    expect(estimateCost(usage, LAMBDA_PRICES)).toEqual(estimateCost(usage, LAMBDA_PRICES));
    expect(JSON.stringify(usage)).toBe(before);
  });
});

describe('costJson and formatUsd', () => {
  it('has the stable --json keys and survives a JSON round trip', () => {
    const e = estimateCost(lambdaMeters({ memoryMb: 1024, architecture: 'arm64', requestsPerMonth: 9_000_000, durationMs: 250 }), LAMBDA_PRICES);
    const json = costJson(e);
    expect(Object.keys(json).sort()).toEqual(['assumptions', 'currency', 'free', 'lines', 'monthlyUsd', 'pricesAsOf']);
    expect(Object.keys(json.lines[0]!).sort()).toEqual(
      ['asOf', 'description', 'explanation', 'freeQuantity', 'note', 'quantity', 'source', 'unit', 'unitUsd', 'usd'].sort(),
    );
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.monthlyUsd).toBe(e.monthlyUsd);
  });

  it('writes dollars with grouping and two decimals', () => {
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(0)).toBe('$0.00');
  });
});
