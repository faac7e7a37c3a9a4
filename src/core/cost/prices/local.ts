import type { PriceTable } from '../priceTable';

/** Local Docker: the user's own machine, so nothing to price. */
export const LOCAL_PRICES: PriceTable = {
  target: 'local',
  label: 'Docker on this machine',
  prices: [],
  freeTiers: [],
  freeBecause: 'runs on your machine',
  assumptions: ['Local Docker runs on your own machine: no cloud charges.'],
};
