import { AppError } from '../../core/errors';

/**
 * The `schedule` setting as a Logic Apps Recurrence trigger. People write "every 1 day at
 * 02:00", "every 15 minutes", "every monday at 08:30" or a five-field cron expression; the
 * workflow gets the Recurrence the designer would make for it, in UTC.
 */
export interface Recurrence {
  frequency: 'Minute' | 'Hour' | 'Day' | 'Week' | 'Month';
  interval: number;
  timeZone: 'UTC';
  schedule?: { hours?: string[]; minutes?: number[]; weekDays?: WeekDay[] };
  /** Month: the day and time each run happens at are the start time's (the service applies a schedule's hours and minutes to Day and Week only); in the time zone, so without a "Z". */
  startTime?: string;
}

type WeekDay = 'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday';
const WEEK_DAYS: WeekDay[] = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const EXAMPLES = '"every 1 day at 02:00", "every 6 hours", "every 15 minutes", "every monday at 08:30", or a cron expression such as "0 2 * * *"';

function refuse(schedule: string, why: string): never {
  throw new AppError('usage', `The schedule ${JSON.stringify(schedule)} ${why}. Write it as ${EXAMPLES} (UTC).`);
}

const UNITS: Record<string, Recurrence['frequency']> = { minute: 'Minute', hour: 'Hour', day: 'Day', week: 'Week', month: 'Month' };
/** The largest interval the service takes per frequency (Logic Apps limits: 16 months, 71 weeks, 500 days, 12,000 hours, 72,000 minutes). */
const MAX_INTERVAL: Record<Recurrence['frequency'], number> = { Minute: 72_000, Hour: 12_000, Day: 500, Week: 71, Month: 16 };

function atTime(schedule: string, at: string | undefined): Pick<NonNullable<Recurrence['schedule']>, 'hours' | 'minutes'> {
  if (!at) return {};
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!m) refuse(schedule, `has the time "${at}", which is not HH:MM`);
  return { hours: [String(Number(m[1]))], minutes: [Number(m[2])] };
}

/** Parses the `schedule` setting; one sentence with examples when it cannot be read. */
export function parseRecurrence(schedule: string): Recurrence {
  const text = schedule.trim().toLowerCase().replace(/\s+/g, ' ');
  const every = /^every (?:(\d+) )?(minute|hour|day|week|month)s?(?: at (\S+))?$/.exec(text);
  if (every) {
    const interval = Number(every[1] ?? 1);
    const frequency = UNITS[every[2]!]!;
    if (interval < 1 || interval > MAX_INTERVAL[frequency]) refuse(schedule, `has an interval out of range (Logic Apps takes 1 to ${MAX_INTERVAL[frequency].toLocaleString('en-US')} for ${every[2]}s)`);
    if (every[3] && (frequency === 'Minute' || frequency === 'Hour')) refuse(schedule, 'gives a time of day for an interval shorter than a day');
    const times = atTime(schedule, every[3]);
    if (frequency === 'Month') return monthly(schedule, [1], times.hours?.map(Number) ?? [0], times.minutes ?? [0], interval);
    return { frequency, interval, timeZone: 'UTC', ...(every[3] ? { schedule: times } : {}) };
  }
  const weekly = /^every (sunday|monday|tuesday|wednesday|thursday|friday|saturday) at (\S+)$/.exec(text);
  if (weekly) {
    const day = WEEK_DAYS.find((d) => d.toLowerCase() === weekly[1])!;
    return { frequency: 'Week', interval: 1, timeZone: 'UTC', schedule: { weekDays: [day], ...atTime(schedule, weekly[2]) } };
  }
  if (/^[\d*/,-]+( [\d*/,-]+){4}$/.test(text)) return fromCron(schedule, text.split(' '));
  return refuse(schedule, 'is not a schedule R Deploy can read');
}

/** A number list ("0,30"), or a step from zero (a star, a slash and N) expanded, within bounds; undefined for "*". Sorted, without repeats. */
function list(schedule: string, field: string, min: number, max: number): number[] | undefined {
  if (field === '*') return undefined;
  const step = /^\*\/(\d+)$/.exec(field)?.[1];
  const values = step ? range(min, max, Number(step)) : field.split(',').map((v) => (/^\d+$/.test(v) ? Number(v) : NaN));
  if (!values.length || values.some((v) => !(v >= min && v <= max))) refuse(schedule, `has the field "${field}", which a Logic Apps recurrence cannot express (use single values, lists or */N)`);
  return [...new Set(values)].sort((a, b) => a - b);
}

const range = (min: number, max: number, step: number): number[] => (step >= 1 ? Array.from({ length: Math.floor((max - min) / step) + 1 }, (_, i) => min + i * step) : []);
const ALL_HOURS = range(0, 23, 1);

/**
 * Cron fields become a Day or Week recurrence with the hours and minutes listed: the service
 * applies a schedule's hours and minutes only to Day and Week, and an interval counts from when the
 * workflow was saved, so a step of 15 minutes must be listed (0, 15, 30, 45) to run on the clock as cron does.
 */
function fromCron(schedule: string, [minute, hour, dom, month, dow]: string[]): Recurrence {
  if (month !== '*') refuse(schedule, 'names months, which a Logic Apps recurrence cannot express');
  if (dom !== '*' && dow !== '*') refuse(schedule, 'sets both a day of the month and a day of the week');
  const minutes = list(schedule, minute!, 0, 59) ?? refuse(schedule, 'runs every minute; write "every 1 minute" if that is meant');
  const hours = (list(schedule, hour!, 0, 23) ?? ALL_HOURS).map(String);
  const at = { hours, minutes };
  if (dow !== '*') {
    const days = [...new Set(list(schedule, dow!, 0, 7)!.map((d) => WEEK_DAYS[d % 7]!))];
    return { frequency: 'Week', interval: 1, timeZone: 'UTC', schedule: { weekDays: days, ...at } };
  }
  if (dom !== '*') return monthly(schedule, list(schedule, dom!, 1, 28)!, hours.map(Number), minutes, 1);
  return { frequency: 'Day', interval: 1, timeZone: 'UTC', schedule: at };
}

/**
 * A monthly recurrence runs on its start time's day of the month and time of day: a start time in
 * the past (January 2025) fixes both without depending on today. So one day, one time; days past
 * the 28th would skip short months and are refused.
 */
function monthly(schedule: string, days: number[], hours: number[], minutes: number[], interval: number): Recurrence {
  if (days.length !== 1 || hours.length !== 1 || minutes.length !== 1) refuse(schedule, 'runs more than once a month, which a monthly Logic Apps recurrence cannot express (one day of the month, 1 to 28, at one time)');
  const two = (n: number) => String(n).padStart(2, '0');
  return { frequency: 'Month', interval, timeZone: 'UTC', startTime: `2025-01-${two(days[0]!)}T${two(hours[0]!)}:${two(minutes[0]!)}:00` };
}

const PER_MONTH: Record<Recurrence['frequency'], number> = { Minute: 43_830, Hour: 730.5, Day: 30.44, Week: 4.35, Month: 1 };

/** About how many runs a month the recurrence makes (for the cost estimate when no workload is stated). */
export function runsPerMonth(r: Recurrence): number {
  const s = r.schedule ?? {};
  const perSlot = (s.hours?.length ?? 1) * (s.minutes?.length ?? 1) * (s.weekDays?.length ?? 1);
  return Math.round((PER_MONTH[r.frequency] * perSlot) / r.interval);
}
