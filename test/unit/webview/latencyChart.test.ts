import { describe, expect, it } from 'vitest';
import { fill, formatMs, prettyResponse } from '../../../webview/invokePanel/format';
import { layoutLatencyChart, median, niceCeiling } from '../../../webview/invokePanel/latencyChart';

const pts = (ms: number[], errorsAt: number[] = []) => ms.map((durationMs, i) => ({ durationMs, ok: !errorsAt.includes(i), at: i }));

describe('latency chart layout', () => {
  it('rounds the scale up to 1, 2 or 5 × 10ⁿ', () => {
    expect([0, 1, 7, 10, 11, 43, 199, 201, 1210, 4999, 5001].map(niceCeiling)).toEqual([1, 1, 10, 10, 20, 50, 200, 500, 2000, 5000, 10000]);
  });

  it('draws one bar per point, heights proportional, inside the plot', () => {
    const l = layoutLatencyChart(pts([100, 50, 200, 0], [2]), { width: 348, height: 120, slots: 10, axisWidth: 48 });
    expect(l.yMax).toBe(200);
    expect(l.bars).toHaveLength(4);
    expect(l.bars[0]!.height / l.bars[2]!.height).toBeCloseTo(0.5);
    expect(l.bars[2]!.height).toBeCloseTo(l.plot.height);
    expect(l.bars[3]!.height).toBe(1); // 0 ms still shows
    for (const b of l.bars) {
      expect(b.x).toBeGreaterThanOrEqual(l.plot.left);
      expect(b.x + b.width).toBeLessThanOrEqual(l.plot.left + l.plot.width);
      expect(b.y).toBeGreaterThanOrEqual(l.plot.top - 1e-9);
      expect(b.y + b.height).toBeCloseTo(l.plot.top + l.plot.height);
    }
    expect(l.bars.map((b) => b.ok)).toEqual([true, true, false, true]);
    expect(l.bars[1]!.x - l.bars[0]!.x).toBeCloseTo(l.plot.width / 10);
    expect(l.ticks.map((t) => t.value)).toEqual([0, 100, 200]);
    expect(l.summary).toEqual({ count: 4, errors: 1, medianMs: 75, maxMs: 200 });
  });

  it('keeps only the newest slots and survives tiny sizes', () => {
    const l = layoutLatencyChart(pts(Array.from({ length: 40 }, (_, i) => i + 1)), { width: 10, height: 5, slots: 30 });
    expect(l.bars).toHaveLength(30);
    expect(l.bars[0]!.durationMs).toBe(11);
    expect(l.width).toBeGreaterThan(10);
    for (const b of l.bars) expect(Number.isFinite(b.x) && b.width >= 1 && b.height >= 1).toBe(true);
  });

  it('has no bars and no summary without points', () => {
    const l = layoutLatencyChart([], { width: 400, height: 120 });
    expect(l.bars).toEqual([]);
    expect(l.summary).toBeUndefined();
    expect(l.yMax).toBe(1);
  });

  it('median', () => {
    expect(median([])).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('formatting', () => {
  it('formats durations', () => {
    expect([0, 42.4, 999.6, 1000, 1210, 2000, 12_345].map(formatMs)).toEqual(['0 ms', '42 ms', '1000 ms', '1 s', '1.21 s', '2 s', '12.3 s']);
  });

  it('fills placeholders and leaves missing ones', () => {
    expect(fill('line {0}, column {1}: {2}', 3, 7)).toBe('line 3, column 7: {2}');
  });

  it('pretty-prints JSON responses and cuts long ones', () => {
    expect(prettyResponse('{"a":[1,2]}').text).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyResponse('not json')).toEqual({ text: 'not json', omitted: 0 });
    expect(prettyResponse(JSON.stringify('x'.repeat(100)), 10)).toEqual({ text: '"xxxxxxxxx', omitted: 92 });
  });
});
