import { describe, expect, it } from 'vitest';
import { parseWorkload } from '../../../src/core/cost';
import { AppError } from '../../../src/core/errors';

function errorOf(input: unknown): AppError {
  try {
    parseWorkload(input);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected parseWorkload to throw');
}

describe('parseWorkload', () => {
  it('accepts what the user states, including an empty or zero workload', () => {
    expect(parseWorkload({ requestsPerMonth: 1_000_000, durationMs: 200, memoryMb: 1024 })).toEqual({
      requestsPerMonth: 1_000_000,
      durationMs: 200,
      memoryMb: 1024,
    });
    expect(parseWorkload({})).toEqual({});
    expect(parseWorkload({ requestsPerMonth: 0, runsPerMonth: 0 })).toEqual({ requestsPerMonth: 0, runsPerMonth: 0 });
  });

  it.each([
    [{ durationMs: 0 }, '--duration-ms must be a positive number of milliseconds (for example 200).'],
    [{ durationMs: -5 }, '--duration-ms must be a positive number of milliseconds (for example 200).'],
    [{ durationMs: '200' }, '--duration-ms must be a positive number of milliseconds (for example 200).'],
    [{ durationMs: Number.NaN }, '--duration-ms must be a positive number of milliseconds (for example 200).'],
    [{ requestsPerMonth: -1 }, '--requests-per-month must be a number of requests, 0 or more (for example 1000000).'],
    [{ requestsPerMonth: Number.POSITIVE_INFINITY }, '--requests-per-month must be a number of requests, 0 or more (for example 1000000).'],
    [{ runsPerMonth: null }, '--runs-per-month must be a number of runs, 0 or more (for example 30).'],
    [{ memoryMb: 0 }, '--memory-mb must be a positive number of megabytes (for example 1024).'],
  ])('refuses %j with one sentence naming the flag', (input, sentence) => {
    const e = errorOf(input);
    expect(e.code).toBe('usage');
    expect(e.message).toBe(sentence);
  });

  it('refuses unknown settings and non-objects, listing the settings it knows', () => {
    expect(errorOf({ requests: 5 }).message).toBe(
      '"requests" is not a workload setting; use --requests-per-month, --duration-ms, --runs-per-month, --memory-mb.',
    );
    expect(errorOf(42).message).toMatch(/^The workload must be an object with --requests-per-month/);
    expect(errorOf(null).code).toBe('usage');
  });
});
