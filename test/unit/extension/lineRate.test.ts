import { describe, expect, it } from 'vitest';
import { LineRate } from '../../../src/core/view/lineRate';

describe('LineRate', () => {
  it('averages completed seconds over the window', () => {
    let now = 10_000;
    const r = new LineRate(5, () => now);
    for (let s = 0; s < 5; s++) {
      r.add(10);
      now += 1000;
    }
    expect(r.perSecond()).toBe(10);
  });

  it('does not count the second still filling, and falls to zero when lines stop', () => {
    let now = 0;
    const r = new LineRate(5, () => now);
    r.add(50);
    expect(r.perSecond()).toBe(0);
    now += 1000;
    expect(r.perSecond()).toBe(10);
    now += 10_000;
    expect(r.perSecond()).toBe(0);
  });
});
