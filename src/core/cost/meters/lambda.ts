import { AppError } from '../../errors';
import type { Meter, Usage } from '../estimate';
import { LAMBDA_PRICE_IDS } from '../prices/lambda';

export type LambdaArchitecture = 'x86_64' | 'arm64';

export interface LambdaUsageInput {
  memoryMb: number;
  architecture: LambdaArchitecture;
  requestsPerMonth: number;
  /** Average billed duration of one request. */
  durationMs: number;
  /** /tmp size; Lambda's default and free allowance is 512 MB. */
  ephemeralStorageMb?: number;
}

const FREE_EPHEMERAL_MB = 512;
const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 3 });

/** Lambda's usage for a month: requests, GB-seconds of duration, and /tmp above 512 MB. */
export function lambdaMeters(input: LambdaUsageInput): Usage {
  const { memoryMb, architecture, requestsPerMonth, durationMs } = input;
  const ephemeralMb = input.ephemeralStorageMb ?? FREE_EPHEMERAL_MB;
  // Settings are validated by the target; these guards only keep a bad call from pricing nonsense.
  if (!(memoryMb >= 128 && memoryMb <= 10_240)) {
    throw new AppError('usage', `Lambda memory must be between 128 and 10240 MB (got ${memoryMb}).`);
  }
  if (!(ephemeralMb >= 512 && ephemeralMb <= 10_240)) {
    throw new AppError('usage', `Lambda ephemeral storage must be between 512 and 10240 MB (got ${ephemeralMb}).`);
  }

  // Lambda bills duration rounded up to the millisecond, per request.
  const billedSeconds = Math.ceil(durationMs) / 1000;
  const gb = memoryMb / 1024;
  const gbSeconds = requestsPerMonth * billedSeconds * gb;
  const meters: Meter[] = [
    { priceId: LAMBDA_PRICE_IDS.request, quantity: requestsPerMonth, explanation: `${num(requestsPerMonth)} requests` },
    {
      priceId: architecture === 'arm64' ? LAMBDA_PRICE_IDS.arm : LAMBDA_PRICE_IDS.x86,
      quantity: gbSeconds,
      explanation: `${num(requestsPerMonth)} requests × ${num(billedSeconds)} s × ${num(gb)} GB`,
    },
  ];
  if (ephemeralMb > FREE_EPHEMERAL_MB) {
    const extraGb = (ephemeralMb - FREE_EPHEMERAL_MB) / 1024;
    meters.push({
      priceId: LAMBDA_PRICE_IDS.ephemeral,
      quantity: requestsPerMonth * billedSeconds * extraGb,
      explanation: `${num(requestsPerMonth)} requests × ${num(billedSeconds)} s × ${num(extraGb)} GB of /tmp above 512 MB`,
    });
  }
  return {
    meters,
    assumptions: [
      `Every request is billed for ${num(Math.ceil(durationMs))} ms (the stated average, rounded up to the millisecond) at ${memoryMb} MB on ${architecture}.`,
    ],
    basis: `${num(requestsPerMonth)} requests × ${num(durationMs)} ms at ${memoryMb} MB`,
  };
}
