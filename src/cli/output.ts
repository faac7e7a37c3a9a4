import { settleDeferredProgress } from './progress';

/** stdout carries results (JSON with --json); stderr carries everything meant for a person. */
export function printJson(value: unknown): void {
  settleDeferredProgress();
  if (!stdoutClosed) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function print(line = ''): void {
  settleDeferredProgress();
  if (!stdoutClosed) process.stdout.write(line + '\n');
}

export function note(line: string): void {
  settleDeferredProgress();
  process.stderr.write(line + '\n');
}

/** A plain text table with left-aligned columns. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [fmt(headers), ...rows.map(fmt)].join('\n');
}

/*
 * A reader that goes away (`rdeploy ls | head -1`, `| true`) closes stdout: the next write fails
 * with EPIPE, which Node would throw as an unhandled 'error' event with a stack trace. Unix tools
 * stop quietly instead; so do we: the error is swallowed, later writes are dropped, and whoever
 * listens (runCommand) is told, so a long-running command (`logs --follow`) can stop.
 */
let stdoutClosed = false;
let guarded = false;
const closedListeners = new Set<() => void>();

/** True once stdout's reader has gone away. */
export function stdoutIsClosed(): boolean {
  return stdoutClosed;
}

/** Calls `fn` (once) when stdout's reader goes away; returns a function that unsubscribes. */
export function onStdoutClosed(fn: () => void): () => void {
  if (stdoutClosed) {
    fn();
    return () => undefined;
  }
  closedListeners.add(fn);
  return () => closedListeners.delete(fn);
}

/** Installs the handlers that make a closed stdout or stderr quiet. Idempotent. */
export function guardStdio(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', () => {
    // EPIPE, or any other failure to write results: there is no one left to read them.
    if (stdoutClosed) return;
    stdoutClosed = true;
    for (const fn of [...closedListeners]) fn();
    closedListeners.clear();
  });
  // Messages to a closed stderr (`2>&1 | head`) are lost; that must not crash the command.
  process.stderr.on('error', () => undefined);
}
