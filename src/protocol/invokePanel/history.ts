/** One completed invocation, as the latency chart draws it. */
export interface LatencyPoint {
  durationMs: number;
  /** false when the handler raised an R error. */
  ok: boolean;
  /** When it finished, epoch milliseconds. */
  at: number;
}

/** How many recent invocations the panel keeps and draws. */
export const HISTORY_LIMIT = 30;

/** Appends without mutating, keeping only the newest `limit` points. */
export function appendLatency(history: readonly LatencyPoint[], point: LatencyPoint, limit = HISTORY_LIMIT): LatencyPoint[] {
  return [...history, point].slice(-limit);
}
