import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * The identifiers the service hands out. Run names and workflow versions are 20 digits of
 * Int64.MaxValue minus the .NET ticks of their creation (so newer sorts first: the service's
 * "08586676746934337772206998657CU22" is a 2018 run, "08584…" one from 2025), a run name adds
 * 9 digits and the scale unit ("CU" and 2 digits).
 */

const INT64_MAX = 9223372036854775807n;
const TICKS_AT_EPOCH = 621355968000000000n;

/** 20 digits: Int64.MaxValue − ticks(now), zero-padded. */
export function reversedTicks(now = Date.now()): string {
  const ticks = TICKS_AT_EPOCH + BigInt(now) * 10000n + BigInt(randomInt(10000));
  return (INT64_MAX - ticks).toString().padStart(20, '0');
}

export function runName(now = Date.now()): string {
  const digits = Array.from({ length: 9 }, () => randomInt(10)).join('');
  return `${reversedTicks(now)}${digits}CU${String(randomInt(100)).padStart(2, '0')}`;
}

/** The 32-hex id a workflow's callback URLs carry (its "workflowId"). */
export const workflowId = () => randomBytes(16).toString('hex');

/** A workflow's access key: what its callback URLs' `sig` is made with. */
export const accessKey = () => randomBytes(32);

/** The `sig` of a shared-access URL: HMAC-SHA256 of its permission path (and expiry), base64url. */
export function signature(key: Buffer, sp: string, se = ''): string {
  return createHmac('sha256', key).update(`${sp}\n${se}`).digest('base64url');
}

export function validSignature(key: Buffer, sp: string, se: string, sig: string): boolean {
  const expected = Buffer.from(signature(key, sp, se));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
