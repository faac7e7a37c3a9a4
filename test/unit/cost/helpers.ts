import type { PriceTable } from '../../../src/core/cost';

/** The table's own number for a price id, so expected values follow the table, not a constant. */
export function usdOf(table: PriceTable, id: string): number {
  const price = table.prices.find((p) => p.id === id);
  if (!price) throw new Error(`no price ${id} in ${table.target}`);
  return price.usd;
}

export function freeOf(table: PriceTable, id: string): number {
  const tier = table.freeTiers.find((f) => f.id === id);
  if (!tier) throw new Error(`no free tier ${id} in ${table.target}`);
  return tier.quantity;
}

export const cents = (usd: number) => Math.round(usd * 100) / 100;
