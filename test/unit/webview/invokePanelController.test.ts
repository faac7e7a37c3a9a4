import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { InvokePanelController, type InvokePanelActions, type InvokeSession } from '../../../src/extension/panels/InvokePanelController';
import { HISTORY_LIMIT } from '../../../src/protocol/invokePanel/history';
import type { ToWebview } from '../../../src/protocol/invokePanel/toWebview';
import type { InvokeResult } from '../../../src/targets/Target';

/** Actions that record their calls; invoke answers like the runtime does. */
function harness(overrides: Partial<InvokePanelActions> = {}, session?: InvokeSession, invokeTimeoutMs?: number) {
  const calls: string[] = [];
  const saved = new Map<string, string>();
  const warnings: string[] = [];
  const actions: InvokePanelActions = {
    async invoke(payload): Promise<InvokeResult> {
      calls.push(`invoke ${payload}`);
      const body = JSON.parse(payload) as { fail?: boolean };
      const answer = body.fail ? { errorType: 'simpleError', errorMessage: 'boom' } : { echo: body };
      return { ok: !body.fail, body: answer, raw: JSON.stringify(answer), durationMs: 12 };
    },
    async listPayloads() {
      return [...[...saved.keys()].map((name) => ({ name, origin: 'saved' as const })), { name: 'one-car', origin: 'sample' as const }];
    },
    async readPayload(name) {
      calls.push(`read ${name}`);
      return saved.get(name) ?? '{"wt": 2.62}';
    },
    async savePayload(name, json) {
      calls.push(`save ${name}`);
      saved.set(name, json);
      return `/p/.rdeploy/payloads/${name}.json`;
    },
    async template() {
      return '{\n  "newdata": null\n}';
    },
    log: { warn: (m) => warnings.push(m) },
    ...overrides,
  };
  const posted: ToWebview[] = [];
  let clock = 1000;
  const c = new InvokePanelController(actions, (m) => posted.push(m), session, () => ++clock, invokeTimeoutMs);
  return { c, calls, posted, warnings };
}

describe('invoke panel host controller', () => {
  it('answers ready with the payloads and what it knows', async () => {
    const { c, posted } = harness();
    await c.handle({ kind: 'ready' });
    expect(posted).toEqual([{ kind: 'init', payloads: [{ name: 'one-car', origin: 'sample' }], history: [], busy: false }]);
    expect(c.state().ready).toBe(true);
  });

  it('invokes, records latency and reports ok and R errors', async () => {
    const { c, posted, calls } = harness();
    await c.handle({ kind: 'invoke', id: 1, payload: '{"wt": 1}' });
    await c.handle({ kind: 'invoke', id: 2, payload: '{"fail": true}' });
    expect(calls).toEqual(['invoke {"wt": 1}', 'invoke {"fail": true}']);
    expect(posted[0]).toEqual({
      kind: 'invokeResult',
      outcome: { id: 1, status: 'ok', raw: '{"echo":{"wt":1}}', durationMs: 12, at: 1001 },
      history: [{ durationMs: 12, ok: true, at: 1001 }],
    });
    expect(posted[1]).toMatchObject({ outcome: { id: 2, status: 'error', errorType: 'simpleError', errorMessage: 'boom' } });
    expect(c.state()).toMatchObject({ busy: false, last: { id: 2, status: 'error' } });
    expect(c.state().history.map((p) => p.ok)).toEqual([true, false]);
  });

  it('reports a failure to invoke without charting it', async () => {
    const { c, posted } = harness({
      invoke: () => Promise.reject(new AppError('invoke-failed', 'The deployment "m" is not running.')),
    });
    await c.handle({ kind: 'invoke', id: 9, payload: '1' });
    expect(posted).toEqual([
      { kind: 'invokeResult', outcome: { id: 9, status: 'failed', raw: '', errorMessage: 'The deployment "m" is not running.', at: 1001 }, history: [] },
    ]);
  });

  it('is busy while an invocation runs', async () => {
    let release!: (r: InvokeResult) => void;
    const { c } = harness({ invoke: () => new Promise((r) => (release = r)) });
    const done = c.handle({ kind: 'invoke', id: 1, payload: '1' });
    await Promise.resolve();
    expect(c.state().busy).toBe(true);
    release({ ok: true, body: 1, raw: '1', durationMs: 3 });
    await done;
    expect(c.state().busy).toBe(false);
  });

  it('never passes a malformed message on', async () => {
    const { c, calls, posted, warnings } = harness();
    for (const m of [
      { kind: 'invoke', id: 1, payload: 'rm -rf /' },
      { kind: 'save', name: '../../etc/passwd', payload: '1' },
      { kind: 'loadPayload', name: '/etc/passwd' },
      { kind: 'shell', command: 'ls' },
      'ready',
    ]) {
      await c.handle(m);
    }
    expect(calls).toEqual([]);
    expect(posted).toEqual([]);
    expect(warnings).toHaveLength(5);
  });

  it('saves in one step and lists the new payload', async () => {
    const { c, posted, calls } = harness();
    await c.handle({ kind: 'save', name: 'heavy', payload: '{"wt": 5}' });
    expect(calls).toEqual(['save heavy']);
    expect(posted).toEqual([
      {
        kind: 'saved',
        name: 'heavy',
        file: '/p/.rdeploy/payloads/heavy.json',
        payloads: [{ name: 'heavy', origin: 'saved' }, { name: 'one-car', origin: 'sample' }],
      },
    ]);
    expect(c.state().lastSaved).toBe('/p/.rdeploy/payloads/heavy.json');
  });

  it('loads payloads and the template into the editor; failures become notices', async () => {
    const { c, posted } = harness({ template: () => Promise.reject(new Error('R is not installed.')) });
    await c.handle({ kind: 'loadPayload', name: 'one-car' });
    await c.handle({ kind: 'template' });
    expect(posted).toEqual([
      { kind: 'payloadText', source: 'payload', name: 'one-car', text: '{"wt": 2.62}' },
      { kind: 'notice', level: 'error', text: 'R is not installed.' },
    ]);
  });

  it('keeps the history in the session, capped, for a reopened panel', async () => {
    const session: InvokeSession = { history: [] };
    const first = harness({}, session);
    for (let id = 1; id <= HISTORY_LIMIT + 3; id++) await first.c.handle({ kind: 'invoke', id, payload: '1' });
    const second = harness({}, session);
    await second.c.handle({ kind: 'ready' });
    expect(second.posted[0]).toMatchObject({ kind: 'init', busy: false, last: { id: HISTORY_LIMIT + 3 }, payload: '1' });
    expect((second.posted[0] as { history: unknown[] }).history).toHaveLength(HISTORY_LIMIT);
  });

  /** An invoke that answers only by failing when its signal aborts, as the HTTP call does. */
  const hangs = (seen: AbortSignal[]) => (_payload: string, signal: AbortSignal) =>
    new Promise<InvokeResult>((_, reject) => {
      seen.push(signal);
      signal.addEventListener('abort', () => reject(new AppError('cancelled', 'Cancelled.')));
    });

  it('closing the panel aborts the invocation under way and posts nothing afterwards', async () => {
    const seen: AbortSignal[] = [];
    const { c, posted } = harness({ invoke: hangs(seen) });
    await c.handle({ kind: 'ready' });
    const done = c.handle({ kind: 'invoke', id: 1, payload: '1' });
    await Promise.resolve();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.aborted).toBe(false);
    const before = posted.length;
    c.dispose();
    expect(seen[0]!.aborted).toBe(true);
    await done;
    expect(posted).toHaveLength(before);
    expect(c.state()).toMatchObject({ busy: false });
    expect(c.state().last).toBeUndefined();
    // Messages after the close are not answered either.
    await c.handle({ kind: 'ready' });
    expect(posted).toHaveLength(before);
  });

  it('gives up on an invocation after the timeout, saying so', async () => {
    const seen: AbortSignal[] = [];
    const { c, posted } = harness({ invoke: hangs(seen) }, undefined, 30);
    await c.handle({ kind: 'invoke', id: 4, payload: '1' });
    expect(seen[0]!.aborted).toBe(true);
    expect(posted.at(-1)).toMatchObject({ kind: 'invokeResult', outcome: { id: 4, status: 'failed', errorMessage: expect.stringMatching(/^No answer within 0 s/) } });
  });

  it('passes the panel lifetime to the template, so closing the panel stops R', async () => {
    let signal: AbortSignal | undefined;
    const { c, posted } = harness({ template: (s) => ((signal = s), new Promise<string>(() => undefined)) });
    void c.handle({ kind: 'template' });
    await Promise.resolve();
    expect(signal?.aborted).toBe(false);
    c.dispose();
    expect(signal?.aborted).toBe(true);
    expect(posted).toEqual([]);
  });
});
