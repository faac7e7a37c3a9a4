import { AppError } from '../errors';
import { tableAsOf, type PriceTable, type TargetKind } from './priceTable';
import type { Workload } from './workload';

/** One line of usage, in the unit of the price it names. */
export interface Meter {
  priceId: string;
  quantity: number;
  /** How the quantity was computed, for people: "1,000,000 requests × 0.2 s × 1 GB". */
  explanation: string;
}

/** What a meter function returns: the meters plus what they assumed and a short basis. */
export interface Usage {
  meters: readonly Meter[];
  assumptions: readonly string[];
  /** The workload in a few words, for the one-line summary: "1,000,000 requests × 200 ms at 1024 MB". */
  basis?: string;
}

export interface CostLine {
  description: string;
  quantity: number;
  /** The part of `quantity` a free tier covered. */
  freeQuantity: number;
  unit: string;
  unitUsd: number;
  usd: number;
  explanation: string;
  source: string;
  asOf: string;
  note?: string;
}

export interface CostEstimate {
  target: TargetKind;
  monthlyUsd: number;
  currency: 'USD';
  lines: CostLine[];
  assumptions: string[];
  /** True when the estimate comes to exactly nothing (local, or all usage inside free tiers). */
  free: boolean;
  /** Set when the target is free by nature, e.g. "runs on your machine". */
  freeBecause?: string;
  basis?: string;
  /** The oldest date of the prices used; undefined when there are none. */
  pricesAsOf?: string;
}

// Cents for the total (what people compare); lines keep four decimals so that a $0.0075
// line is still visible instead of rounding to nothing. Rounding the exact sum (not the
// rounded lines) keeps the total right, at the cost of lines that may not add up to the cent.
const round = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round((value + Number.EPSILON) * f) / f;
};

export const roundUsd = (usd: number) => round(usd, 2);

/**
 * Prices usage against a table. Pure: the same meters, table and workload give the same
 * estimate. Free tiers are pooled across the prices they apply to, in meter order.
 */
export function estimateCost(usage: Usage | readonly Meter[], table: PriceTable, workload: Workload = {}): CostEstimate {
  const { meters, assumptions, basis } = isMeterList(usage) ? { meters: usage, assumptions: [], basis: undefined } : usage;
  const prices = new Map(table.prices.map((p) => [p.id, p]));
  const freeLeft = new Map(table.freeTiers.map((f) => [f.id, f.quantity]));

  let exact = 0;
  const lines: CostLine[] = meters.map((meter) => {
    const price = prices.get(meter.priceId);
    if (!price) {
      throw new AppError('internal', `No price "${meter.priceId}" in the ${table.label} price table.`);
    }
    if (!Number.isFinite(meter.quantity) || meter.quantity < 0) {
      throw new AppError('internal', `The quantity of "${meter.priceId}" must be a number, 0 or more (got ${meter.quantity}).`);
    }
    let freeQuantity = 0;
    for (const tier of table.freeTiers) {
      if (!tier.appliesTo.includes(meter.priceId)) continue;
      const left = freeLeft.get(tier.id) ?? 0;
      const used = Math.min(left, meter.quantity - freeQuantity);
      freeQuantity += used;
      freeLeft.set(tier.id, left - used);
    }
    const usd = (meter.quantity - freeQuantity) * price.usd;
    exact += usd;
    return {
      description: price.description,
      quantity: meter.quantity,
      freeQuantity,
      unit: price.unit,
      unitUsd: price.usd,
      usd: round(usd, 4),
      explanation: meter.explanation,
      source: price.source,
      asOf: price.asOf,
      ...(price.note ? { note: price.note } : {}),
    };
  });

  const summary = basis ?? workloadBasis(workload);
  const pricesAsOf = tableAsOf(table);
  return {
    target: table.target,
    monthlyUsd: roundUsd(exact),
    currency: 'USD',
    lines,
    assumptions: [...assumptions, ...table.assumptions],
    free: exact === 0,
    ...(table.freeBecause ? { freeBecause: table.freeBecause } : {}),
    ...(summary ? { basis: summary } : {}),
    ...(pricesAsOf ? { pricesAsOf } : {}),
  };
}

function isMeterList(usage: Usage | readonly Meter[]): usage is readonly Meter[] {
  return Array.isArray(usage);
}

const count = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** "1,000,000 requests × 200 ms at 1024 MB" from what the user stated; undefined when nothing was. */
export function workloadBasis(workload: Workload): string | undefined {
  const volume =
    workload.requestsPerMonth !== undefined
      ? `${count(workload.requestsPerMonth)} requests`
      : workload.runsPerMonth !== undefined
        ? `${count(workload.runsPerMonth)} runs`
        : undefined;
  if (volume === undefined) return undefined;
  const duration = workload.durationMs !== undefined ? ` × ${count(workload.durationMs)} ms` : '';
  const memory = workload.memoryMb !== undefined ? ` at ${workload.memoryMb} MB` : '';
  return `${volume}${duration}${memory}`;
}
