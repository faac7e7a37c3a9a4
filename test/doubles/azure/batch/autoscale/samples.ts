import { FormulaEvaluationError, typeName, type Value } from './values';

/**
 * The metric objects' sample history and methods (batch-automatic-scaling, "Obtain sample
 * data"): a sample every 30 seconds; GetSample(count) takes the newest `count`; GetSample(look-back
 * start[, end][, samplePercent]) those in the window, failing when fewer than samplePercent of the
 * window's possible samples exist; GetSamplePercent(start[, end]) says how many there are.
 */
export const SAMPLE_PERIOD_MS = 30_000;

/** Names of the service's metric variables; each is read only through its methods. */
export const METRICS = [
  '$CPUPercent',
  '$WallClockSeconds',
  '$MemoryBytes',
  '$DiskBytes',
  '$DiskReadBytes',
  '$DiskWriteBytes',
  '$DiskReadOps',
  '$DiskWriteOps',
  '$NetworkInBytes',
  '$NetworkOutBytes',
  '$SampleNodeCount',
  '$ActiveTasks',
  '$RunningTasks',
  '$PendingTasks',
  '$SucceededTasks',
  '$FailedTasks',
  '$PreemptedNodeCount',
  '$UsableNodeCount',
] as const;

export type MetricName = (typeof METRICS)[number];

/**
 * One metric's history, oldest first. The newest sample is `newestAgeMs` old; each earlier one
 * is 30 s older. (The service makes samples available about a minute late; a test that wants
 * that sets newestAgeMs to 60 000.)
 */
export interface MetricHistory {
  values: number[];
  newestAgeMs: number;
}

export type SampleSource = (metric: MetricName) => MetricHistory;

interface Sample {
  value: number;
  ageMs: number;
}

function samples(history: MetricHistory): Sample[] {
  const n = history.values.length;
  return history.values.map((value, i) => ({ value, ageMs: history.newestAgeMs + (n - 1 - i) * SAMPLE_PERIOD_MS }));
}

/** A look-back bound as an age: a timeinterval is an age already, a timestamp is measured from now. */
function age(bound: Value, now: number, what: string): number {
  if (bound.t === 'interval') return bound.ms;
  if (bound.t === 'timestamp') return now - bound.ms;
  throw new FormulaEvaluationError(`${what} must be a timeinterval or a timestamp, not a ${typeName(bound)}`);
}

/**
 * The window the arguments name, as ages: one bound looks back from now; two bound it on both
 * sides, in either order (Microsoft's examples write GetSample(1 * TimeInterval_Minute,
 * 6 * TimeInterval_Minute) and GetSample(TimeInterval_Minute * 0, TimeInterval_Minute * 10)).
 */
function windowOf(args: Value[], now: number, method: string): { start: number; end: number; percent?: number } {
  let start = age(args[0]!, now, `${method}'s start`);
  let end = 0;
  let rest = args.slice(1);
  if (rest[0] && (rest[0].t === 'interval' || rest[0].t === 'timestamp')) {
    const other = age(rest[0], now, `${method}'s end`);
    [start, end] = [Math.max(start, other), Math.min(start, other)];
    rest = rest.slice(1);
  }
  const percent = rest[0];
  if (percent && percent.t !== 'double') throw new FormulaEvaluationError(`${method}'s samplePercent must be a double`);
  if (rest.length > 1) throw new FormulaEvaluationError(`${method} takes at most three arguments`);
  return { start, end, ...(percent ? { percent: percent.v } : {}) };
}

function inWindow(all: Sample[], start: number, end: number): Sample[] {
  return all.filter((s) => s.ageMs >= end && s.ageMs < start);
}

function possible(start: number, end: number): number {
  return Math.max(0, Math.floor((start - end) / SAMPLE_PERIOD_MS));
}

export function callMetricMethod(metric: MetricName, method: string, args: Value[], history: MetricHistory, now: number): Value {
  const all = samples(history);
  switch (method) {
    case 'GetSample': {
      if (args.length === 0) throw new FormulaEvaluationError(`${metric}.GetSample() needs a count or a time range`);
      if (args[0]!.t === 'double') {
        if (args.length > 1) throw new FormulaEvaluationError(`${metric}.GetSample(count) takes one argument`);
        const count = Math.max(0, Math.floor(args[0]!.v));
        return { t: 'vec', v: all.slice(Math.max(0, all.length - count)).map((s) => s.value) };
      }
      const { start, end, percent } = windowOf(args, now, `${metric}.GetSample`);
      const got = inWindow(all, start, end);
      if (percent !== undefined) {
        const have = possible(start, end) === 0 ? 0 : (got.length / possible(start, end)) * 100;
        if (have < percent) throw new FormulaEvaluationError(`Insufficient data from data set: ${metric} wanted ${formatPercent(percent)}%, received ${formatPercent(have)}%`, true);
      }
      return { t: 'vec', v: got.map((s) => s.value) };
    }
    case 'GetSamplePercent': {
      if (args.length === 0 || args.length > 2) throw new FormulaEvaluationError(`${metric}.GetSamplePercent takes a start and an optional end`);
      const { start, end } = windowOf(args, now, `${metric}.GetSamplePercent`);
      const max = possible(start, end);
      return { t: 'double', v: max === 0 ? 0 : Math.min(100, (inWindow(all, start, end).length / max) * 100) };
    }
    case 'Count':
      return { t: 'double', v: all.length };
    case 'GetSamplePeriod':
      return { t: 'interval', ms: SAMPLE_PERIOD_MS };
    case 'HistoryBeginTime': {
      const oldest = all[0];
      if (!oldest) throw new FormulaEvaluationError(`${metric} has no samples`);
      return { t: 'timestamp', ms: now - oldest.ageMs };
    }
    default:
      throw new FormulaEvaluationError(`${metric} has no method ${method}()`);
  }
}

function formatPercent(p: number): string {
  return String(Math.round(p * 100) / 100);
}
