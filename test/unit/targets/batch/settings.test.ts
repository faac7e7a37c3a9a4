// The batch target's settings (targets.batch and --set), and the schedule as a Batch job
// schedule: what maps to a recurrence interval, where its runs fall, and what is refused in one sentence.
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../../src/targets/config';
import { batchDefaults, BatchSettingsSchema } from '../../../../src/targets/batch/settings';
import { doNotRunUntil, isoMinutes, jobsPerMonth, parseBatchSchedule } from '../../../../src/targets/batch/schedule';

describe('batch settings', () => {
  it('takes the documented keys from --set, typed, and fills the defaults', () => {
    const s = resolveSettings('batch', {}, ['account=rdeployacct', 'registry=myreg.azurecr.io', 'vmSize=Standard_D4s_v5', 'minNodes=1', 'maxNodes=8', 'spot=true', 'taskSlotsPerNode=4', 'schedule=every 1 day at 02:00', 'image=microsoft-dsvm/ubuntu-hpc/2404', 'autoscale=scaleToZero', 'location=westeurope']);
    expect(s).toEqual({ account: 'rdeployacct', registry: 'myreg.azurecr.io', vmSize: 'Standard_D4s_v5', minNodes: 1, maxNodes: 8, spot: true, taskSlotsPerNode: 4, schedule: 'every 1 day at 02:00', image: 'microsoft-dsvm/ubuntu-hpc/2404', autoscale: 'scaleToZero', location: 'westeurope' });
    expect(batchDefaults({})).toEqual({ vmSize: 'Standard_D2s_v3', minNodes: 0, maxNodes: 4, spot: false, taskSlotsPerNode: 1, autoscale: 'queue', cloud: 'AzureCloud' });
    // A minimum above the default maximum raises the maximum rather than failing.
    expect(batchDefaults(BatchSettingsSchema.parse({ minNodes: 6 }))).toMatchObject({ minNodes: 6, maxNodes: 6 });
  });

  it.each([
    ['minNodes=5', 'maxNodes=2', /^The batch setting "minNodes" is invalid: minNodes must not be more than maxNodes\./],
    ['maxNodes=500', undefined, /^The batch setting "maxNodes" is invalid: .*100/],
    ['taskSlotsPerNode=0', undefined, /^The batch setting "taskSlotsPerNode" is invalid/],
    ['spot=yes', undefined, /^The batch setting "spot" is invalid/],
    ['autoscale=cpu', undefined, /^The batch setting "autoscale" is invalid: .*"queue"/],
    ['image=ubuntu-hpc', undefined, /^The batch setting "image" is invalid: a marketplace image as publisher\/offer\/sku/],
    ['vmSize=D2', undefined, /^The batch setting "vmSize" is invalid: an Azure VM size/],
    ['schedule=0 9 * * 1-5', undefined, /^The batch setting "schedule" is invalid: an evenly spaced schedule/],
    ['account=My_Account', undefined, /^The batch setting "account" is invalid: a Batch account name/],
  ])('%s %s is refused in one sentence', (a, b, message) => {
    expect(() => resolveSettings('batch', {}, b ? [a, b] : [a])).toThrow(message);
  });
});

describe('the schedule as a Batch job schedule', () => {
  it.each([
    ['every 6 hours', 'PT6H', undefined],
    ['every 15 minutes', 'PT15M', undefined],
    ['every 90 minutes', 'PT1H30M', undefined],
    ['every 1 day at 02:00', 'P1D', 120],
    ['every 2 days at 23:30', 'P2D', 1410],
    ['every monday at 08:30', 'P7D', 1440 + 510],
    ['every 2 weeks', 'P14D', undefined],
    ['0 2 * * *', 'P1D', 120],
    ['*/15 * * * *', 'PT15M', 0],
    ['5 */6 * * *', 'PT6H', 5],
    ['0 0,12 * * *', 'PT12H', 0],
    ['30 8 * * 1', 'P7D', 1440 + 510],
    ['0 3 * * 0,7', 'P7D', 180],
    ['* * * * *', 'PT1M', 0],
  ])('"%s" → every %s, anchored at %s min after Sunday 00:00 UTC', (text, interval, anchor) => {
    const r = parseBatchSchedule(text);
    expect(r.recurrenceInterval).toBe(interval);
    expect(r.anchorMinutes).toBe(anchor);
  });

  it.each([
    ['0 9 * * 1-5', /^The schedule "0 9 \* \* 1-5" runs at uneven intervals, which Batch cannot express: a job schedule repeats at one fixed interval\. Write it as/],
    ['0 9,18 * * *', /runs at uneven intervals/],
    ['0 2 1 * *', /names days of the month, which Batch cannot express/],
    ['0 2 * 6 *', /names months/],
    ['every 1 month', /repeats monthly, which Batch cannot express/],
    ['every 2 hours at 03:00', /gives a time of day for an interval shorter than a day/],
    ['every 2 weeks at 08:00', /gives a time but not the day of the week/],
    ['every 1 day at 25:00', /has the time "25:00", which is not HH:MM/],
    ['every 400 days', /out of range/],
    ['61 * * * *', /out of range \(0 to 59\)/],
    ['tomorrow', /is not a schedule R Deploy can read/],
  ])('"%s" is refused in one sentence', (text, message) => {
    expect(() => parseBatchSchedule(text)).toThrow(message);
    expect(() => parseBatchSchedule(text)).toThrow(/\(UTC\)\.$/);
  });

  it('the first job starts at the next run time after the deploy; unanchored schedules start at once', () => {
    const now = new Date('2026-10-14T10:17:00Z'); // a Wednesday
    expect(doNotRunUntil(parseBatchSchedule('every 1 day at 02:00'), now)).toBe('2026-10-15T02:00:00.000Z');
    expect(doNotRunUntil(parseBatchSchedule('0 2 * * *'), new Date('2026-10-14T01:59:00Z'))).toBe('2026-10-14T02:00:00.000Z');
    expect(doNotRunUntil(parseBatchSchedule('every monday at 08:30'), now)).toBe('2026-10-19T08:30:00.000Z');
    expect(doNotRunUntil(parseBatchSchedule('*/15 * * * *'), now)).toBe('2026-10-14T10:30:00.000Z');
    expect(doNotRunUntil(parseBatchSchedule('5 */6 * * *'), now)).toBe('2026-10-14T12:05:00.000Z');
    // Exactly on a run time: the next one (the schedule is made after that instant).
    expect(doNotRunUntil(parseBatchSchedule('0 2 * * *'), new Date('2026-10-14T02:00:00Z'))).toBe('2026-10-15T02:00:00.000Z');
    expect(doNotRunUntil(parseBatchSchedule('every 6 hours'), now)).toBeUndefined();
  });

  it('about how many jobs a month (for the cost estimate)', () => {
    expect(['every 1 day at 02:00', 'every monday at 08:30', '*/15 * * * *', 'every 6 hours'].map((t) => jobsPerMonth(parseBatchSchedule(t)))).toEqual([30, 4, 2922, 122]);
  });

  it('durations are written as Batch writes them', () => {
    expect([1, 60, 61, 1440, 1441, 10080].map(isoMinutes)).toEqual(['PT1M', 'PT1H', 'PT1H1M', 'P1D', 'P1DT1M', 'P7D']);
  });
});
