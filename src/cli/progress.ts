import type { Progress } from '../targets/Target';

/**
 * Progress for the terminal: a spinner with the current phase and the latest log line on a TTY,
 * plain lines otherwise (CI logs). Everything goes to stderr so stdout carries only results.
 *
 * How a phase ended is part of the output: `✔ Building image` when it succeeded, `✖ Building
 * image` when the command failed, `⊘ Building image (cancelled)` after Ctrl-C. Commands only
 * create the progress; `runCommand` stops every progress still running when the command ends,
 * with the outcome it knows (ok, failed, cancelled). A command may call `stop()` itself once its
 * work succeeded (so the ✔ line comes before its results); `stop()` without an outcome means ok,
 * unless the command's signal was aborted (then cancelled). Stopping twice does nothing.
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
/** The signal of the command being run (set by runCommand): a default stop() after an abort is "cancelled". */
let runSignal: AbortSignal | undefined;

/** Called by runCommand when a command starts. */
export function bindProgressToRun(signal: AbortSignal | undefined): void {
  runSignal = signal;
}

/** Stops every progress still running with `outcome` (runCommand calls this when a command ends). */
export function stopAllProgress(outcome: ProgressOutcome): void {
  for (const p of [...active]) p.stop(outcome);
}

function defaultOutcome(): ProgressOutcome {
  return runSignal?.aborted ? 'cancelled' : 'ok';
}

/** Wraps `impl` so that stop() runs once, with the default outcome, and leaves the registry. */
function tracked(impl: { report: CliProgress['report']; stop(outcome: ProgressOutcome): void }): CliProgress {
  let stopped = false;
  const progress: CliProgress = {
    report: (update) => {
      if (!stopped) impl.report(update);
    },
    stop: (outcome) => {
      if (stopped) return;
      stopped = true;
      active.delete(progress);
      impl.stop(outcome ?? defaultOutcome());
    },
  };
  active.add(progress);
  return progress;
}

export function createProgress(opts: { verbose: boolean; quiet: boolean; stream?: NodeJS.WriteStream }): CliProgress {
  const out = opts.stream ?? process.stderr;
  if (opts.quiet) return tracked({ report: () => undefined, stop: () => undefined });
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
    report({ message, line }) {
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
    stop(outcome) {
      clearInterval(timer);
      out.write(phase ? `\r\x1b[2K${MARKS[outcome](phaseOf(phase))}\n` : '\r\x1b[2K');
      phase = '';
    },
  });
}

/** Every message of the build ("Building image (3/20): copying your code") is one phase. */
function phaseOf(message: string): string {
  return message.startsWith('Building image') ? 'Building image' : message;
}

/** Plain lines: each phase is announced when it starts; the error line (from runCommand) says how it ended. */
function plainProgress(out: NodeJS.WritableStream, verbose: boolean): CliProgress {
  return tracked({
    report({ message, line }) {
      if (message) out.write(`rdeploy: ${message}\n`);
      if (line !== undefined && verbose) out.write(`  ${line}\n`);
    },
    stop: () => undefined,
  });
}
