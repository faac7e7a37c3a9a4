import { AwsError } from './faults';

/**
 * EventBridge Scheduler's ScheduleExpression: `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` with
 * a positive integer and minute(s)/hour(s)/day(s), or `cron(minutes hours day-of-month month
 * day-of-week year)` — six fields, with `?` in exactly one of the two day fields. Anything else
 * is refused with the service's "Invalid Schedule Expression <expression>." ValidationException.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
export function checkScheduleExpression(expression: string): void {
  if (!isValid(expression)) throw new AwsError(400, 'ValidationException', `Invalid Schedule Expression ${expression}.`);
}

function isValid(expression: string): boolean {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) return Number(rate[1]) >= 1;
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [number, number, number, number, number, number];
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return false;
  const fields = (cron[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6 || !fields.every((f) => /^[0-9A-Za-z*?,/#-]+$/.test(f))) return false;
  const dayOfMonth = fields[2];
  const dayOfWeek = fields[4];
  return (dayOfMonth === '?') !== (dayOfWeek === '?');
}
