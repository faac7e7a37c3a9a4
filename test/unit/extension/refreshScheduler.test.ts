import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefreshScheduler, type RefreshBatch } from '../../../src/core/view/refreshScheduler';

describe('RefreshScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const make = (delay = 200, maxWait = 1000) => {
    const batches: RefreshBatch<string>[] = [];
    const s = new RefreshScheduler<string>((b) => batches.push(b), delay, maxWait, { setTimeout, clearTimeout: (h) => clearTimeout(h as never) }, () => Date.now());
    return { s, batches };
  };

  it('merges a burst into one refresh with every key', () => {
    const { s, batches } = make();
    s.request('a');
    vi.advanceTimersByTime(100);
    s.request('b');
    s.request('a');
    vi.advanceTimersByTime(199);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toEqual({ all: false, keys: new Set(['a', 'b']) });
  });

  it("folds keys into a full refresh when 'all' is asked", () => {
    const { s, batches } = make();
    s.request('a');
    s.request('all');
    s.request('b');
    vi.advanceTimersByTime(200);
    expect(batches).toEqual([{ all: true }]);
  });

  it('still flushes during a steady stream, at most maxWait after the first request', () => {
    const { s, batches } = make(200, 1000);
    for (let t = 0; t < 1500; t += 100) {
      s.request(`k${t}`);
      vi.advanceTimersByTime(100);
    }
    expect(batches.length).toBeGreaterThanOrEqual(1);
    expect(batches.length).toBeLessThanOrEqual(2);
  });

  it('fire() runs what is pending now, and nothing when nothing is', () => {
    const { s, batches } = make();
    s.fire();
    expect(batches).toEqual([]);
    s.request('x');
    s.fire();
    expect(batches).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(batches).toHaveLength(1);
  });

  it('dispose drops what is pending', () => {
    const { s, batches } = make();
    s.request('x');
    s.dispose();
    vi.advanceTimersByTime(1000);
    expect(batches).toEqual([]);
  });
});
