import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { poolExecutor, runMap, type CallAnswer, type CallSlot, type MapStats, type RunMapOptions } from '../../../src/core/map';
import { CallFailure } from '../../../src/core/map/retry';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-map-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => path.join(dir, `${n++}-${name}`);
function file(name: string, text: string): string {
  const p = fresh(name);
  writeFileSync(p, text);
  return p;
}
const lines = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const deployment = { name: 'm', target: 'local', deployedAt: '2026-11-30T00:00:00.000Z' };

/**
 * A handler in JavaScript standing in for R: doubles x; an R-style error when a chunk holds a
 * negative x; answers after a random delay so that chunks finish out of order.
 */
function handler(payload: string): CallAnswer {
  const v = JSON.parse(payload) as { x: number[] } | number;
  const xs = typeof v === 'number' ? [v] : v.x;
  if (xs.some((x) => x < 0)) return { ok: false, error: { errorType: 'simpleError', errorMessage: 'x must not be negative' } };
  const value = typeof v === 'number' ? v * 2 : { y: xs.map((x) => x * 2) };
  return { ok: true, value, raw: JSON.stringify(value) };
}

interface Slots {
  slots: CallSlot[];
  calls: string[];
  /** Fail the next `n` calls of payloads matching without an answer. */
  failNext(match: RegExp, n: number): void;
  closed: number;
}
function memorySlots(k: number, opts: { delayMs?: number } = {}): Slots {
  const calls: string[] = [];
  const failures: { match: RegExp; left: number }[] = [];
  const s: Slots = {
    calls,
    closed: 0,
    failNext: (match, left) => void failures.push({ match, left }),
    slots: Array.from({ length: k }, () => ({
      async call(payload: string, signal: AbortSignal) {
        calls.push(payload);
        await new Promise((r) => setTimeout(r, Math.random() * (opts.delayMs ?? 3)));
        if (signal.aborted) throw new Error('aborted');
        const f = failures.find((x) => x.match.test(payload) && x.left > 0);
        if (f) {
          f.left--;
          throw new CallFailure('socket hang up');
        }
        return handler(payload);
      },
    })),
  };
  return s;
}

function options(input: string, output: string, slots: Slots, more: Partial<RunMapOptions> = {}): RunMapOptions {
  return {
    input,
    output,
    deployment,
    signal: new AbortController().signal,
    executor: async () => poolExecutor(slots.slots, { description: 'memory', retry: { attempts: 3, delayMs: () => 1 }, close: async () => void s(slots) }),
    ...more,
  };
}
const s = (slots: Slots) => slots.closed++;

function csvOf(rows: number, bad: number[] = []): string {
  let t = 'x\n';
  for (let i = 1; i <= rows; i++) t += `${bad.includes(i) ? -i : i}\n`;
  return t;
}

describe('runMap', () => {
  it('writes one record per chunk in input order, with rows counted from 1, whatever order they finish in', async () => {
    const input = file('in.csv', csvOf(95));
    const out = fresh('out.jsonl');
    const slots = memorySlots(4, { delayMs: 8 });
    const summary = await runMap(options(input, out, slots, { chunkRows: 10 }));
    const recs = lines(out);
    expect(recs.map((r) => r.chunk)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(recs[0]).toEqual({ chunk: 1, rows: [1, 10], result: { y: [2, 4, 6, 8, 10, 12, 14, 16, 18, 20] } });
    expect(recs[9]).toEqual({ chunk: 10, rows: [91, 95], result: { y: [182, 184, 186, 188, 190] } });
    expect(summary).toMatchObject({ units: 10, unit: 'chunk', rows: 95, done: 10, failed: 0, skipped: 0, format: 'csv' });
    expect(slots.calls).toHaveLength(10);
    expect(slots.closed).toBe(1);
    // The answers are exactly those of one call per chunk: each call got exactly its chunk.
    expect(slots.calls.map((c) => (JSON.parse(c) as { x: number[] }).x.length).sort((a, b) => a - b)).toEqual([5, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
  });

  it('records a handler error as an answer (not retried); retries a failure without an answer, then records it', async () => {
    const input = file('in.csv', csvOf(30, [15]));
    const out = fresh('out.jsonl');
    const slots = memorySlots(2);
    slots.failNext(/"x":\[1,2,3/, 1); // chunk 1 fails once, then answers
    slots.failNext(/"x":\[21,/, 5); // chunk 3 never answers
    const retries: number[] = [];
    const summary = await runMap(options(input, out, slots, { chunkRows: 10, onRetry: (i) => retries.push(i) }));
    const recs = lines(out);
    expect(recs[0]).toMatchObject({ chunk: 1, result: { y: expect.any(Array) } });
    expect(recs[1]).toEqual({ chunk: 2, rows: [11, 20], error: { errorType: 'simpleError', errorMessage: 'x must not be negative' } });
    expect(recs[2]).toEqual({ chunk: 3, rows: [21, 30], error: { errorType: 'rdeploy.CallFailed', errorMessage: 'socket hang up' }, attempts: 3 });
    expect(retries.sort()).toEqual([1, 3, 3]);
    expect(slots.calls.filter((c) => c.includes('-15'))).toHaveLength(1); // the R error was not retried
    expect(summary).toMatchObject({ done: 1, failed: 2, callFailures: 1, retries: 3 });
  });

  it('resumes: done chunks are not called again, a torn last line is dropped, failed calls are made again in place', async () => {
    const input = file('in.csv', csvOf(50, [25]));
    const out = fresh('out.jsonl');
    const first = memorySlots(1);
    first.failNext(/"x":\[6,/, 3); // chunk 2 has no answer after 3 tries
    const controller = new AbortController();
    // Stop after chunk 4 is written (one slot: in order).
    await expect(
      runMap(options(input, out, first, { chunkRows: 5, signal: controller.signal, onProgress: (st: MapStats) => void (st.done + st.failed >= 4 && controller.abort()) })),
    ).rejects.toThrow(/Cancelled/);
    expect(first.closed).toBe(1);
    const kept = lines(out);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.map((r) => r.chunk)).toEqual(kept.map((_, i) => i + 1));
    expect(kept[1]).toMatchObject({ error: { errorType: 'rdeploy.CallFailed' } });
    appendFileSync(out, '{"chunk":99,"rows":[1,'); // what a crash mid-write leaves

    const second = memorySlots(3);
    const summary = await runMap(options(input, out, second, { chunkRows: 5 }));
    const recs = lines(out);
    expect(recs.map((r) => r.chunk)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(recs[1]).toMatchObject({ chunk: 2, result: { y: [12, 14, 16, 18, 20] } });
    expect(recs[4]).toMatchObject({ chunk: 5, error: { errorType: 'simpleError' } });
    const calledAgain = second.calls.map((c) => (JSON.parse(c) as { x: number[] }).x[0]);
    // Chunk 2 (failed call) and the chunks the first run had not written; never chunk 1.
    expect(calledAgain).toContain(6);
    expect(calledAgain).not.toContain(1);
    expect(summary.skipped).toBe(kept.length - 1);
    expect(summary.units).toBe(10);

    // A third run has nothing to do: no executor is even made.
    let made = 0;
    const third = await runMap({ ...options(input, out, memorySlots(1), { chunkRows: 5 }), executor: async () => (made++, poolExecutor([], { description: 'none' })) });
    expect(made).toBe(0);
    expect(third).toMatchObject({ skipped: 10, done: 0, rows: 50, failedBefore: 1 }); // chunk 5's R error is still the answer
    expect(lines(out)).toEqual(recs);
  });

  it('refuses to resume another input, chunk size or deployment, in one sentence; --restart starts over', async () => {
    const input = file('in.csv', csvOf(20));
    const out = fresh('out.jsonl');
    await runMap(options(input, out, memorySlots(2), { chunkRows: 5 }));
    writeFileSync(input, csvOf(21));
    await expect(runMap(options(input, out, memorySlots(1), { chunkRows: 5 }))).rejects.toThrow(/do not belong to this run: the input is not the same file as then .*--restart/);
    writeFileSync(input, csvOf(20));
    await expect(runMap(options(input, out, memorySlots(1), { chunkRows: 4 }))).rejects.toThrow(/the chunks were 5 rows then, 4 now/);
    await expect(runMap({ ...options(input, out, memorySlots(1), { chunkRows: 5 }), deployment: { ...deployment, deployedAt: 'later' } })).rejects.toThrow(/deployed again since/);
    const slots = memorySlots(1);
    const summary = await runMap(options(input, out, slots, { chunkRows: 4, restart: true }));
    expect(summary).toMatchObject({ units: 5, done: 5, skipped: 0 });
    expect(lines(out)).toHaveLength(5);
  });

  it('refuses an output it did not write, and an output that is the input', async () => {
    const input = file('in.csv', csvOf(3));
    const other = file('notes.jsonl', '{"hello": 1}\n');
    await expect(runMap(options(input, other, memorySlots(1)))).rejects.toThrow(/was not written by rdeploy map/);
    await expect(runMap(options(input, input, memorySlots(1)))).rejects.toThrow(/is the input/);
    await expect(runMap(options(fresh('missing.csv'), fresh('o.jsonl'), memorySlots(1)))).rejects.toThrow(/The input .*missing\.csv does not exist/);
    await expect(runMap(options(input, path.join(dir, 'no-such-folder', 'o.jsonl'), memorySlots(1)))).rejects.toThrow(/The folder of the output, .*no-such-folder, does not exist/);
  });

  it('maps a JSON array one element per call, as {"index": i, "result": …}', async () => {
    const input = file('grid.json', '[1, 2, -3, 4]');
    const out = fresh('out.jsonl');
    const summary = await runMap(options(input, out, memorySlots(2)));
    expect(lines(out)).toEqual([
      { index: 1, result: 2 },
      { index: 2, result: 4 },
      { index: 3, error: { errorType: 'simpleError', errorMessage: 'x must not be negative' } },
      { index: 4, result: 8 },
    ]);
    expect(summary).toMatchObject({ unit: 'element', units: 4, done: 3, failed: 1 });
    await expect(runMap(options(input, fresh('o.jsonl'), memorySlots(1), { chunkRows: 2 }))).rejects.toThrow(/--chunk-rows does not apply/);
  });

  it('--output x.csv: one row per input row beside x.jsonl, failed chunks with their error', async () => {
    const input = file('in.csv', csvOf(7, [6]));
    const out = fresh('scores.csv');
    const summary = await runMap(options(input, out, memorySlots(2), { chunkRows: 3 }));
    expect(summary.outputs.jsonl).toBe(out.replace(/\.csv$/, '.jsonl'));
    expect(existsSync(summary.outputs.jsonl)).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe('row,y,error\n1,2,\n2,4,\n3,6,\n4,,x must not be negative\n5,,x must not be negative\n6,,x must not be negative\n7,14,\n');
    expect(summary.csvRows).toBe(7);
  });

  it('counts progress: running never below 0, and done + failed = units at the end', async () => {
    const input = file('in.csv', csvOf(40, [3]));
    const seen: MapStats[] = [];
    const slots = memorySlots(3);
    slots.failNext(/"x":\[9,/, 1);
    await runMap(options(input, fresh('o.jsonl'), slots, { chunkRows: 4, onProgress: (st) => seen.push(st) }));
    expect(Math.min(...seen.map((st) => st.running))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...seen.map((st) => st.running))).toBeLessThanOrEqual(3);
    expect(seen[0]!.estimate).toBe(10);
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ total: 10, done: 9, failed: 1, running: 0, retries: 1, rows: 40 });
  });

  it('stops at once when every slot is gone, and keeps what was written', async () => {
    const input = file('in.csv', csvOf(10));
    const out = fresh('o.jsonl');
    const slot: CallSlot = { call: async () => Promise.reject(new CallFailure('connection refused')), recover: async () => false };
    await expect(runMap({ ...options(input, out, memorySlots(1), { chunkRows: 2 }), executor: async () => poolExecutor([slot, slot], { description: 'dead', noun: 'container', retry: { attempts: 3, delayMs: () => 1 } }) })).rejects.toThrow(
      /No container is left that answers \(the last failure: connection refused\)/,
    );
    expect(readFileSync(out, 'utf8')).toBe('');
  });
});

describe('runMap with a container that dies for good', () => {
  it('hands its chunk to another container even while the window holds the input back', { timeout: 10_000 }, async () => {
    const input = file('in.csv', csvOf(40));
    const out = fresh('o.jsonl');
    let deadCalls = 0;
    // The dead one fails its first call only after the live one has filled the window (16 answers waiting for chunk 1).
    const dead: CallSlot = { call: async () => (deadCalls++, await new Promise((r) => setTimeout(r, 150)), Promise.reject(new CallFailure('connection reset'))), recover: async () => false };
    const live = memorySlots(1).slots[0]!;
    const summary = await runMap({ ...options(input, out, memorySlots(1), { chunkRows: 1 }), executor: async () => poolExecutor([dead, live], { description: 'one dies', retry: { attempts: 3, delayMs: () => 1 } }) });
    expect(deadCalls).toBe(1);
    expect(summary).toMatchObject({ units: 40, done: 40, failed: 0, retries: 1 });
    expect(lines(out).map((r) => r.chunk)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});
