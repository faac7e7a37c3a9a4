import { METRICS, SAMPLE_PERIOD_MS, type MetricHistory, type MetricName } from '../autoscale/samples';
import type { AccountState } from './Account';
import type { PoolRecord } from './types';

/**
 * The pools' metric histories for autoscale formulas. The service samples every 30 seconds; the
 * double records the task and node metrics it can count ($ActiveTasks, $RunningTasks,
 * $PendingTasks, $SucceededTasks, $FailedTasks, $PreemptedNodeCount, $SampleNodeCount,
 * $UsableNodeCount) every 30 s × timeScale, each entry standing for 30 s of the pool's time.
 * Resource metrics ($CPUPercent, $MemoryBytes…) have no samples unless a test sets them; a test
 * that sets a metric's samples (setSamples) pins it: the recorder leaves it alone from then on.
 */
const MAX_SAMPLES = 2 * 60 * 24;

interface Series extends MetricHistory {
  pinned: boolean;
}

export class Metrics {
  private readonly series = new Map<string, Map<MetricName, Series>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly account: AccountState) {}

  /** Starts recording (once); the timer never keeps the process alive. */
  start(): void {
    if (this.timer) return;
    const period = Math.max(10, this.account.scaled(SAMPLE_PERIOD_MS));
    this.timer = setInterval(() => this.record(), period);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  history(poolId: string, metric: MetricName): MetricHistory {
    const s = this.pool(poolId).get(metric);
    return s ? { values: [...s.values], newestAgeMs: s.newestAgeMs } : { values: [], newestAgeMs: 0 };
  }

  /** Replaces a metric's samples (oldest first) and stops recording it. */
  set(poolId: string, metric: MetricName, values: number[], newestAgeMs = 0): void {
    if (!(METRICS as readonly string[]).includes(metric)) throw new Error(`setSamples: '${metric}' is not a metric of the autoscale language (${METRICS.join(', ')})`);
    this.pool(poolId).set(metric, { values: [...values], newestAgeMs, pinned: true });
  }

  forget(poolId: string): void {
    this.series.delete(poolId.toLowerCase());
  }

  /** Takes one sample of every pool's countable metrics now. */
  record(): void {
    for (const pool of this.account.pools.values()) {
      const current = this.measure(pool);
      const series = this.pool(pool.id);
      for (const [metric, value] of Object.entries(current) as Array<[MetricName, number]>) {
        const s = series.get(metric) ?? { values: [], newestAgeMs: 0, pinned: false };
        if (s.pinned) continue;
        s.values.push(value);
        if (s.values.length > MAX_SAMPLES) s.values.shift();
        series.set(metric, s);
      }
    }
  }

  private measure(pool: PoolRecord): Partial<Record<MetricName, number>> {
    const tasks = [...this.account.jobs.values()].filter((j) => j.poolId.toLowerCase() === pool.id.toLowerCase() && j.state === 'active').flatMap((j) => [...j.tasks.values()]);
    const count = (f: (t: (typeof tasks)[number]) => boolean) => tasks.filter(f).length;
    const active = count((t) => t.state === 'active');
    const running = count((t) => t.state === 'running' || t.state === 'preparing');
    const nodes = [...pool.nodes.values()];
    return {
      $ActiveTasks: active,
      $RunningTasks: running,
      $PendingTasks: active + running,
      $SucceededTasks: count((t) => t.executionInfo.result === 'success'),
      $FailedTasks: count((t) => t.executionInfo.result === 'failure'),
      $PreemptedNodeCount: nodes.filter((n) => n.state === 'preempted').length,
      $SampleNodeCount: nodes.length,
      $UsableNodeCount: nodes.filter((n) => n.state === 'idle' || n.state === 'running').length,
    };
  }

  private pool(poolId: string): Map<MetricName, Series> {
    const key = poolId.toLowerCase();
    let s = this.series.get(key);
    if (!s) {
      s = new Map();
      this.series.set(key, s);
    }
    return s;
  }
}
