import { describe, expect, it } from 'vitest';
import { handlerError, InvocationHistory } from '../../../src/core/view/invocationHistory';

describe('InvocationHistory', () => {
  it('keeps the last N per key, newest first', () => {
    const h = new InvocationHistory(3);
    for (let i = 0; i < 5; i++) h.add('a', { at: new Date(i), ok: true, durationMs: i });
    h.add('b', { at: new Date(9), ok: false, durationMs: 9 });
    expect(h.list('a').map((x) => x.durationMs)).toEqual([4, 3, 2]);
    expect(h.list('b')).toHaveLength(1);
    expect(h.list('c')).toEqual([]);
    h.forget('a');
    expect(h.list('a')).toEqual([]);
  });
});

describe('handlerError', () => {
  it('reads errorType: errorMessage from a failed answer', () => {
    expect(handlerError({ errorType: 'simpleError', errorMessage: 'wt and hp must have the same length' })).toBe('simpleError: wt and hp must have the same length');
    expect(handlerError({ errorMessage: 'boom' })).toBe('boom');
  });

  it('is undefined for anything else', () => {
    expect(handlerError({ probability: [0.1] })).toBeUndefined();
    expect(handlerError(null)).toBeUndefined();
    expect(handlerError('text')).toBeUndefined();
  });
});
