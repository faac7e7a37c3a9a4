import type { Progress } from '../core/deployment';

/**
 * Progress for the terminal: a spinner with the current phase and the latest log line on a TTY,
 * plain lines otherwise (CI logs). Everything goes to stderr so stdout carries only results.
 *
 * How a phase ended is part of the output: `✔ Building image` when it succeeded, `✖ Building
 * image` when the command failed, `⊘ Building image (cancelled)` after Ctrl-C. Commands only
 * create the progress; `runCommand` stops every progress still running when the command ends,
 * with the outcome it knows (ok, failed, cancelled). A command may call `stop()` itself, even in
 * a `finally`: without an outcome, the mark waits until the command prints something (ok) or
 * runCommand learns how it ended; after an abort it is "cancelled". Stopping twice does nothing.
 */
export type ProgressOutcome = 'ok' | 'failed' | 'cancelled';

export interface CliProgress extends Progress {
  stop(outcome?: ProgressOutcome): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARKS: Record<ProgressOutcome, (phase: string) => string> = {
  ok: (phase) => `✔ ${phase}`,
  failed: (phase) => `✖ ${phase}`,
  cancelled: (phase) => `⊘ ${phase} (cancelled)`,
};

/** Progresses not stopped yet, so runCommand can stop them with the command's outcome. */
const active = new Set<CliProgress>();
/** Progresses whose stop() came without an outcome inside a command: their mark waits for it. */
const deferred = new Set<CliProgress>();
/** The signal of the command being run (set by runCommand): a default stop() after an abort is "cancelled". */
let runSignal: AbortSignal | undefined;

/** Called by runCommand when a command starts (with its signal) and ends (with undefined). */
export function bindProgressToRun(signal: AbortSignal | undefined): void {
  runSignal = signal;
}

/** Stops every progress still running with `outcome` (runCommand calls this when a command ends). */
export function stopAllProgress(outcome: ProgressOutcome): void {
  for (const p of [...active]) p.stop(outcome);
}

/**
 * A command that goes on printing did not fail: the marks that waited for the outcome are ✔.
 * output.ts calls this before each line it prints, so the marks come before the results.
 */
export function settleDeferredProgress(): void {
  for (const p of [...deferred]) p.stop('ok');
}

interface ProgressImpl {
  report: CliProgress['report'];
  /** Stop animating and clear the line; the mark may follow later. */
  halt(): void;
  /** Print how it ended (after halt or instead of it). */
  finish(outcome: ProgressOutcome): void;
}

/**
 * Wraps `impl` so that stop() runs once and leaves the registry. Inside a command, a stop()
 * without an outcome (typically in a `finally`) cannot tell success from failure: it clears the
 * spinner at once and leaves the mark to whatever comes next — the command printing more (ok),
 * or runCommand seeing it fail (✖) or be cancelled.
 */
function tracked(impl: ProgressImpl): CliProgress {
  let state: 'running' | 'deferred' | 'stopped' = 'running';
  const progress: CliProgress = {
    report: (update) => {
      if (state === 'running') impl.report(update);
    },
    stop: (outcome) => {
      if (state === 'stopped') return;
      if (outcome === undefined && state === 'running' && runSignal && !runSignal.aborted) {
        state = 'deferred';
        deferred.add(progress);
        impl.halt();
        return;
      }
      state = 'stopped';
      active.delete(progress);
      deferred.delete(progress);
      impl.finish(outcome ?? (runSignal?.aborted ? 'cancelled' : 'ok'));
    },
  };
  active.add(progress);
  return progress;
}

export function createProgress(opts: { verbose: boolean; quiet: boolean; stream?: NodeJS.WriteStream }): CliProgress {
  const out = opts.stream ?? process.stderr;
  if (opts.quiet) return tracked({ report: () => undefined, halt: () => undefined, finish: () => undefined });
  if (!out.isTTY) return plainProgress(out, opts.verbose);

  let phase = '';
  let lastLine = '';
  let frame = 0;
  const render = () => {
    const width = Math.max(20, (out.columns || 80) - 1);
    const tail = lastLine ? `  ${lastLine}` : '';
    const text = `${FRAMES[frame % FRAMES.length]} ${phase}${tail}`.replace(/\s+/g, ' ');
    out.write(`\r\x1b[2K${text.slice(0, width)}`);
  };
  const timer = setInterval(() => {
    frame++;
    render();
  }, 80);
  timer.unref();
  return tracked({
    report({ message, line, note }) {
      if (note) out.write(`\r\x1b[2Krdeploy: note: ${note}\n`);
      if (message) {
        // Steps of one phase ("Building image (3/20): …") update the line in place.
        if (phase && phaseOf(phase) !== phaseOf(message)) out.write(`\r\x1b[2K${MARKS.ok(phaseOf(phase))}\n`);
        phase = message;
        lastLine = '';
      }
      if (line !== undefined) {
        if (opts.verbose) out.write(`\r\x1b[2K${line}\n`);
        lastLine = line.trim();
      }
      render();
    },
    halt() {
      clearInterval(timer);
      out.write('\r\x1b[2K');
    },
    finish(outcome) {
      clearInterval(timer);
      out.write(phase ? `\r\x1b[2K${MARKS[outcome](phaseOf(phase))}\n` : '\r\x1b[2K');
      phase = '';
    },
  });
}

/**
 * Every message of a build ("Building image (3/20): copying your code", "Building the R Deploy
 * runtime (5/8): …") is one phase, and so is every "still waiting" of a wait.
 */
const PHASES = ['Building image', 'Building the R Deploy runtime', 'Waiting for another deploy'];
function phaseOf(message: string): string {
  return PHASES.find((p) => message.startsWith(p)) ?? message;
}

/** Plain lines: each phase is announced when it starts; the error line (from runCommand) says how it ended. */
function plainProgress(out: NodeJS.WritableStream, verbose: boolean): CliProgress {
  return tracked({
    report({ message, line, note }) {
      if (note) out.write(`rdeploy: note: ${note}\n`);
      if (message) out.write(`rdeploy: ${message}\n`);
      if (line !== undefined && verbose) out.write(`  ${line}\n`);
    },
    halt: () => undefined,
    finish: () => undefined,
  });
}
