/** Durations as the definition language writes them. */

const ISO = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO 8601 duration ("PT1H", "P1DT30M", "PT7.5S") in milliseconds; undefined when it is not
 * one. Months count 30 days and years 365, as a timeout needs no calendar.
 */
export function isoDurationMs(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, y, mo, w, d, h, mi, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  const days = y! * 365 + mo! * 30 + w! * 7 + d!;
  return Math.round((((days * 24 + h!) * 60 + mi!) * 60 + s!) * 1000);
}

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 2_592_000_000,
};

/** A Wait action's `interval: { count, unit }` in milliseconds; undefined when not valid. */
export function intervalMs(count: unknown, unit: unknown): number | undefined {
  const per = typeof unit === 'string' ? UNIT_MS[unit.toLowerCase()] : undefined;
  const n = typeof count === 'string' ? Number(count) : count;
  if (per === undefined || typeof n !== 'number' || !Number.isFinite(n) || n < 0) return undefined;
  return n * per;
}
