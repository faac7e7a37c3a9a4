import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatMapStats } from '../../../src/cli/mapProgress';
import { AppError } from '../../../src/core/errors';
import { answerOf } from '../../../src/core/map/answer';
import { MapCounter } from '../../../src/core/map/counter';
import { csvField, rowsOf } from '../../../src/core/map/csvOutput';
import { OrderedWriter } from '../../../src/core/map/orderedWriter';
import { mapOutputs } from '../../../src/core/map/outputs';
import { poolExecutor, type CallSlot } from '../../../src/core/map/poolExecutor';
import { parseRecord, recordLine } from '../../../src/core/map/records';
import { scanOutput } from '../../../src/core/map/resume';
import { CallFailure, classifyFailure, DEFAULT_RETRY, shouldRetry } from '../../../src/core/map/retry';
import type { MapTask, UnitOutcome } from '../../../src/core/map/types';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-map-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => path.join(dir, `${n++}-${name}`);

describe('output records', () => {
  const chunk = { kind: 'chunk' as const, index: 3, rows: [21, 30] as [number, number] };
  it('keep the handler\'s JSON text verbatim, and name failed calls apart from R errors', () => {
    expect(recordLine(chunk, { kind: 'result', value: { p: 0.1 }, raw: '{"p":0.100000000000000006}', attempts: 1 })).toBe('{"chunk":3,"rows":[21,30],"result":{"p":0.100000000000000006}}');
    expect(recordLine(chunk, { kind: 'result', value: { a: 'x\ny' }, raw: '{\n"a": "x\\ny"}', attempts: 1 })).toBe('{"chunk":3,"rows":[21,30],"result":{"a":"x\\ny"}}');
    expect(recordLine({ kind: 'element', index: 2 }, { kind: 'error', error: { errorType: 'simpleError', errorMessage: 'bad' }, attempts: 1 })).toBe('{"index":2,"error":{"errorType":"simpleError","errorMessage":"bad"}}');
    const failed = recordLine(chunk, { kind: 'failed', error: { errorType: 'CallFailed', errorMessage: 'socket hang up' }, attempts: 3 });
    expect(JSON.parse(failed)).toEqual({ chunk: 3, rows: [21, 30], error: { errorType: 'rdeploy.CallFailed', errorMessage: 'socket hang up' }, attempts: 3 });
    expect(parseRecord(failed)).toMatchObject({ done: false, index: 3 });
    expect(parseRecord('{"chunk":3,"rows":[21,30],"error":{"errorType":"simpleError","errorMessage":"bad"}}')).toMatchObject({ done: true });
    expect(parseRecord('{"chunk":3,"result":1}')).toBeUndefined(); // a chunk without its rows
    expect(parseRecord('{"chunk":3,"rows":[1,2],"result":')).toBeUndefined();
  });

  it('outputs: a .csv output keeps its records beside it as .jsonl; none may be the input', () => {
    expect(mapOutputs('/d/x.csv', '/d/in.csv')).toEqual({ jsonl: '/d/x.jsonl', csv: '/d/x.csv', state: '/d/x.jsonl.map.json' });
    expect(mapOutputs('/d/x.jsonl', '/d/in.csv')).toEqual({ jsonl: '/d/x.jsonl', state: '/d/x.jsonl.map.json' });
    expect(() => mapOutputs('/d/cars.csv', '/d/cars.jsonl')).toThrow(/keeps its JSON Lines records in \/d\/cars\.jsonl, which is the input/);
  });
});

describe('resume scan', () => {
  it('drops a half-written last line and refuses records out of order or of another kind', async () => {
    const p = fresh('o.jsonl');
    writeFileSync(p, '{"chunk":1,"rows":[1,2],"result":1}\n{"chunk":2,"rows":[3,4],"error":{"errorType":"rdeploy.CallFailed","errorMessage":"x"},"attempts":3}\n{"chunk":3,"rows":[5');
    const s = await scanOutput(p, 'chunk');
    expect(s).toMatchObject({ count: 2, keepBytes: readFileSync(p, 'utf8').lastIndexOf('\n') + 1 });
    expect([...s!.notDone]).toEqual([2]);
    await expect(scanOutput(p, 'element')).rejects.toThrow(/Line 1 of .* is a record of a chunk of rows, while this input gives array elements/);
    writeFileSync(p, '{"chunk":2,"rows":[1,2],"result":1}\n');
    await expect(scanOutput(p, 'chunk')).rejects.toThrow(/is the record of chunk 2, not 1/);
    expect(await scanOutput(fresh('none.jsonl'), 'chunk')).toBeUndefined();
  });

  it('the writer appends after the last complete line, in order, whatever order records come in', async () => {
    const p = fresh('o.jsonl');
    writeFileSync(p, '{"index":1,"result":1}\n{"index":2,"res');
    const written: number[] = [];
    const w = await OrderedWriter.open({ mode: 'append', file: p, keepBytes: 23, next: 2 }, (i) => written.push(i));
    w.put(4, '{"index":4,"result":4}');
    w.put(3, '{"index":3,"result":3}');
    expect(w.held).toBe(2);
    w.put(2, '{"index":2,"result":2}');
    w.put(6, '{"index":6,"result":6}'); // 5 never comes (Ctrl-C): 6 is dropped
    await w.close();
    expect(readFileSync(p, 'utf8')).toBe('{"index":1,"result":1}\n{"index":2,"result":2}\n{"index":3,"result":3}\n{"index":4,"result":4}\n');
    expect(written).toEqual([2, 3, 4]);
  });

  it('the writer rewrites in place: earlier answers kept, failed calls replaced, the rest carried over on close', async () => {
    const p = fresh('o.jsonl');
    writeFileSync(p, ['{"index":1,"result":1}', '{"index":2,"error":{"errorType":"rdeploy.CallFailed","errorMessage":"x"},"attempts":3}', '{"index":3,"result":3}', '{"index":4,"error":{"errorType":"rdeploy.CallFailed","errorMessage":"x"},"attempts":3}'].join('\n') + '\n');
    const w = await OrderedWriter.open({ mode: 'rewrite', file: p, count: 4 });
    w.put(1, null);
    w.put(2, '{"index":2,"result":2}');
    w.put(3, null);
    await w.close(); // stopped before 4 was called again: its old record stays
    expect(readFileSync(p, 'utf8').trim().split('\n')).toEqual(['{"index":1,"result":1}', '{"index":2,"result":2}', '{"index":3,"result":3}', '{"index":4,"error":{"errorType":"rdeploy.CallFailed","errorMessage":"x"},"attempts":3}']);
  });
});

describe('CSV output', () => {
  it('a data frame, a list of vectors (length-1 recycled), a bare vector; anything else is not rows', () => {
    expect(rowsOf([{ a: 1 }, { a: 2, b: 'x' }], 2)).toEqual([{ a: 1 }, { a: 2, b: 'x' }]);
    expect(rowsOf({ p: [0.1, 0.2], model: 'glm' }, 2)).toEqual([
      { p: 0.1, model: 'glm' },
      { p: 0.2, model: 'glm' },
    ]);
    expect(rowsOf({ p: 0.1, t: 'manual' }, 1)).toEqual([{ p: 0.1, t: 'manual' }]);
    expect(rowsOf([0.1, 0.2, 0.3], 3)).toEqual([{ result: 0.1 }, { result: 0.2 }, { result: 0.3 }]);
    expect(rowsOf(42, 1)).toEqual([{ result: 42 }]);
    expect(rowsOf({ p: [0.1, 0.2] }, 3)).toBeUndefined();
    expect(rowsOf({ coef: { a: 1 } }, 1)).toBeUndefined();
    expect(rowsOf(42, 2)).toBeUndefined();
    expect(rowsOf([1, { a: 1 }], 2)).toBeUndefined();
  });

  it('fields: quoted when needed, logicals as R writes them, NA empty, nested as JSON', () => {
    expect([csvField(1.5e-9), csvField('a,b'), csvField('say "hi"'), csvField(true), csvField(null), csvField({ a: [1] }), csvField(' pad'), csvField('Zürich')]).toEqual([
      '1.5e-9',
      '"a,b"',
      '"say ""hi"""',
      'TRUE',
      '',
      '"{""a"":[1]}"',
      '" pad"',
      'Zürich',
    ]);
  });
});

describe('retry policy', () => {
  it('retries a failure without an answer up to the attempts; never a refused payload; cancellation stops', () => {
    expect(DEFAULT_RETRY.attempts).toBe(3);
    expect([1, 2, 3].map((a) => DEFAULT_RETRY.delayMs(a))).toEqual([250, 500, 1000]);
    const transport = classifyFailure(new AppError('invoke-failed', 'nothing answers'));
    expect(transport).toEqual({ retryable: true, error: { errorType: 'CallFailed', errorMessage: 'nothing answers' } });
    expect(shouldRetry(DEFAULT_RETRY, 1, transport as { retryable: boolean })).toBe(true);
    expect(shouldRetry(DEFAULT_RETRY, 3, transport as { retryable: boolean })).toBe(false);
    expect(classifyFailure(new AppError('payload-invalid', 'too big'))).toEqual({ retryable: false, error: { errorType: 'PayloadRefused', errorMessage: 'too big' } });
    expect(classifyFailure(new AppError('cancelled', 'Cancelled.'))).toBe('cancelled');
    expect(classifyFailure(new CallFailure('gone', false, 'Gone'))).toEqual({ retryable: false, error: { errorType: 'Gone', errorMessage: 'gone' } });
  });

  it('an invoke answer: a value; the runtime\'s error shape is the handler\'s; a load error or anything else got no answer', () => {
    expect(answerOf({ ok: true, body: { p: 1 }, raw: '{"p":1}', durationMs: 1 })).toEqual({ ok: true, value: { p: 1 }, raw: '{"p":1}' });
    expect(answerOf({ ok: false, body: { errorType: 'simpleError', errorMessage: 'bad' }, raw: '', durationMs: 1 })).toEqual({ ok: false, error: { errorType: 'simpleError', errorMessage: 'bad' } });
    expect(() => answerOf({ ok: false, body: { errorType: 'HandlerLoadError', errorMessage: 'no model.rds' }, raw: '{"errorType":"HandlerLoadError"}', durationMs: 1 })).toThrow(CallFailure);
    expect(() => answerOf({ ok: false, body: '<html>502</html>', raw: '<html>502</html>', durationMs: 1 })).toThrow(/no answer from the handler: <html>502<\/html>/);
  });

  it('the pool hands the task of a slot that cannot recover to another slot, and records a refused payload at once', async () => {
    const calls: string[] = [];
    const dead: CallSlot = { call: async (p) => (calls.push(`dead:${p}`), Promise.reject(new CallFailure('connection reset'))), recover: async () => false };
    const alive: CallSlot = {
      call: async (p) => {
        calls.push(`alive:${p}`);
        await new Promise((r) => setTimeout(r, 5));
        if (p === '"huge"') throw new AppError('payload-invalid', 'The payload is 7 MB');
        return { ok: true, value: p, raw: p };
      },
    };
    const tasks = async function* (): AsyncGenerator<MapTask> {
      for (let i = 1; i <= 6; i++) yield { index: i, payload: i === 4 ? '"huge"' : String(i) };
    };
    const outcomes = new Map<number, UnitOutcome>();
    const attempts: number[] = [];
    const exec = poolExecutor([dead, alive], { description: 'test', retry: { attempts: 3, delayMs: () => 1 } });
    await exec.run(tasks(), { started: (_i, a) => attempts.push(a), retrying: () => undefined, finished: (i, o) => outcomes.set(i, o) }, new AbortController().signal);
    expect([...outcomes.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(outcomes.get(4)).toEqual({ kind: 'error', error: { errorType: 'PayloadRefused', errorMessage: 'The payload is 7 MB' }, attempts: 1 });
    expect([...outcomes.values()].filter((o) => o.kind === 'result')).toHaveLength(5);
    expect(calls.filter((c) => c.startsWith('dead:'))).toHaveLength(1); // retired after its first failure
    expect(attempts.filter((a) => a === 2)).toHaveLength(1); // that task's second try, on the live slot
  });

  it('cancellation: run rejects, nothing more is reported, close() runs once', async () => {
    const controller = new AbortController();
    let closes = 0;
    const slow: CallSlot = { call: (_p, signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))) };
    const exec = poolExecutor([slow, slow], { description: 'slow', close: async () => void closes++ });
    const finished: number[] = [];
    const tasks = async function* (): AsyncGenerator<MapTask> {
      for (let i = 1; i <= 10; i++) yield { index: i, payload: '1' };
    };
    setTimeout(() => controller.abort(), 20);
    await expect(exec.run(tasks(), { started: () => undefined, retrying: () => undefined, finished: (i) => finished.push(i) }, controller.signal)).rejects.toThrow(/Cancelled/);
    await exec.close();
    await exec.close();
    expect(finished).toEqual([]);
    expect(closes).toBe(1);
  });
});

describe('progress', () => {
  it('counts and the line it shows', () => {
    const c = new MapCounter(10);
    c.skipped(100);
    c.started(1);
    c.started(1);
    c.retrying();
    c.started(2);
    c.finished({ kind: 'result', value: 1, attempts: 2 }, 100);
    c.finished({ kind: 'failed', error: { errorType: 'CallFailed', errorMessage: 'x' }, attempts: 3 }, 100);
    expect(c.snapshot()).toEqual({ estimate: 10, done: 1, failed: 1, callFailures: 1, running: 0, skipped: 1, retries: 1, rows: 300 });
    expect(formatMapStats(c.snapshot(), 'chunk', 2000, 10)).toBe('▕███░░░░░░░▏ 3/~10 chunks · 1 done · 1 failed · 0 running · 1 from before · 1 retried · 1.0/s');
    c.inputRead(12);
    expect(formatMapStats(c.snapshot(), 'chunk', 100, 0)).toBe('3/12 chunks · 1 done · 1 failed · 0 running · 1 from before · 1 retried');
    expect(formatMapStats({ done: 0, failed: 0, callFailures: 0, running: 2, skipped: 0, retries: 0, rows: 0 }, 'element', 0)).toBe('0 elements · 0 done · 0 failed · 2 running');
  });
});

