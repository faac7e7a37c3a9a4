/**
 * `rdeploy map`: one handler call per chunk of rows (or per element of a JSON array), the answers
 * gathered in input order. The types every part shares: the units read from the input, the
 * tasks an executor runs, and what it reports back.
 */

/** One call's worth of input: a chunk of rows (CSV, JSON Lines) or one element of a JSON array. */
export type MapUnit =
  | { kind: 'chunk'; /** from 1 */ index: number; /** data rows, from 1, header not counted */ rows: [number, number]; payload: string }
  | { kind: 'element'; /** from 1 */ index: number; payload: string };

/** What the handler (or the runtime, for a payload it refused) answered for one unit. */
export interface HandlerError {
  errorType: string;
  errorMessage: string;
}

/**
 * How one unit ended:
 * - `result`: the handler's answer (`raw` is its JSON text when the executor has it, kept verbatim);
 * - `error`: an answer too (the handler raised an R error, or the runtime refused the payload): never retried;
 * - `failed`: no answer could be had (transport, a container that died) after `attempts` tries.
 */
export type UnitOutcome =
  | { kind: 'result'; value: unknown; raw?: string; attempts: number }
  | { kind: 'error'; error: HandlerError; attempts: number }
  | { kind: 'failed'; error: HandlerError; attempts: number };

/** A unit as an executor sees it: which one, and the exact JSON text to send. */
export interface MapTask {
  index: number;
  payload: string;
}

export interface MapEvents {
  /** A call for the task started (again, after a failure: `attempt` > 1). */
  started(index: number, attempt: number): void;
  /** A call failed without an answer and will be made again (`attempt` is the one that failed). */
  retrying(index: number, attempt: number, why: string): void;
  /** The unit is settled; called once per task. */
  finished(index: number, outcome: UnitOutcome): void;
}

/**
 * Where the calls run. The generic one (poolExecutor) runs concurrent calls on slots — containers,
 * concurrent invocations — with the retry policy; a target may bring its own (Batch: one job,
 * one task per chunk) through `Target.map`. Nothing else in `rdeploy map` knows which it is.
 */
export interface MapExecutor {
  /** For people: "2 containers of rdeploy/mtcars:1a2b3c on local Docker". */
  readonly description: string;
  /** How many calls it runs at once: the driver keeps at least this many tasks available. */
  readonly concurrency: number;
  /**
   * How many unwritten answers the driver may hold while an earlier one is still running (the
   * output is written in input order). Default: 4 × concurrency, at least 16.
   */
  readonly window?: number;
  /**
   * Runs the tasks (pulled as it has room; the iterable applies back-pressure), reporting each
   * through `events`. Resolves when every task pulled has finished; rejects with the cancellation
   * error when `signal` aborts (unfinished tasks are then not reported), or with an AppError when
   * it cannot go on at all (no container can serve).
   */
  run(tasks: AsyncIterable<MapTask>, events: MapEvents, signal: AbortSignal): Promise<void>;
  /** Releases everything it started (containers): called once the run ended, however it ended. Idempotent. */
  close(): Promise<void>;
}

/** What a target's own executor is asked for (`Target.map`). */
export interface MapExecutorOptions {
  /** At most this many calls at once (the target may use fewer: local Docker, the cores). */
  concurrency: number;
  /** About how many calls there will be (from the input's line count), so that a short map starts no more containers than it has chunks. */
  estimatedUnits?: number;
}
