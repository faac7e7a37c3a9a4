import type { PriceTable } from '../priceTable';

const VM_SOURCE = 'https://azure.microsoft.com/en-us/pricing/details/virtual-machines/linux/';
const BATCH_SOURCE = 'https://azure.microsoft.com/en-us/pricing/details/batch/';
const AS_OF = '2026-11-30';
const REGION = 'East US';

/** The VM sizes with a known price; Standard_D2s_v3 (2 vCPU, 8 GiB) is the default node size. */
export const BATCH_VM_SIZES = ['Standard_D2s_v3'] as const;
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
    {
      id: BATCH_PRICE_IDS.dedicated('Standard_D2s_v3'),
      description: 'Standard_D2s_v3 dedicated node, Linux, pay-as-you-go',
      usd: 0.096,
      unit: 'hour',
      region: REGION,
      source: VM_SOURCE,
      asOf: AS_OF,
      note: 'Best-known public list price; the official page shows prices only in the browser, so it was not confirmed there on this date.',
    },
    {
      id: BATCH_PRICE_IDS.spot('Standard_D2s_v3'),
      description: 'Standard_D2s_v3 Spot node, Linux',
      usd: 0.0192,
      unit: 'hour',
      region: REGION,
      source: VM_SOURCE,
      asOf: AS_OF,
      note: 'Spot prices move with spare capacity; this is 80% off the pay-as-you-go price, a typical Linux Spot discount, not a price read on this date.',
    },
  ],
  freeTiers: [],
  assumptions: [
    'Batch nodes are billed for every hour they exist, busy or idle: a pool that scales to zero between runs costs only while its nodes are allocated.',
    'Spot nodes can be taken back by Azure at any time; their tasks are re-queued and run again.',
    'Not counted: OS disks, the storage account, the container registry (ACR) and data transfer.',
  ],
};
