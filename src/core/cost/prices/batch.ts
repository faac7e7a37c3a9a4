import type { PriceTable } from '../priceTable';

const VM_SOURCE = 'https://azure.microsoft.com/en-us/pricing/details/virtual-machines/linux/';
const BATCH_SOURCE = 'https://azure.microsoft.com/en-us/pricing/details/batch/';
const AS_OF = '2026-11-30';
const REGION = 'East US';

/**
 * Pay-as-you-go Linux prices per hour (East US) of the general-purpose, compute- and
 * memory-optimised sizes R users pick most; Standard_D2s_v3 (2 vCPU, 8 GiB) is the default node.
 */
const PAYG_USD_PER_HOUR = {
  Standard_D2s_v3: 0.096,
  Standard_D4s_v3: 0.192,
  Standard_D8s_v3: 0.384,
  Standard_F2s_v2: 0.0846,
  Standard_F4s_v2: 0.169,
  Standard_E2s_v3: 0.126,
  Standard_E4s_v3: 0.252,
} as const;
/** A typical Linux Spot discount (Spot prices move with spare capacity). */
const SPOT_DISCOUNT = 0.8;

/** The VM sizes with a known price. */
export const BATCH_VM_SIZES = Object.keys(PAYG_USD_PER_HOUR) as Array<keyof typeof PAYG_USD_PER_HOUR>;
export type BatchVmSize = (typeof BATCH_VM_SIZES)[number];
export const DEFAULT_BATCH_VM_SIZE: BatchVmSize = 'Standard_D2s_v3';

export const BATCH_PRICE_IDS = {
  service: 'batch.service',
  dedicated: (size: BatchVmSize) => `batch.vm.${size}.dedicated`,
  spot: (size: BatchVmSize) => `batch.vm.${size}.spot`,
} as const;

export const BATCH_PRICES: PriceTable = {
  target: 'batch',
  label: `Azure Batch (${REGION}, Linux)`,
  prices: [
    {
      id: BATCH_PRICE_IDS.service,
      description: 'Azure Batch itself (no charge: you pay for the VMs)',
      usd: 0,
      unit: 'month',
      source: BATCH_SOURCE,
      asOf: AS_OF,
    },
    ...BATCH_VM_SIZES.flatMap((size) => [
      {
        id: BATCH_PRICE_IDS.dedicated(size),
        description: `${size} dedicated node, Linux, pay-as-you-go`,
        usd: PAYG_USD_PER_HOUR[size],
        unit: 'hour',
        region: REGION,
        source: VM_SOURCE,
        asOf: AS_OF,
        note: 'Best-known public list price; the official page shows prices only in the browser, so it was not confirmed there on this date.',
      },
      {
        id: BATCH_PRICE_IDS.spot(size),
        description: `${size} Spot node, Linux`,
        usd: Math.round(PAYG_USD_PER_HOUR[size] * (1 - SPOT_DISCOUNT) * 10_000) / 10_000,
        unit: 'hour',
        region: REGION,
        source: VM_SOURCE,
        asOf: AS_OF,
        note: `Spot prices move with spare capacity; this is ${SPOT_DISCOUNT * 100}% off the pay-as-you-go price, a typical Linux Spot discount, not a price read on this date.`,
      },
    ]),
  ],
  freeTiers: [],
  assumptions: [
    'Batch nodes are billed for every hour they exist, busy or idle: a pool that scales to zero between runs costs only while its nodes are allocated.',
    'Spot nodes can be taken back by Azure at any time; their tasks are re-queued and run again.',
    'Not counted: OS disks, the storage account, the container registry (ACR) and data transfer.',
  ],
};
