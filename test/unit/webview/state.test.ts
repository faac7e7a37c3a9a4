import { describe, expect, it } from 'vitest';
import type { InvokeOutcome, ToWebview } from '../../../src/protocol/invokePanel/toWebview';
import { initialState, persisted, pickedName, reduce } from '../../../webview/invokePanel/state';

const outcome = (id: number, status: InvokeOutcome['status'] = 'ok'): InvokeOutcome => ({ id, status, raw: '1', durationMs: 5, at: id });

describe('invoke panel view state', () => {
  it('restores what was persisted and ignores junk', () => {
    const s = initialState({ editor: '[1]', saveName: 'a', picked: 'saved:a', nextId: 7 });
    expect(persisted(s)).toEqual({ editor: '[1]', saveName: 'a', picked: 'saved:a', nextId: 7 });
    const junk = initialState({ editor: 3, nextId: 'x' } as never);
    expect(junk.nextId).toBe(1);
    expect(typeof junk.editor).toBe('string');
  });

  it('sending sets the pending id; only its result clears it', () => {
    let s = reduce(initialState(), { kind: 'sent', id: 1 });
    expect(s.pending).toBe(1);
    expect(s.nextId).toBe(2);
    s = reduce(s, { kind: 'invokeResult', outcome: outcome(0), history: [] });
    expect(s.pending).toBe(1);
    s = reduce(s, { kind: 'invokeResult', outcome: outcome(1, 'error'), history: [{ durationMs: 5, ok: false, at: 1 }] });
    expect(s.pending).toBeUndefined();
    expect(s.last?.status).toBe('error');
    expect(s.history).toHaveLength(1);
  });

  it('after a reload, a busy host keeps the panel waiting until the next result', () => {
    let s = reduce(initialState({ nextId: 1 }), { kind: 'init', payloads: [], history: [], busy: true, last: outcome(4) });
    expect(s.pending).toBe(-1);
    expect(s.nextId).toBe(5); // never reuse an id the host has answered
    s = reduce(s, { kind: 'invokeResult', outcome: outcome(5), history: [] });
    expect(s.pending).toBeUndefined();
  });

  it('a panel opened afresh shows the last payload sent; a restored one keeps its own text', () => {
    const init: ToWebview = { kind: 'init', payloads: [], history: [], busy: false, payload: '{"wt": 3}' };
    expect(reduce(initialState(), init).editor).toBe('{"wt": 3}');
    expect(reduce(initialState({ editor: '[1]' }), init).editor).toBe('[1]');
    const typed = reduce(initialState(), { kind: 'edit', text: '[2]' });
    expect(reduce(typed, init).editor).toBe('[2]');
  });

  it('picking names the save field after the payload; loading replaces the editor', () => {
    let s = reduce(initialState(), { kind: 'pick', value: 'sample:one-car' });
    expect(s.saveName).toBe('one-car');
    s = reduce(s, { kind: 'payloadText', source: 'payload', name: 'one-car', text: '{"wt": 1}' });
    expect(s.editor).toBe('{"wt": 1}');
    s = reduce(s, { kind: 'saved', name: 'mine', file: '/p/.rdeploy/payloads/mine.json', payloads: [{ name: 'mine', origin: 'saved' }] });
    expect(s.picked).toBe('saved:mine');
    expect(s.payloads).toEqual([{ name: 'mine', origin: 'saved' }]);
    expect(pickedName('')).toBeUndefined();
    expect(pickedName('saved:a:b')).toBe('a:b');
  });
});
