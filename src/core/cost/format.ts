import type { CostEstimate, CostLine } from './estimate';

/** "$1,234.56": always two decimals, US grouping, since every price here is in USD. */
export function formatUsd(usd: number): string {
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** One line for people: "about $4.17 per month (1,000,000 requests × 200 ms at 1024 MB; prices of 2026-11-30)". */
export function formatCost(estimate: CostEstimate): string {
  if (estimate.free && estimate.freeBecause) return `free — ${estimate.freeBecause}`;
  const context = [estimate.basis, estimate.pricesAsOf && `prices of ${estimate.pricesAsOf}`].filter(Boolean).join('; ');
  const suffix = context ? ` (${context})` : '';
  if (estimate.free) {
    const coveredByFreeTier = estimate.lines.some((line) => line.freeQuantity > 0);
    return coveredByFreeTier ? `free — within the free tier${suffix}` : `no charge${suffix}`;
  }
  // Some cost that rounds to $0.00 is still not free: say so rather than print "$0.00".
  if (estimate.monthlyUsd === 0) return `less than $0.01 per month${suffix}`;
  return `about ${formatUsd(estimate.monthlyUsd)} per month${suffix}`;
}

/** The `--json` shape. Keys are stable: scripts and CI read them. */
export interface CostJson {
  monthlyUsd: number;
  currency: 'USD';
  free: boolean;
  lines: CostLine[];
  assumptions: string[];
  pricesAsOf: string | null;
}

export function costJson(estimate: CostEstimate): CostJson {
  return {
    monthlyUsd: estimate.monthlyUsd,
    currency: estimate.currency,
    free: estimate.free,
    lines: estimate.lines.map((line) => ({ ...line })),
    assumptions: [...estimate.assumptions],
    // null rather than a missing key, so the key set is the same for every target.
    pricesAsOf: estimate.pricesAsOf ?? null,
  };
}
