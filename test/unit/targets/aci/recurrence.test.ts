import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/core/errors';
import { parseRecurrence, runsPerMonth, type Recurrence } from '../../../../src/targets/aci/recurrence';

// The `schedule` setting as a Logic Apps Recurrence trigger (UTC), and the runs a month it makes
// for the cost estimate.
const EXAMPLES = '"every 1 day at 02:00", "every 6 hours", "every 15 minutes", "every monday at 08:30", or a cron expression such as "0 2 * * *"';

describe('parseRecurrence', () => {
  const accepted: Array<[string, Recurrence, number]> = [
    ['every 1 day at 02:00', { frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: { hours: ['2'], minutes: [0] } }, 30],
    ['every 6 hours', { frequency: 'Hour', interval: 6, timeZone: 'UTC' }, 122],
    ['every 15 minutes', { frequency: 'Minute', interval: 15, timeZone: 'UTC' }, 2_922],
    ['every monday at 08:30', { frequency: 'Week', interval: 1, timeZone: 'UTC', schedule: { weekDays: ['Monday'], hours: ['8'], minutes: [30] } }, 4],
    ['0 2 * * *', { frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: { hours: ['2'], minutes: [0] } }, 30],
    ['0 8 * * 1', { frequency: 'Week', interval: 1, timeZone: 'UTC', schedule: { weekDays: ['Monday'], hours: ['8'], minutes: [0] } }, 4],
    // Monthly: the service applies a schedule's hours and minutes to Day and Week only; a month runs on its start time's day and time.
    ['0 6 1 * *', { frequency: 'Month', interval: 1, timeZone: 'UTC', startTime: '2025-01-01T06:00:00' }, 1],
    ['every month at 02:30', { frequency: 'Month', interval: 1, timeZone: 'UTC', startTime: '2025-01-01T02:30:00' }, 1],
    ['15 23 28 * *', { frequency: 'Month', interval: 1, timeZone: 'UTC', startTime: '2025-01-28T23:15:00' }, 1],
    // Beyond the documented examples: plain words, lists, Sunday as 7.
    ['every day', { frequency: 'Day', interval: 1, timeZone: 'UTC' }, 30],
    ['every 2 weeks at 23:59', { frequency: 'Week', interval: 2, timeZone: 'UTC', schedule: { hours: ['23'], minutes: [59] } }, 2],
    ['0,30 8,17 * * *', { frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: { hours: ['8', '17'], minutes: [0, 30] } }, 122],
    ['15 9 * * 7', { frequency: 'Week', interval: 1, timeZone: 'UTC', schedule: { weekDays: ['Sunday'], hours: ['9'], minutes: [15] } }, 4],
  ];
  it.each(accepted)('"%s" is the Recurrence the designer would make', (schedule, recurrence, perMonth) => {
    expect(parseRecurrence(schedule)).toEqual(recurrence);
    expect(runsPerMonth(parseRecurrence(schedule))).toBe(perMonth);
  });

  it('reads case and spacing loosely', () => {
    expect(parseRecurrence('  Every   1 DAY at 02:00 ')).toEqual(parseRecurrence('every 1 day at 02:00'));
    expect(parseRecurrence('EVERY MONDAY AT 8:30')).toEqual(parseRecurrence('every monday at 08:30'));
  });

  // Cron fields are wall-clock times ("*/15" is :00, :15, :30, :45). A Minute or Hour recurrence
  // without a start time counts from when the workflow is saved ("starts immediately, then
  // calculates future recurrences based on the last run time"), and a schedule's hours and minutes
  // apply to Day and Week only: clock-aligned, the designer writes Day with the hours and minutes listed.
  const ALL_HOURS = Array.from({ length: 24 }, (_, i) => String(i));
  const clockAligned: Array<[string, Recurrence, number]> = [
    ['*/15 * * * *', { frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: { hours: ALL_HOURS, minutes: [0, 15, 30, 45] } }, 2_922],
    ['30 */2 * * *', { frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: { hours: ALL_HOURS.filter((h) => Number(h) % 2 === 0), minutes: [30] } }, 365],
    ['5 * * * *', { frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: { hours: ALL_HOURS, minutes: [5] } }, 731],
    ['0 */5 * * *', { frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: { hours: ['0', '5', '10', '15', '20'], minutes: [0] } }, 152],
    ['*/20 9 * * 1', { frequency: 'Week', interval: 1, timeZone: 'UTC', schedule: { weekDays: ['Monday'], hours: ['9'], minutes: [0, 20, 40] } }, 13],
    // */60 is minute 0 only, as in cron.
    ['*/60 * * * *', { frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: { hours: ALL_HOURS, minutes: [0] } }, 731],
  ];
  it.each(clockAligned)('"%s" runs on the clock as cron does: a Day or Week recurrence with its times listed', (schedule, recurrence, perMonth) => {
    expect(parseRecurrence(schedule)).toEqual(recurrence);
    expect(runsPerMonth(parseRecurrence(schedule))).toBe(perMonth);
  });

  it('refuses a monthly schedule that runs more than once a month, or past the 28th (short months would skip it)', () => {
    for (const schedule of ['0 0 */10 * *', '0 6 1,15 * *', '0 6,18 1 * *', '0 6 31 * *']) expect(() => parseRecurrence(schedule)).toThrow(AppError);
    expect(() => parseRecurrence('0 6 1,15 * *')).toThrow(/one day of the month, 1 to 28, at one time/);
  });

  it('lists each time and week day once, in order (Sunday is 0 and 7)', () => {
    expect(parseRecurrence('30,0,30 17,8 * * *').schedule).toEqual({ hours: ['8', '17'], minutes: [0, 30] });
    expect(parseRecurrence('0 8 * * 0,7').schedule).toEqual({ weekDays: ['Sunday'], hours: ['8'], minutes: [0] });
    expect(parseRecurrence('0 8 * * 5,1,1').schedule).toEqual({ weekDays: ['Monday', 'Friday'], hours: ['8'], minutes: [0] });
    expect(runsPerMonth(parseRecurrence('0 8 * * 0,7'))).toBe(4);
  });

  // The service's bounds per frequency (Recurrence trigger reference): the setting is refused, not the deploy.
  const bounds: Array<[string, number, string]> = [
    ['minutes', 72_000, '72,000'],
    ['hours', 12_000, '12,000'],
    ['days', 500, '500'],
    ['weeks', 71, '71'],
    ['months', 16, '16'],
  ];
  it.each(bounds)('takes every 1 to %s %s, and names the bound past it', (unit, max, shown) => {
    expect(parseRecurrence(`every ${max} ${unit}`).interval).toBe(max);
    expect(parseRecurrence(`every 1 ${unit}`).interval).toBe(1);
    expect(() => parseRecurrence(`every ${max + 1} ${unit}`)).toThrow(`has an interval out of range (Logic Apps takes 1 to ${shown} for ${unit})`);
    expect(() => parseRecurrence(`every 0 ${unit}`)).toThrow(`has an interval out of range (Logic Apps takes 1 to ${shown} for ${unit})`);
  });

  const refused: Array<[string, string]> = [
    ['whenever', 'is not a schedule R Deploy can read'],
    ['every 0 days', 'has an interval out of range (Logic Apps takes 1 to 500 for days)'],
    ['every 600 days', 'has an interval out of range (Logic Apps takes 1 to 500 for days)'],
    ['every 72 weeks', 'has an interval out of range (Logic Apps takes 1 to 71 for weeks)'],
    ['every 72001 minutes', 'has an interval out of range (Logic Apps takes 1 to 72,000 for minutes)'],
    ['every 6 hours at 02:00', 'gives a time of day for an interval shorter than a day'],
    ['every 1 day at 25:00', 'has the time "25:00", which is not HH:MM'],
    ['every monday at 8am', 'has the time "8am", which is not HH:MM'],
    ['0 2 * 1 *', 'names months, which a Logic Apps recurrence cannot express'],
    ['* * * * *', 'runs every minute; write "every 1 minute" if that is meant'],
    ['0 1-5 * * *', 'has the field "1-5", which a Logic Apps recurrence cannot express (use single values, lists or */N)'],
    ['60 2 * * *', 'has the field "60", which a Logic Apps recurrence cannot express (use single values, lists or */N)'],
    ['0 8 * * 8', 'has the field "8", which a Logic Apps recurrence cannot express (use single values, lists or */N)'],
    ['*/0 * * * *', 'has the field "*/0", which a Logic Apps recurrence cannot express (use single values, lists or */N)'],
    ['0/15 * * * *', 'has the field "0/15", which a Logic Apps recurrence cannot express (use single values, lists or */N)'],
    ['0 2 1 * 1', 'sets both a day of the month and a day of the week'],
    ['0 2 * *', 'is not a schedule R Deploy can read'],
  ];
  it.each(refused)('refuses "%s": it %s', (schedule, why) => {
    let error: unknown;
    try {
      parseRecurrence(schedule);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('usage');
    // One sentence on what is wrong, one with the forms to use.
    expect((error as AppError).message).toBe(`The schedule ${JSON.stringify(schedule)} ${why}. Write it as ${EXAMPLES} (UTC).`);
  });
});

describe('runsPerMonth', () => {
  it('multiplies the schedule\'s slots and divides by the interval', () => {
    expect(runsPerMonth({ frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: { hours: ['8', '17'], minutes: [0] } })).toBe(61);
    expect(runsPerMonth({ frequency: 'Week', interval: 1, timeZone: 'UTC', schedule: { weekDays: ['Monday', 'Wednesday', 'Friday'], hours: ['8'], minutes: [0] } })).toBe(13);
    expect(runsPerMonth({ frequency: 'Month', interval: 2, timeZone: 'UTC', startTime: '2025-01-01T00:00:00' })).toBe(1);
    expect(runsPerMonth({ frequency: 'Hour', interval: 1, timeZone: 'UTC' })).toBe(731);
    expect(runsPerMonth({ frequency: 'Minute', interval: 1, timeZone: 'UTC' })).toBe(43_830);
  });
});
