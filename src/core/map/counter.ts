import type { UnitOutcome } from './types';

/** What progress shows: units answered, failed, running, skipped (done by an earlier run), and how many there are. */
export interface MapStats {
  /** How many units the input has: known once it has been read to its end. */
  total?: number;
  /** Until then, a guess from the input's line count (undefined for a JSON array). */
  estimate?: number;
  /** Answered with a result. */
  done: number;
  /** Answered with an error, or no answer after the retries. */
  failed: number;
  /** Of `failed`: no answer could be had (the rest are the handler's errors). */
  callFailures: number;
  /** Calls running now. */
  running: number;
  /** Done by an earlier run and not called again. */
  skipped: number;
  /** Calls made again after a failure. */
  retries: number;
  /** Input rows (or elements) of the units settled in this run and skipped. */
  rows: number;
}

/** Counts the events of a map; pure, so that what progress shows is what happened. */
export class MapCounter {
  private stats: MapStats = { done: 0, failed: 0, callFailures: 0, running: 0, skipped: 0, retries: 0, rows: 0 };

  constructor(estimate?: number) {
    if (estimate !== undefined) this.stats.estimate = estimate;
  }

  started(attempt: number): void {
    this.stats.running++;
    if (attempt > 1) this.stats.retries++;
  }

  /** A call ended without settling the unit (it will be tried again). */
  retrying(): void {
    this.stats.running--;
  }

  finished(outcome: UnitOutcome, rows: number): void {
    this.stats.running--;
    this.stats.rows += rows;
    if (outcome.kind === 'result') this.stats.done++;
    else {
      this.stats.failed++;
      if (outcome.kind === 'failed') this.stats.callFailures++;
    }
  }

  skipped(rows: number): void {
    this.stats.skipped++;
    this.stats.rows += rows;
  }

  inputRead(units: number): void {
    this.stats.total = units;
  }

  /** Units settled (this run or an earlier one). */
  get settled(): number {
    return this.stats.done + this.stats.failed + this.stats.skipped;
  }

  snapshot(): MapStats {
    return { ...this.stats };
  }
}
