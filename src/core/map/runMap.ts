import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { AppError, cancelledError } from '../errors';
import { writeCsv } from './csvOutput';
import { inputIdentity } from './identity';
import { detectFormat, readUnits, type InputFormat } from './input';
import { MapCounter, type MapStats } from './counter';
import { OrderedWriter, type WriterStart } from './orderedWriter';
import { mapOutputs, readState, removeOutputs, stateMismatch, writeState, type MapOutputs, type MapState } from './outputs';
import { metaOf, recordLine, type UnitMeta } from './records';
import { scanOutput } from './resume';
import type { MapExecutor, MapTask } from './types';

export interface RunMapOptions {
  input: string;
  /** `.csv`: also the CSV, with the JSON Lines beside it (outputs.ts). */
  output: string;
  /** Rows per call for CSV and JSON Lines; must be left out for a JSON array. */
  chunkRows?: number;
  /** Start over: the earlier output is removed first. */
  restart?: boolean;
  /** Which deployment answers (a rerun resumes only the same one). */
  deployment: MapState['deployment'];
  /**
   * Makes the executor, once the input is known and the earlier output accepted (so a refused
   * resume starts no container). Closed by runMap, however the run ends.
   */
  executor(signal: AbortSignal, info: { estimatedUnits?: number }): Promise<MapExecutor>;
  signal: AbortSignal;
  /** Called on every change of the counts. */
  onProgress?(stats: MapStats): void;
  /** A call that will be tried again, and why. */
  onRetry?(index: number, attempt: number, why: string): void;
  /** Before the calls start: what it is about to do ("resuming: 40 of 100 chunks already done"). */
  onStart?(info: { executor: string; resumed: number; format: InputFormat }): void;
}

export const DEFAULT_CHUNK_ROWS = 1000;

export interface MapSummary {
  input: string;
  format: InputFormat;
  outputs: MapOutputs;
  /** Chunks or elements in the input. */
  units: number;
  unit: 'chunk' | 'element';
  rows: number;
  done: number;
  failed: number;
  callFailures: number;
  skipped: number;
  /** Of `skipped`: the handler's errors an earlier run recorded (still errors in the output). */
  failedBefore: number;
  retries: number;
  durationMs: number;
  /** Where the calls ran; undefined when there was nothing left to call. */
  executor?: string;
  /** Rows written to the CSV, when one was asked for. */
  csvRows?: number;
}

/**
 * `rdeploy map`: reads the input in units, runs one call per unit on the executor, writes one
 * record per unit in input order, and resumes: an earlier output of the same input, chunk size
 * and deployment keeps its answered records (they are not called again); any difference is
 * refused with the reason, unless `restart`.
 */
export async function runMap(opts: RunMapOptions): Promise<MapSummary> {
  const started = performance.now();
  const outputs = mapOutputs(opts.output, opts.input);
  await checkPaths(opts.input, outputs);
  const format = await detectFormat(opts.input);
  if (format === 'json-array' && opts.chunkRows !== undefined) {
    throw new AppError('usage', `${opts.input} is a JSON array: each element is one call, so --chunk-rows does not apply. Leave it out.`);
  }
  const chunkRows = format === 'json-array' ? null : (opts.chunkRows ?? DEFAULT_CHUNK_ROWS);
  const kind = format === 'json-array' ? 'element' : 'chunk';
  const identity = await inputIdentity(opts.input, opts.signal);
  const state: MapState = {
    version: 1,
    input: { file: opts.input, format, size: identity.size, sha256: identity.sha256, mtime: identity.mtime },
    chunkRows,
    deployment: opts.deployment,
  };
  if (opts.restart) await removeOutputs(outputs);

  const before = await readState(outputs.state);
  if (!before && (await stat(outputs.jsonl).catch(() => undefined))?.size) {
    throw new AppError('usage', `${outputs.jsonl} already exists and was not written by rdeploy map (there is no ${outputs.state} beside it). Choose another --output, or pass --restart to replace it.`);
  }
  const prior = await scanOutput(outputs.jsonl, kind);
  const why = prior && before ? stateMismatch(before, state) : undefined;
  if (why) {
    throw new AppError('usage', `${outputs.jsonl} holds answers that do not belong to this run: ${why}. Pass --restart to start over, or choose another --output.`);
  }
  const count = prior?.count ?? 0;
  const doneBefore = (i: number) => i <= count && !prior!.notDone.has(i);
  const rowEstimate = format === 'csv' ? Math.max(0, identity.lines - 1) : identity.lines;
  const counter = new MapCounter(chunkRows ? Math.ceil(rowEstimate / chunkRows) : undefined);
  if (before?.units !== undefined) counter.inputRead(before.units);
  const report = () => opts.onProgress?.(counter.snapshot());

  // Everything answered already: no executor, no container.
  if (before?.units !== undefined && count === before.units && prior!.notDone.size === 0) {
    for await (const unit of readUnits(opts.input, { format, chunkRows: chunkRows ?? 1 })) counter.skipped(rowsOf(metaOf(unit)));
    report();
    return finish(opts, outputs, format, kind, counter, started, undefined, prior!.errors);
  }

  await writeState(outputs.state, { ...state, ...(before?.units !== undefined ? { units: before.units } : {}) });
  const start: WriterStart = prior && prior.notDone.size > 0 ? { mode: 'rewrite', file: outputs.jsonl, count } : { mode: 'append', file: outputs.jsonl, keepBytes: prior?.keepBytes ?? 0, next: count + 1 };
  let progressed: () => void = () => undefined;
  const writer = await OrderedWriter.open(start, () => progressed());

  const metas = new Map<number, UnitMeta>();
  let units = 0;
  let executor: MapExecutor | undefined;
  try {
    const left = counter.snapshot().estimate;
    executor = await opts.executor(opts.signal, left === undefined ? {} : { estimatedUnits: Math.max(1, left - count) });
    const window = executor.window ?? Math.max(16, 4 * executor.concurrency);
    opts.onStart?.({ executor: executor.description, resumed: count - (prior?.notDone.size ?? 0), format });
    report();
    let dispatched = 0;
    // The tasks, pulled by the executor: held back while too many answers wait for an earlier one.
    const tasks = async function* (): AsyncGenerator<MapTask> {
      for await (const unit of readUnits(opts.input, { format, chunkRows: chunkRows ?? 1 })) {
        if (opts.signal.aborted) throw cancelledError();
        units = unit.index;
        const meta = metaOf(unit);
        if (doneBefore(unit.index)) {
          // Appending, the earlier records stay where they are; rewriting, they are copied over in turn.
          if (start.mode === 'rewrite') writer.put(unit.index, null);
          counter.skipped(rowsOf(meta));
          report();
          continue;
        }
        while (dispatched - writer.written >= window) await waitFor((resolve) => (progressed = resolve), opts.signal);
        metas.set(unit.index, meta);
        dispatched = unit.index;
        yield { index: unit.index, payload: unit.payload };
      }
      counter.inputRead(units);
      report();
    };
    await executor.run(
      tasks(),
      {
        started: (_index, attempt) => {
          counter.started(attempt);
          report();
        },
        retrying: (index, attempt, why) => {
          counter.retrying();
          opts.onRetry?.(index, attempt, why);
          report();
        },
        finished: (index, outcome) => {
          const meta = metas.get(index)!;
          metas.delete(index);
          counter.finished(outcome, rowsOf(meta));
          writer.put(index, recordLine(meta, outcome));
          report();
        },
      },
      opts.signal,
    );
    await writer.flush();
  } finally {
    // Complete records only, in order, whatever happened; then no container is left running.
    const closing = writer.close();
    await Promise.allSettled([closing, executor?.close()]);
    await closing;
  }
  if (opts.signal.aborted) throw cancelledError();
  await writeState(outputs.state, { ...state, units });
  return finish(opts, outputs, format, kind, counter, started, executor?.description, prior?.errors ?? 0);
}

async function finish(opts: RunMapOptions, outputs: MapOutputs, format: InputFormat, unit: 'chunk' | 'element', counter: MapCounter, started: number, executor: string | undefined, failedBefore: number): Promise<MapSummary> {
  const s = counter.snapshot();
  const csv = outputs.csv ? await writeCsv(outputs.jsonl, outputs.csv) : undefined;
  return {
    input: opts.input,
    format,
    outputs,
    units: s.total ?? counter.settled,
    unit,
    rows: s.rows,
    done: s.done,
    failed: s.failed,
    callFailures: s.callFailures,
    skipped: s.skipped,
    failedBefore,
    retries: s.retries,
    durationMs: Math.round(performance.now() - started),
    ...(executor ? { executor } : {}),
    ...(csv ? { csvRows: csv.rows } : {}),
  };
}

/** A missing input or output folder is one sentence, before anything is read or written. */
async function checkPaths(input: string, outputs: MapOutputs): Promise<void> {
  const info = await stat(input).catch(() => undefined);
  if (!info) throw new AppError('not-found', `The input ${input} does not exist. Give the path of a CSV, JSON Lines or JSON array file.`);
  if (!info.isFile()) throw new AppError('usage', `The input ${input} is not a file. Give the path of a CSV, JSON Lines or JSON array file.`);
  const folder = path.dirname(outputs.jsonl);
  if (!(await stat(folder).catch(() => undefined))?.isDirectory()) throw new AppError('usage', `The folder of the output, ${folder}, does not exist. Create it, or choose another --output.`);
}

const rowsOf = (m: UnitMeta): number => (m.kind === 'chunk' ? m.rows[1] - m.rows[0] + 1 : 1);

function waitFor(arm: (resolve: () => void) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(cancelledError());
    const onAbort = () => reject(cancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    arm(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
