import { HISTORY_LIMIT, type LatencyPoint } from '../../src/protocol/invokePanel/history';

/** The latency chart as numbers: bars and gridlines in SVG user units, ready to draw. */
export interface ChartBar {
  /** 1-based position among the drawn points, oldest first. */
  index: number;
  x: number;
  y: number;
  width: number;
  height: number;
  ok: boolean;
  durationMs: number;
}

export interface ChartTick {
  value: number;
  y: number;
}

export interface ChartSummary {
  count: number;
  errors: number;
  medianMs: number;
  maxMs: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; width: number; height: number };
  yMax: number;
  ticks: ChartTick[];
  bars: ChartBar[];
  summary: ChartSummary | undefined;
}

export interface ChartOptions {
  width: number;
  height: number;
  /** Bar slots across the plot: the newest `slots` points are drawn, left to right. */
  slots?: number;
  /** Room for the y-axis labels on the left. */
  axisWidth?: number;
}

const PAD = { top: 8, right: 4, bottom: 4 };

/** The smallest 1, 2 or 5 × 10ⁿ that is at least `v` (and at least 1). */
export function niceCeiling(v: number): number {
  if (!(v > 1)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= v) return step * magnitude;
  return 10 * magnitude;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function layoutLatencyChart(points: readonly LatencyPoint[], options: ChartOptions): ChartLayout {
  const slots = Math.max(1, options.slots ?? HISTORY_LIMIT);
  const axisWidth = options.axisWidth ?? 48;
  const width = Math.max(options.width, axisWidth + PAD.right + slots);
  const height = Math.max(options.height, PAD.top + PAD.bottom + 10);
  const plot = {
    left: axisWidth,
    top: PAD.top,
    width: width - axisWidth - PAD.right,
    height: height - PAD.top - PAD.bottom,
  };
  const shown = points.slice(-slots);
  const durations = shown.map((p) => Math.max(0, p.durationMs));
  const yMax = niceCeiling(Math.max(0, ...durations));
  const yOf = (v: number) => plot.top + plot.height - (v / yMax) * plot.height;
  const slot = plot.width / slots;
  const barWidth = Math.max(1, slot * 0.7);

  const bars = shown.map((p, i): ChartBar => {
    const d = Math.max(0, p.durationMs);
    // A bar never vanishes: even 0 ms gets a visible sliver.
    const h = Math.max(1, (d / yMax) * plot.height);
    return {
      index: i + 1,
      x: plot.left + i * slot + (slot - barWidth) / 2,
      y: plot.top + plot.height - h,
      width: barWidth,
      height: h,
      ok: p.ok,
      durationMs: p.durationMs,
    };
  });

  return {
    width,
    height,
    plot,
    yMax,
    ticks: [0, yMax / 2, yMax].map((value) => ({ value, y: yOf(value) })),
    bars,
    summary:
      shown.length === 0
        ? undefined
        : {
            count: shown.length,
            errors: shown.filter((p) => !p.ok).length,
            medianMs: median(durations),
            maxMs: Math.max(...durations),
          },
  };
}
