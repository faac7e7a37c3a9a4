import { AppError } from '../../core/errors';

/**
 * The `schedule` setting as a Batch job schedule (2025-06-01): the service starts a job every
 * `recurrenceInterval` (an ISO 8601 duration, at least one minute) from `doNotRunUntil`, so a
 * schedule maps when its runs are evenly spaced on one clock — "every 6 hours", "every 1 day at
 * 02:00" (one day apart, first at the next 02:00 UTC), "every monday at 08:30" (seven days
 * apart), cron "*\/15 * * * *" or "0 *\/6 * * *" — and anything uneven (weekdays only, two times
 * a day 9 hours apart, days of the month, months) is refused in one sentence.
 */
export interface BatchRecurrence {
  /** Minutes between the starts of two jobs. */
  intervalMinutes: number;
  /** `schedule.recurrenceInterval`. */
  recurrenceInterval: string;
  /** Where the runs fall: minutes after Sunday 00:00 UTC, modulo the interval; absent: counted from the deploy. */
  anchorMinutes?: number;
}

const DAY = 1440;
const WEEK = 7 * DAY;
/** A Sunday, 00:00 UTC: the origin anchors are counted from. */
const ORIGIN = Date.parse('2025-01-05T00:00:00Z');
/** A year: longer intervals are surely a mistake. */
const MAX_MINUTES = 366 * DAY;

const WEEK_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const UNIT_MINUTES: Record<string, number> = { minute: 1, hour: 60, day: DAY, week: WEEK };
const EXAMPLES = '"every 1 day at 02:00", "every 6 hours", "every 15 minutes", "every monday at 08:30", or a cron expression such as "0 2 * * *" or "0 */6 * * *"';

function refuse(schedule: string, why: string): never {
  throw new AppError('usage', `The schedule ${JSON.stringify(schedule)} ${why}. Write it as ${EXAMPLES} (UTC).`);
}

/** ISO 8601 duration of whole minutes, as Batch writes them (P1D, PT6H, PT1H30M). */
export function isoMinutes(minutes: number): string {
  const d = Math.floor(minutes / DAY);
  const h = Math.floor((minutes % DAY) / 60);
  const m = minutes % 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}`;
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}

function clock(schedule: string, at: string): number {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!m) refuse(schedule, `has the time "${at}", which is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const recurrence = (intervalMinutes: number, anchorMinutes?: number): BatchRecurrence => ({
  intervalMinutes,
  recurrenceInterval: isoMinutes(intervalMinutes),
  ...(anchorMinutes !== undefined ? { anchorMinutes: anchorMinutes % intervalMinutes } : {}),
});

/** Parses the `schedule` setting; one sentence with examples when Batch cannot run it. */
export function parseBatchSchedule(schedule: string): BatchRecurrence {
  const text = schedule.trim().toLowerCase().replace(/\s+/g, ' ');
  const every = /^every (?:(\d+) )?(minute|hour|day|week|month)s?(?: at (\S+))?$/.exec(text);
  if (every) {
    if (every[2] === 'month') refuse(schedule, 'repeats monthly, which Batch cannot express: a job schedule repeats at one fixed interval and months differ in length');
    const minutes = Number(every[1] ?? 1) * UNIT_MINUTES[every[2]!]!;
    if (minutes < 1 || minutes > MAX_MINUTES) refuse(schedule, 'has an interval out of range (1 minute to 366 days)');
    if (!every[3]) return recurrence(minutes);
    if (every[2] === 'minute' || every[2] === 'hour') refuse(schedule, 'gives a time of day for an interval shorter than a day');
    if (every[2] === 'week') refuse(schedule, 'gives a time but not the day of the week (write "every monday at 08:30")');
    return recurrence(minutes, clock(schedule, every[3]));
  }
  const weekly = /^every (sunday|monday|tuesday|wednesday|thursday|friday|saturday) at (\S+)$/.exec(text);
  if (weekly) return recurrence(WEEK, WEEK_DAYS.indexOf(weekly[1]!) * DAY + clock(schedule, weekly[2]!));
  if (/^\S+( \S+){4}$/.test(text)) return fromCron(schedule, text.split(' '));
  return refuse(schedule, 'is not a schedule R Deploy can read');
}

/** A cron field's values: "*", N, N-M, lists, and steps ("*\/N", "N-M/S"), within bounds. */
function field(schedule: string, text: string, min: number, max: number): number[] {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) refuse(schedule, `has the field "${text}", which is not a cron field`);
    const from = m[1] === '*' ? min : Number(m[2]);
    const to = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (from < min || to > max || from > to || step < 1) refuse(schedule, `has the field "${text}", out of range (${min} to ${max})`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * Cron fields give every run time in a day (or in a week when days of the week are named); Batch
 * can run them when they are evenly spaced around that cycle: the interval is the spacing and
 * the first time the anchor.
 */
function fromCron(schedule: string, [minute, hour, dom, month, dow]: string[]): BatchRecurrence {
  if (month !== '*') refuse(schedule, 'names months, which Batch cannot express: a job schedule repeats at one fixed interval');
  if (dom !== '*') refuse(schedule, 'names days of the month, which Batch cannot express: a job schedule repeats at one fixed interval and months differ in length');
  const inDay = field(schedule, hour!, 0, 23).flatMap((h) => field(schedule, minute!, 0, 59).map((m) => h * 60 + m));
  const days = dow === '*' ? undefined : [...new Set(field(schedule, dow!, 0, 7).map((d) => d % 7))];
  const times = days ? days.flatMap((d) => inDay.map((t) => d * DAY + t)).sort((a, b) => a - b) : inDay;
  const cycle = days ? WEEK : DAY;
  const spacing = cycle / times.length;
  const even = Number.isInteger(spacing) && times.every((t, i) => t === times[0]! + i * spacing);
  if (!even) refuse(schedule, 'runs at uneven intervals, which Batch cannot express: a job schedule repeats at one fixed interval');
  return recurrence(spacing, times[0]);
}

/** When the first job may start: the next run time after `now` (undefined when the schedule counts from the deploy). */
export function doNotRunUntil(r: BatchRecurrence, now: Date): string | undefined {
  if (r.anchorMinutes === undefined) return undefined;
  const step = r.intervalMinutes * 60_000;
  const first = ORIGIN + r.anchorMinutes * 60_000;
  const k = Math.floor((now.getTime() - first) / step) + 1;
  return new Date(first + k * step).toISOString();
}

/** About how many jobs a month the schedule makes (for the cost estimate). */
export const jobsPerMonth = (r: BatchRecurrence): number => Math.round((30.44 * DAY) / r.intervalMinutes);
