import { describe, expect, it } from 'vitest';
import { costJson, estimateCost, formatCost, lambdaMeters, LAMBDA_PRICE_IDS as ID, LAMBDA_PRICES as T } from '../../../src/core/cost';
import { AppError } from '../../../src/core/errors';
import { cents, freeOf, usdOf } from './helpers';

const FREE_REQUESTS = freeOf(T, 'lambda.free.requests');
const FREE_GBS = freeOf(T, 'lambda.free.duration');

describe('Lambda estimate', () => {
  it('charges requests and GB-seconds above the free tier, at the table prices (x86_64)', () => {
    const requests = 5_000_000;
    const gbSeconds = requests * 0.2 * (1024 / 1024);
    const expected = (requests - FREE_REQUESTS) * usdOf(T, ID.request) + (gbSeconds - FREE_GBS) * usdOf(T, ID.x86);

    const e = estimateCost(lambdaMeters({ memoryMb: 1024, architecture: 'x86_64', requestsPerMonth: requests, durationMs: 200 }), T);

    expect(e.monthlyUsd).toBe(cents(expected));
    expect(e.monthlyUsd).toBeGreaterThan(0);
    expect(e.free).toBe(false);
    expect(e.lines.map((l) => [l.unit, l.quantity, l.freeQuantity])).toEqual([
      ['request', requests, FREE_REQUESTS],
      ['GB-second', gbSeconds, FREE_GBS],
    ]);
    expect(formatCost(e)).toBe(
      `about $${cents(expected).toFixed(2)} per month (5,000,000 requests × 200 ms at 1024 MB; prices of ${e.pricesAsOf})`,
    );
  });

  it('prices arm64 duration with the arm64 price, which is below x86_64', () => {
    const input = { memoryMb: 2048, requestsPerMonth: 3_000_000, durationMs: 500 } as const;
    const gbSeconds = 3_000_000 * 0.5 * 2;
    const requestsUsd = (3_000_000 - FREE_REQUESTS) * usdOf(T, ID.request);

    const arm = estimateCost(lambdaMeters({ ...input, architecture: 'arm64' }), T);
    const x86 = estimateCost(lambdaMeters({ ...input, architecture: 'x86_64' }), T);

    expect(arm.monthlyUsd).toBe(cents(requestsUsd + (gbSeconds - FREE_GBS) * usdOf(T, ID.arm)));
    expect(x86.monthlyUsd).toBe(cents(requestsUsd + (gbSeconds - FREE_GBS) * usdOf(T, ID.x86)));
    expect(arm.monthlyUsd).toBeLessThan(x86.monthlyUsd);
  });

  it('is free exactly at the free tier and not one request beyond it', () => {
    // 1,000,000 requests × 0.4 s × 1 GB = 400,000 GB-s: both allowances used to the last unit.
    const atLimit = estimateCost(lambdaMeters({ memoryMb: 1024, architecture: 'x86_64', requestsPerMonth: FREE_REQUESTS, durationMs: 400 }), T);
    expect(atLimit.lines[1]!.quantity).toBe(FREE_GBS);
    expect(atLimit.free).toBe(true);
    expect(atLimit.monthlyUsd).toBe(0);
    expect(formatCost(atLimit)).toBe(`free — within the free tier (1,000,000 requests × 400 ms at 1024 MB; prices of ${atLimit.pricesAsOf})`);

    // One more request: 1 request and 0.4 GB-s over. Tiny, so it rounds to $0.00, but it is not free.
    const over = estimateCost(lambdaMeters({ memoryMb: 1024, architecture: 'x86_64', requestsPerMonth: FREE_REQUESTS + 1, durationMs: 400 }), T);
    expect(over.free).toBe(false);
    expect(over.lines.map((l) => l.quantity - l.freeQuantity)).toEqual([1, expect.closeTo(0.4, 9)]);
    expect(over.monthlyUsd).toBe(0);
    expect(formatCost(over)).toMatch(/^less than \$0\.01 per month \(/);
  });

  it('shares the 400,000 GB-s between x86_64 and arm64 functions in the same estimate', () => {
    const x86 = lambdaMeters({ memoryMb: 1024, architecture: 'x86_64', requestsPerMonth: 300_000, durationMs: 1000 });
    const arm = lambdaMeters({ memoryMb: 1024, architecture: 'arm64', requestsPerMonth: 300_000, durationMs: 1000 });
    const e = estimateCost([...x86.meters, ...arm.meters], T);
    // 300,000 GB-s each; the allowance covers x86 first, then 100,000 of arm.
    const armBilled = 300_000 + 300_000 - FREE_GBS;
    expect(e.lines.filter((l) => l.unit === 'GB-second').map((l) => l.freeQuantity)).toEqual([300_000, FREE_GBS - 300_000]);
    expect(e.monthlyUsd).toBe(cents(armBilled * usdOf(T, ID.arm)));
  });

  it('bills duration rounded up to the millisecond', () => {
    const requests = 10_000_000;
    const e = estimateCost(lambdaMeters({ memoryMb: 512, architecture: 'x86_64', requestsPerMonth: requests, durationMs: 120.2 }), T);
    const gbSeconds = requests * 0.121 * 0.5;
    expect(e.lines[1]!.quantity).toBeCloseTo(gbSeconds, 6);
    expect(e.monthlyUsd).toBe(cents((requests - FREE_REQUESTS) * usdOf(T, ID.request) + (gbSeconds - FREE_GBS) * usdOf(T, ID.x86)));
  });

  it('charges /tmp above 512 MB, with no free tier, and nothing at the default 512 MB', () => {
    const base = { memoryMb: 1024, architecture: 'x86_64', requestsPerMonth: 2_000_000, durationMs: 1000 } as const;
    const plain = estimateCost(lambdaMeters(base), T);
    const big = estimateCost(lambdaMeters({ ...base, ephemeralStorageMb: 2048 }), T);
    expect(plain.lines).toHaveLength(2);
    const tmp = big.lines[2]!;
    const tmpGbSeconds = 2_000_000 * 1 * ((2048 - 512) / 1024);
    expect(tmp.quantity).toBe(tmpGbSeconds);
    expect(tmp.freeQuantity).toBe(0);
    expect(big.monthlyUsd).toBe(cents(plain.lines[0]!.usd + plain.lines[1]!.usd + tmpGbSeconds * usdOf(T, ID.ephemeral)));
  });

  it('costs nothing for a zero workload', () => {
    const e = estimateCost(lambdaMeters({ memoryMb: 1024, architecture: 'x86_64', requestsPerMonth: 0, durationMs: 200 }), T);
    expect(e.monthlyUsd).toBe(0);
    expect(e.free).toBe(true);
    expect(formatCost(e)).toBe(`no charge (0 requests × 200 ms at 1024 MB; prices of ${e.pricesAsOf})`);
    expect(costJson(e).monthlyUsd).toBe(0);
  });

  it('refuses memory Lambda does not offer, in one sentence', () => {
    const call = () => lambdaMeters({ memoryMb: 64, architecture: 'x86_64', requestsPerMonth: 1, durationMs: 1 });
    expect(call).toThrow(AppError);
    expect(call).toThrow('Lambda memory must be between 128 and 10240 MB (got 64).');
  });

  it('states its assumptions: the shared free tier and the billed init time of the custom runtime', () => {
    const e = estimateCost(lambdaMeters({ memoryMb: 1024, architecture: 'arm64', requestsPerMonth: 1, durationMs: 1 }), T);
    expect(e.assumptions.join('\n')).toMatch(/per AWS account and shared/);
    expect(e.assumptions.join('\n')).toMatch(/provided\.al2023/);
    expect(e.assumptions[0]).toMatch(/1 ms .* at 1024 MB on arm64/);
  });
});
