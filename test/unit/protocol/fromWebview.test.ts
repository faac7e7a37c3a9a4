import { describe, expect, it } from 'vitest';
import { FromWebviewSchema, parseFromWebview } from '../../../src/protocol/invokePanel/fromWebview';
import { MAX_PAYLOAD_CHARS } from '../../../src/protocol/invokePanel/limits';
import { appendLatency, HISTORY_LIMIT } from '../../../src/protocol/invokePanel/history';

describe('messages from the invoke panel webview', () => {
  it('accepts each kind of well-formed message', () => {
    const good = [
      { kind: 'ready' },
      { kind: 'invoke', id: 3, payload: '{"wt": 2.62}' },
      { kind: 'invoke', id: 0, payload: ' [1, 2]\n' },
      { kind: 'loadPayload', name: 'one-car' },
      { kind: 'template' },
      { kind: 'save', name: 'heavy_cars.v2', payload: 'null' },
    ];
    for (const m of good) expect(parseFromWebview(m)).toEqual(m);
  });

  it('rejects a payload that is not JSON, so it never reaches invoke or save', () => {
    expect(parseFromWebview({ kind: 'invoke', id: 1, payload: '{"wt": }' })).toBeUndefined();
    expect(parseFromWebview({ kind: 'invoke', id: 1, payload: '' })).toBeUndefined();
    expect(parseFromWebview({ kind: 'save', name: 'x', payload: "{'single': 1}" })).toBeUndefined();
    expect(parseFromWebview({ kind: 'invoke', id: 1, payload: { wt: 1 } })).toBeUndefined();
  });

  it('rejects payload names that could leave .rdeploy/payloads or hide a file', () => {
    for (const name of ['../x', 'a/b', '.hidden', '', 'a b', 'x'.repeat(101), 'c:\\evil', '-flag']) {
      expect(parseFromWebview({ kind: 'loadPayload', name }), name).toBeUndefined();
      expect(parseFromWebview({ kind: 'save', name, payload: '1' }), name).toBeUndefined();
    }
  });

  it('rejects unknown kinds, extra fields, bad ids and non-objects', () => {
    for (const m of [
      { kind: 'exec', command: 'rm -rf /' },
      { kind: 'ready', extra: true },
      { kind: 'invoke', id: -1, payload: '1' },
      { kind: 'invoke', id: 1.5, payload: '1' },
      { kind: 'invoke', payload: '1' },
      'ready',
      null,
      undefined,
      [{ kind: 'ready' }],
    ]) {
      expect(parseFromWebview(m), JSON.stringify(m)).toBeUndefined();
    }
  });

  it('rejects a payload over the size limit', () => {
    const big = `"${'a'.repeat(MAX_PAYLOAD_CHARS)}"`;
    expect(FromWebviewSchema.safeParse({ kind: 'invoke', id: 1, payload: big }).success).toBe(false);
  });
});

describe('latency history', () => {
  it('keeps the newest points, without mutating', () => {
    let h = appendLatency([], { durationMs: 1, ok: true, at: 1 });
    const first = h;
    for (let i = 2; i <= HISTORY_LIMIT + 5; i++) h = appendLatency(h, { durationMs: i, ok: i % 2 === 0, at: i });
    expect(first).toHaveLength(1);
    expect(h).toHaveLength(HISTORY_LIMIT);
    expect(h[0]!.durationMs).toBe(6);
    expect(h.at(-1)!.durationMs).toBe(HISTORY_LIMIT + 5);
  });
});
