import type { Command, CommanderError } from 'commander';
import { AppError, isAppError, type ErrorCode } from '../core/errors';
import { redactSecretText } from '../core/secrets';
import { guardStdio, onStdoutClosed, stdoutIsClosed } from './output';
import { bindProgressToRun, stopAllProgress } from './progress';

/** Exit codes are a contract: 0 success, 1 a failure the user can fix, 2 usage, 130 interrupted. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

export interface GlobalOptions {
  verbose?: boolean;
}

/** Per-command settings of runCommand. Every field is optional; see `runCommand`. */
export interface RunOptions {
  /**
   * The command prints JSON (`--json`): a failure then also prints `{"error": {code, message}}` on
   * stdout. When left out, runCommand reads the `--json` flag of the command being run (main.ts
   * tells it which command that is, see `noteInvokedCommand`).
   */
  json?: boolean;
}

export interface CommandContext {
  signal: AbortSignal;
  verbose: boolean;
  cwd: string;
  /** Whether the command prints JSON, as runCommand understood it (RunOptions.json or `--json`). */
  json: boolean;
}

/** What makes the signal abort: Ctrl-C / SIGTERM, or stdout's reader going away. */
type AbortCause = 'interrupted' | 'stdout-closed';

/** How long a cancellation may take before we say we are cleaning up (and how to quit at once). */
const CANCELLING_NOTICE_MS = 400;

/** The options of the command commander is about to run (set by a preAction hook in main.ts). */
let invokedOptions: Record<string, unknown> | undefined;

/** Tells runCommand which command is running, so it can read its `--json` flag. */
export function noteInvokedCommand(command: Command): void {
  invokedOptions = command.opts();
}

/**
 * Runs one command and exits with its code:
 * - Ctrl-C (SIGINT or SIGTERM) aborts `signal`; the first press lets the command clean up (a
 *   deploy removes what it created), the second exits at once. An interrupted command exits 130
 *   with one line `rdeploy: cancelled.`, even when its body returns normally after the abort.
 * - Every error becomes one line on stderr (`rdeploy: <sentence>`), and with `--json` also
 *   `{"error": {"code", "message"}}` on stdout. A stack trace is printed only with --verbose.
 * - Progress (createProgress) still running when the body ends is stopped with the outcome:
 *   ✔ on success, ✖ on failure, "cancelled" after Ctrl-C.
 * - A closed stdout (`rdeploy ls | head -1`) is no error: the signal is aborted so a long-running
 *   body (`logs --follow`) stops, and the command exits 0 quietly.
 */
export async function runCommand(
  globals: GlobalOptions,
  body: (ctx: CommandContext) => Promise<number | void>,
  options: RunOptions = {},
): Promise<never> {
  guardStdio();
  const json = options.json ?? Boolean(invokedOptions?.json);
  const controller = new AbortController();
  let cause: AbortCause | undefined;
  const abort = (why: AbortCause) => {
    // Ctrl-C wins: a command interrupted after its stdout closed still exits 130.
    if (cause && why !== 'interrupted') return;
    cause = why;
    controller.abort(new AppError('cancelled', 'Cancelled.'));
  };

  let interrupts = 0;
  let notice: NodeJS.Timeout | undefined;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) {
      stopAllProgress('cancelled');
      process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}rdeploy: cancelled.\n`);
      process.exit(EXIT.interrupted);
    }
    abort('interrupted');
    // A command that stops at once says only "cancelled"; one that takes time to clean up says so.
    notice = setTimeout(() => {
      process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : '\n'}rdeploy: cancelling… (press Ctrl-C again to quit at once)\n`);
    }, CANCELLING_NOTICE_MS);
    notice.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const unsubscribe = onStdoutClosed(() => abort('stdout-closed'));

  const verbose = Boolean(globals.verbose);
  bindProgressToRun(controller.signal);
  let code: number;
  try {
    code = (await body({ signal: controller.signal, verbose, cwd: process.cwd(), json })) ?? EXIT.ok;
    if (cause === 'interrupted') code = finish(new AppError('cancelled', 'Cancelled.'), { verbose, json });
    else if (cause === 'stdout-closed') code = EXIT.ok;
    else stopAllProgress(code === EXIT.ok ? 'ok' : 'failed');
  } catch (e) {
    if (cause === 'stdout-closed' && isCancellation(e)) {
      stopAllProgress('cancelled');
      code = EXIT.ok;
    } else {
      code = finish(cause === 'interrupted' && !isAppError(e) ? new AppError('cancelled', 'Cancelled.') : e, { verbose, json });
      // Interrupted is interrupted, whatever error the abort made the body end with.
      if (cause === 'interrupted') code = EXIT.interrupted;
    }
  }
  if (notice) clearTimeout(notice);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  unsubscribe();
  bindProgressToRun(undefined);
  // Flush stdout before exiting: results piped to another program must arrive whole.
  await flushStdout();
  process.exit(code);
}

/** Stops the progress with the error's outcome and reports the error; returns the exit code. */
function finish(e: unknown, opts: { verbose: boolean; json: boolean }): number {
  stopAllProgress(isCancellation(e) ? 'cancelled' : 'failed');
  return reportError(e, opts.verbose, opts);
}

function isCancellation(e: unknown): boolean {
  return (isAppError(e) && e.cancelled) || (e instanceof Error && e.name === 'AbortError');
}

function flushStdout(): Promise<void> {
  if (stdoutIsClosed()) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const off = onStdoutClosed(() => resolve());
    process.stdout.write('', () => {
      off();
      resolve();
    });
  });
}

/**
 * Reports an error in one line on stderr and returns the exit code. With `json`, the same error
 * is printed on stdout as `{"error": {"code": "<AppError code>", "message": "<sentence>"}}`.
 */
export function reportError(e: unknown, verbose: boolean, opts: { json?: boolean } = {}): number {
  const { code, message, exit } = describeError(e);
  if (opts.json) printJsonError(code, message);
  if (code === 'cancelled') {
    process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}rdeploy: cancelled.\n`);
    return exit;
  }
  if (isAppError(e)) {
    process.stderr.write(`rdeploy: ${message}\n`);
    if (verbose && e.cause) process.stderr.write(`${redactSecretText(describeCause(e.cause))}\n`);
    return exit;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`rdeploy: unexpected error: ${redactSecretText(err.message)}${verbose ? '' : ' (run again with --verbose for details)'}\n`);
  if (verbose) process.stderr.write(`${redactSecretText(err.stack ?? '')}\n`);
  return exit;
}

/** Text from R or a container may quote a URL with a signature in it: that part is never printed. */
function describeError(e: unknown): { code: ErrorCode; message: string; exit: number } {
  if (isCancellation(e)) return { code: 'cancelled', message: 'Cancelled.', exit: EXIT.interrupted };
  if (isAppError(e)) return { code: e.code, message: redactSecretText(e.message), exit: e.code === 'usage' ? EXIT.usage : EXIT.failure };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: redactSecretText(`Unexpected error: ${message}`), exit: EXIT.failure };
}

function printJsonError(code: ErrorCode, message: string): void {
  if (!stdoutIsClosed()) process.stdout.write(JSON.stringify({ error: { code, message } }, null, 2) + '\n');
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? cause.message;
  return String(cause);
}

export function usageError(message: string): AppError {
  return new AppError('usage', message);
}

/**
 * commander's exitOverride for the program: a usage mistake becomes one line like every other
 * error (`rdeploy: unknown option '--jsn' (did you mean --json?); see 'rdeploy ls --help'.`),
 * with `{"error": {"code": "usage", ...}}` on stdout when the command takes `--json` and it was
 * given, and exit 2. Help and version exit 0. Pair it with `configureOutput({ outputError: () => {} })`
 * so commander's own two-line message is not printed too.
 */
export function exitOnCommanderError(program: Command, err: CommanderError, argv: string[] = process.argv.slice(2)): never {
  if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(EXIT.ok);
  // `rdeploy` alone prints the help (on stderr) and exits: nothing more to say.
  if (err.code === 'commander.help') process.exit(EXIT.usage);
  guardStdio();
  // The command is the first word of the command line that names one (`rdeploy -v ls --jsn`).
  const commandOf = (a: string) => program.commands.find((c) => a === c.name() || c.aliases().includes(a));
  const sub = argv.map(commandOf).find((c) => c !== undefined);
  const helpCmd = sub ? `rdeploy ${sub.name()} --help` : 'rdeploy --help';
  const text = err.message
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*\(Did you mean (.*)\)\s*$/s, (_m, s: string) => ` (did you mean ${s})`)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[.\s]+$/, '');
  const message = `${text.charAt(0).toUpperCase()}${text.slice(1)}; see '${helpCmd}'.`;
  const takesJson = sub?.options.some((o) => o.long === '--json') ?? false;
  const end = argv.indexOf('--');
  if (takesJson && (end < 0 ? argv : argv.slice(0, end)).includes('--json')) printJsonError('usage', message);
  process.stderr.write(`rdeploy: ${message}\n`);
  process.exit(EXIT.usage);
}
