import { AppError } from '../../errors';
import type { Usage } from '../estimate';
import { BATCH_PRICE_IDS, BATCH_VM_SIZES, type BatchVmSize } from '../prices/batch';

export interface BatchUsageInput {
  vmSize: string;
  dedicatedNodes: number;
  spotNodes: number;
  /** Hours each node is allocated in the month (730 for a pool that never scales down). */
  hoursPerMonth: number;
}

/** Average hours in a month, as Azure's calculator counts them (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 3 });

function isKnownSize(size: string): size is BatchVmSize {
  return (BATCH_VM_SIZES as readonly string[]).includes(size);
}

/** Node-hours of a pool of same-lived nodes for a month, dedicated and Spot priced apart. */
export function batchMeters(input: BatchUsageInput): Usage {
  const { vmSize, dedicatedNodes, spotNodes, hoursPerMonth } = input;
  return {
    ...batchNodeHourMeters({
      vmSize,
      dedicatedNodeHours: dedicatedNodes * hoursPerMonth,
      spotNodeHours: spotNodes * hoursPerMonth,
      dedicated: `${num(dedicatedNodes)} dedicated nodes × ${num(hoursPerMonth)} h`,
      spot: `${num(spotNodes)} Spot nodes × ${num(hoursPerMonth)} h`,
    }),
    assumptions: [`Each node of ${vmSize} is allocated ${num(hoursPerMonth)} hours this month.`],
    basis: `${num(dedicatedNodes)} dedicated + ${num(spotNodes)} Spot ${vmSize} × ${num(hoursPerMonth)} h`,
  };
}

export interface BatchNodeHours {
  vmSize: string;
  dedicatedNodeHours: number;
  spotNodeHours: number;
  /** How each quantity came about, in a few words. */
  dedicated: string;
  spot: string;
}

/** Node-hours of a pool whose nodes come and go (autoscale), dedicated and Spot priced apart. */
export function batchNodeHourMeters(input: BatchNodeHours): Usage {
  const { vmSize } = input;
  if (!isKnownSize(vmSize)) {
    throw new AppError(
      'usage',
      `R Deploy has no price for the VM size "${vmSize}"; use ${BATCH_VM_SIZES.join(', ')} to see an estimate, or check the Azure pricing calculator.`,
    );
  }
  return {
    meters: [
      { priceId: BATCH_PRICE_IDS.service, quantity: 1, explanation: 'the Batch account, pools, jobs and schedules' },
      { priceId: BATCH_PRICE_IDS.dedicated(vmSize), quantity: input.dedicatedNodeHours, explanation: input.dedicated },
      { priceId: BATCH_PRICE_IDS.spot(vmSize), quantity: input.spotNodeHours, explanation: input.spot },
    ],
    assumptions: [],
    basis: `${num(input.dedicatedNodeHours)} dedicated + ${num(input.spotNodeHours)} Spot ${vmSize} node-hours`,
  };
}
