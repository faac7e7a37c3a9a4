import { describe, expect, it } from 'vitest';
import {
  costJson,
  estimateCost,
  formatCost,
  LOCAL_PRICES,
  localMeters,
  PRICE_TABLES,
  PriceTableSchema,
  parseWorkload,
} from '../../../src/core/cost';

const tables = PRICE_TABLES.map((t) => [t.target, t] as const);

describe('price tables', () => {
  it.each(tables)('%s is a valid table filed under its own kind', (kind, table) => {
    expect(PriceTableSchema.parse(table)).toEqual(table);
    expect(table.target).toBe(kind);
  });

  it.each(tables)('%s: every price and free tier cites an https source and a real ISO date', (_kind, table) => {
    for (const entry of [...table.prices, ...table.freeTiers]) {
      expect(new URL(entry.source).protocol, entry.id).toBe('https:');
      expect(entry.asOf, entry.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // A real calendar day (2026-02-30 would shift), and a day that has happened: a date is when we looked.
      const day = new Date(`${entry.asOf}T00:00:00Z`);
      expect(day.toISOString().slice(0, 10), entry.id).toBe(entry.asOf);
      expect(day.getTime(), entry.id).toBeLessThanOrEqual(Date.now());
    }
  });

  it.each(tables)('%s: free tiers apply to prices of the same table, in the same unit', (_kind, table) => {
    for (const tier of table.freeTiers) {
      for (const id of tier.appliesTo) {
        const price = table.prices.find((p) => p.id === id);
        expect(price, `${tier.id} → ${id}`).toBeDefined();
        expect(price!.unit).toBe(tier.unit);
      }
    }
  });

  it('has unique price ids across all tables', () => {
    const ids = tables.flatMap(([, t]) => [...t.prices.map((p) => p.id), ...t.freeTiers.map((f) => f.id)]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('prices every cloud target and leaves local empty', () => {
    expect(LOCAL_PRICES.prices).toEqual([]);
    for (const kind of ['lambda', 'aci', 'batch']) expect(PRICE_TABLES.find((t) => t.target === kind)!.prices.length).toBeGreaterThan(0);
  });
});

describe('local', () => {
  it('is free, whatever the workload', () => {
    const e = estimateCost(localMeters(), LOCAL_PRICES, parseWorkload({ requestsPerMonth: 50_000_000, durationMs: 900 }));
    expect(e.free).toBe(true);
    expect(e.monthlyUsd).toBe(0);
    expect(e.lines).toEqual([]);
    expect(formatCost(e)).toBe('free — runs on your machine');
    expect(costJson(e)).toEqual({ monthlyUsd: 0, currency: 'USD', free: true, lines: [], assumptions: e.assumptions, pricesAsOf: null });
  });
});
