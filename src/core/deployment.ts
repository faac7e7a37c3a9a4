/**
 * What every target answers, whatever it runs on: the result of an invocation, a log line, and
 * the live state. Target-neutral, so the views in core and the extension use them without
 * reaching up into src/targets.
 */
export interface InvokeResult {
  /** true when the handler returned a value, false when it raised an R error. */
  ok: boolean;
  /** The parsed JSON the handler answered (a value, or {errorType, errorMessage}). */
  body: unknown;
  /** The raw JSON text, exactly as the runtime sent it. */
  raw: string;
  durationMs: number;
  billedDurationMs?: number;
  /** The end of the function's log for this call, when the target returns it (Lambda: the last 4 KB). */
  logTail?: string;
  /** The cloud's id of the run that answered (a Logic App run), to find its logs and history. */
  runId?: string;
}

export interface LogEvent {
  timestamp: string;
  stream: 'stdout' | 'stderr';
  message: string;
}

export interface Status {
  state: 'running' | 'stopped' | 'missing' | 'unhealthy' | 'starting';
  detail?: string;
}

/** Reports progress of long work. `message` is a short phase; `line` is streamed log output; `note` a remark worth keeping. */
export interface Progress {
  report(update: { message?: string; line?: string; note?: string; increment?: number }): void;
}
