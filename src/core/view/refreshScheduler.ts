/**
 * Merges bursts of refresh requests (a deploy writes its record several times, a file watcher
 * fires per file) into one refresh per key after a quiet period. Requesting `'all'` folds every
 * pending key into a full refresh. Timers are injected so tests drive time.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export type RefreshBatch<K> = { all: true } | { all: false; keys: ReadonlySet<K> };

export class RefreshScheduler<K> {
  private pending: Set<K> | 'all' | undefined;
  private timer: unknown;
  private firstRequestAt: number | undefined;

  constructor(
    private readonly flush: (batch: RefreshBatch<K>) => void,
    private readonly delayMs = 200,
    /** A steady stream of requests still flushes at least this often. */
    private readonly maxWaitMs = 1000,
    private readonly timers: Timers = realTimers,
    private readonly now: () => number = Date.now,
  ) {}

  request(key: K | 'all'): void {
    if (key === 'all') this.pending = 'all';
    else if (this.pending === undefined) this.pending = new Set([key]);
    else if (this.pending !== 'all') this.pending.add(key);
    this.firstRequestAt ??= this.now();
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    const waited = this.now() - this.firstRequestAt;
    this.timer = this.timers.setTimeout(() => this.fire(), Math.max(0, Math.min(this.delayMs, this.maxWaitMs - waited)));
  }

  /** Runs what is pending now (e.g. on an explicit Refresh). */
  fire(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.firstRequestAt = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    this.flush(pending === 'all' ? { all: true } : { all: false, keys: pending });
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
