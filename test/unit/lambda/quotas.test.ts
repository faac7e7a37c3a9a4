import { describe, expect, it } from 'vitest';
import {
  checkImageQuotas,
  checkPayload,
  checkZipQuotas,
  LAMBDA_QUOTAS,
  uploadMethod,
  type ZipQuotaInput,
} from '../../../src/targets/lambda/package/quotas';

// Every boundary below is written out by hand from the quotas page, not read back from
// LAMBDA_QUOTAS, so a wrong constant fails here.
const MB = 1_048_576;
const UNZIPPED_MAX = 262_144_000; // 250 MB
const SYNC_MAX = 6_291_456; // 6 MB
const ASYNC_MAX = 1_048_576; // 1 MB

const layer = (name: string, unzippedBytes = 10 * MB, zippedBytes = 3 * MB) => ({ name, zippedBytes, unzippedBytes });

function input(over: Partial<ZipQuotaInput> = {}): ZipQuotaInput {
  return {
    function: { zippedBytes: 20_000, unzippedBytes: 60_000 },
    layers: [layer('01-r'), layer('02-packages')],
    memoryMb: 1024,
    timeoutSeconds: 30,
    ...over,
  };
}

describe('checkZipQuotas', () => {
  it('passes a package inside every quota and plans a direct upload for each artefact', () => {
    const report = checkZipQuotas(input());
    expect(report).toEqual({
      ok: true,
      problems: [],
      uploads: [
        { name: 'function', kind: 'function', zippedBytes: 20_000, upload: 'direct' },
        { name: '01-r', kind: 'layer', zippedBytes: 3 * MB, upload: 'direct' },
        { name: '02-packages', kind: 'layer', zippedBytes: 3 * MB, upload: 'direct' },
      ],
    });
  });

  it('takes 5 layers and refuses 6 with the service text and the image-mode way out', () => {
    const five = Array.from({ length: 5 }, (_, i) => layer(`0${i + 1}-l`));
    expect(checkZipQuotas(input({ layers: five })).ok).toBe(true);

    const six = [...five, layer('06-l')];
    const report = checkZipQuotas(input({ layers: six }));
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]!.code).toBe('too-many-layers');
    expect(report.problems[0]!.message).toMatch(/^Cannot reference more than 5 layers\. This package has 6, /);
    expect(report.problems[0]!.message).toMatch(/R Deploy can deploy it as a container image instead: --set packageType=image\.$/);
    // Too many layers is still a plan: every artefact keeps its upload method.
    expect(report.uploads).toHaveLength(7);
  });

  it('takes function + layers of exactly 262,144,000 bytes unzipped and refuses one byte more', () => {
    // 60,000 (function) + 100,000,000 + rest = 262,144,000.
    const exact = input({ layers: [layer('01-r', 100_000_000), layer('02-packages', 162_084_000)] });
    expect(checkZipQuotas(exact).ok).toBe(true);

    const over = input({ layers: [layer('01-r', 100_000_000), layer('02-packages', 162_084_001)] });
    const report = checkZipQuotas(over);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toEqual(['unzipped-too-large']);
    expect(report.problems[0]!.message).toBe(
      `Function code combined with layers exceeds the maximum allowed size of ${UNZIPPED_MAX} bytes. ` +
        `The actual size is ${UNZIPPED_MAX + 1} bytes. ` +
        'Drop packages the handler does not need or strip the libraries (docs, help, tests, debug symbols); ' +
        'R Deploy can deploy it as a container image instead: --set packageType=image.',
    );
  });

  it('counts the function code in the 250 MB, not only the layers', () => {
    const report = checkZipQuotas(input({ function: { zippedBytes: 1000, unzippedBytes: UNZIPPED_MAX + 1 }, layers: [] }));
    expect(report.problems.map((p) => p.code)).toEqual(['unzipped-too-large']);
  });

  it('checks memory from 128 to 10,240 MB and the timeout up to 900 s, inclusive', () => {
    for (const memoryMb of [128, 10_240]) expect(checkZipQuotas(input({ memoryMb })).ok).toBe(true);
    for (const memoryMb of [127, 10_241, 512.5]) {
      expect(checkZipQuotas(input({ memoryMb })).problems.map((p) => p.code)).toEqual(['memory-out-of-range']);
    }
    for (const timeoutSeconds of [1, 900]) expect(checkZipQuotas(input({ timeoutSeconds })).ok).toBe(true);
    for (const timeoutSeconds of [0, 901]) {
      expect(checkZipQuotas(input({ timeoutSeconds })).problems.map((p) => p.code)).toEqual(['timeout-out-of-range']);
    }
  });

  it('reports every problem at once, each message one line', () => {
    const report = checkZipQuotas(
      input({ layers: Array.from({ length: 6 }, (_, i) => layer(`l${i}`, 50_000_000)), memoryMb: 64, timeoutSeconds: 3600 }),
    );
    expect(report.problems.map((p) => p.code)).toEqual([
      'too-many-layers',
      'unzipped-too-large',
      'memory-out-of-range',
      'timeout-out-of-range',
    ]);
    for (const p of report.problems) expect(p.message).not.toMatch(/\n/);
  });

  it('refuses a size that is not a whole number of bytes rather than letting NaN pass', () => {
    expect(() => checkZipQuotas(input({ function: { zippedBytes: Number.NaN, unzippedBytes: 1 } }))).toThrow(/whole number of bytes/);
    expect(() => checkZipQuotas(input({ layers: [layer('x', -1)] }))).toThrow(/size of x/);
  });
});

describe('uploadMethod (50 MB direct, otherwise S3)', () => {
  // The service refuses a direct upload with "Request must be smaller than 69905067 bytes for the
  // UpdateFunctionCode operation": 69,905,067 = ceil(50 MB × 4/3), the request's base64 text. A zip
  // of exactly 50 MB (52,428,800 bytes) is 4 × ceil(52,428,800 / 3) = 69,905,068 bytes of base64 on
  // its own, so it cannot go direct; the last direct size leaves 64 KiB for the rest of the request:
  // 4 × ceil(n / 3) + 65,536 < 69,905,067  ⇔  ceil(n / 3) ≤ 17,459,882  ⇔  n ≤ 52,379,646.
  const LAST_DIRECT = 52_379_646;

  it('goes direct up to the last size whose request fits, and through S3 from one byte more', () => {
    expect(uploadMethod(0)).toBe('direct');
    expect(uploadMethod(LAST_DIRECT)).toBe('direct');
    expect(uploadMethod(LAST_DIRECT + 1)).toBe('s3');
  });

  it('sends a zip of exactly 50 MB, and 50 MB + 1, through S3', () => {
    expect(uploadMethod(50 * MB)).toBe('s3');
    expect(uploadMethod(50 * MB + 1)).toBe('s3');
    expect(uploadMethod(49 * MB)).toBe('direct');
  });

  it('plans each artefact on its own, and an S3 upload is not a problem', () => {
    const report = checkZipQuotas(
      input({ function: { zippedBytes: 1000, unzippedBytes: 4000 }, layers: [layer('01-r', 200_000_000, 60 * MB), layer('02-p', 40_000_000, 10 * MB)] }),
    );
    expect(report.ok).toBe(true);
    expect(report.uploads.map((u) => [u.name, u.upload])).toEqual([
      ['function', 'direct'],
      ['01-r', 's3'],
      ['02-p', 'direct'],
    ]);
  });
});

describe('checkImageQuotas', () => {
  const GB10 = 10_737_418_240; // 10 × 1024 MB

  it('takes an image of exactly 10 GB and refuses one byte more', () => {
    expect(checkImageQuotas({ imageBytes: GB10, memoryMb: 2048, timeoutSeconds: 60 })).toEqual({ ok: true, uploads: [], problems: [] });
    const report = checkImageQuotas({ imageBytes: GB10 + 1, memoryMb: 2048, timeoutSeconds: 60 });
    expect(report.problems.map((p) => p.code)).toEqual(['image-too-large']);
    expect(report.problems[0]!.message).toContain(`${GB10 + 1} bytes`);
  });

  it('checks the same memory and timeout quotas', () => {
    const report = checkImageQuotas({ imageBytes: 1, memoryMb: 10_241, timeoutSeconds: 901 });
    expect(report.problems.map((p) => p.code)).toEqual(['memory-out-of-range', 'timeout-out-of-range']);
  });
});

describe('checkPayload', () => {
  it('takes 6,291,456 bytes synchronously and refuses one more in the service words', () => {
    expect(checkPayload(SYNC_MAX, 'RequestResponse')).toBeUndefined();
    const problem = checkPayload(SYNC_MAX + 1, 'RequestResponse');
    expect(problem?.code).toBe('payload-too-large');
    expect(problem?.message).toMatch(/^Request must be smaller than 6291456 bytes for the InvokeFunction operation; this payload is 6291457 bytes, /);
  });

  it('takes 1,048,576 bytes for an Event invoke and refuses one more, suggesting a synchronous invoke', () => {
    expect(checkPayload(ASYNC_MAX, 'Event')).toBeUndefined();
    const problem = checkPayload(ASYNC_MAX + 1, 'Event');
    expect(problem?.message).toMatch(/^Request must be smaller than 1048576 bytes for the InvokeFunction operation; /);
    expect(problem?.message).toContain('invoke it synchronously');
  });

  it('lets a 2 MB payload through synchronously but not as an Event', () => {
    expect(checkPayload(2 * MB, 'RequestResponse')).toBeUndefined();
    expect(checkPayload(2 * MB, 'Event')?.code).toBe('payload-too-large');
  });

  it('agrees with the limits table', () => {
    expect([LAMBDA_QUOTAS.maxSyncPayloadBytes, LAMBDA_QUOTAS.maxAsyncPayloadBytes, LAMBDA_QUOTAS.maxUnzippedBytes]).toEqual([
      SYNC_MAX,
      ASYNC_MAX,
      UNZIPPED_MAX,
    ]);
  });
});
