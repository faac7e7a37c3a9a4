/**
 * Lines per second over the last few seconds, for the "Tailing … · N lines/s" status item.
 * Counts go into one bucket per second; the rate is the average over the full buckets.
 */
export class LineRate {
  private readonly buckets: { second: number; count: number }[] = [];

  constructor(
    private readonly windowSeconds = 5,
    private readonly now: () => number = Date.now,
  ) {}

  add(lines: number): void {
    const second = Math.floor(this.now() / 1000);
    const last = this.buckets[this.buckets.length - 1];
    if (last?.second === second) last.count += lines;
    else this.buckets.push({ second, count: lines });
    this.trim(second);
  }

  perSecond(): number {
    const current = Math.floor(this.now() / 1000);
    this.trim(current);
    // The current second is still filling: averaging over the completed ones keeps the number steady.
    const done = this.buckets.filter((b) => b.second < current);
    const total = done.reduce((n, b) => n + b.count, 0);
    return Math.round(total / this.windowSeconds);
  }

  private trim(current: number): void {
    while (this.buckets.length && this.buckets[0]!.second < current - this.windowSeconds) this.buckets.shift();
  }
}
