/**
 * The formula language's types (batch-automatic-scaling, "Types"): double, doubleVec, string,
 * timestamp (with year, month, day, weekday, hour, minute, second), timeinterval, plus the
 * service's metric objects ($PendingTasks…) that only their methods can read.
 */
export type Value =
  | { t: 'double'; v: number }
  | { t: 'vec'; v: number[] }
  | { t: 'string'; v: string }
  | { t: 'timestamp'; ms: number }
  | { t: 'interval'; ms: number }
  | { t: 'metric'; name: string };

/**
 * An evaluation the service ends with an error in its AutoScaleRun. `insufficient` marks the one
 * whose wording Microsoft documents (InsufficientSampleData); the position is filled in by the
 * evaluator at the call that failed.
 */
export class FormulaEvaluationError extends Error {
  line?: number;
  column?: number;

  constructor(
    message: string,
    readonly insufficient = false,
  ) {
    super(message);
    this.name = 'FormulaEvaluationError';
  }
}

export const double = (v: number): Value => ({ t: 'double', v });
export const interval = (ms: number): Value => ({ t: 'interval', ms });

export const TIME_INTERVALS: Record<string, number> = {
  TimeInterval_Zero: 0,
  TimeInterval_100ns: 0.0001,
  TimeInterval_Microsecond: 0.001,
  TimeInterval_Millisecond: 1,
  TimeInterval_Second: 1000,
  TimeInterval_Minute: 60_000,
  TimeInterval_Hour: 3_600_000,
  TimeInterval_Day: 86_400_000,
  TimeInterval_Week: 7 * 86_400_000,
  TimeInterval_Year: 365 * 86_400_000,
};

export function typeName(value: Value): string {
  return { double: 'double', vec: 'doubleVec', string: 'string', timestamp: 'timestamp', interval: 'timeinterval', metric: 'metric' }[value.t];
}

export function asDouble(value: Value, what: string): number {
  if (value.t === 'double') return value.v;
  throw new FormulaEvaluationError(`${what} must be a double, not a ${typeName(value)}`);
}

/** A doubleVecList flattened (batch-automatic-scaling: "converted to a single doubleVec before evaluation"). */
export function flatten(values: Value[], fn: string): number[] {
  return values.flatMap((value) => {
    if (value.t === 'double') return [value.v];
    if (value.t === 'vec') return value.v;
    throw new FormulaEvaluationError(`${fn}() takes doubles and doubleVecs, not a ${typeName(value)}`);
  });
}

/** How a value appears in AutoScaleRun.results (`$TargetDedicatedNodes=2;$curTime=2016-10-13T19:18:47.805Z;…`). */
export function formatValue(value: Value): string {
  switch (value.t) {
    case 'double':
      return formatNumber(value.v);
    case 'vec':
      return `[${value.v.map(formatNumber).join(',')}]`;
    case 'string':
      return value.v;
    case 'timestamp':
      return new Date(value.ms).toISOString();
    case 'interval':
      return formatInterval(value.ms);
    case 'metric':
      return value.name;
  }
}

/** Doubles as .NET prints them: integers bare, others with up to 15 significant digits. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

/** A timeinterval as .NET's TimeSpan prints one: [-][d.]hh:mm:ss[.fffffff]. */
function formatInterval(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const fraction = Math.round((rest - s * 1000) * 10_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${sign}${days > 0 ? `${days}.` : ''}${pad(h)}:${pad(m)}:${pad(s)}${fraction > 0 ? `.${String(fraction).padStart(7, '0')}` : ''}`;
}
