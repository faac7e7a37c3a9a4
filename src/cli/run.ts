import { AppError, isAppError } from '../core/errors';

/** Exit codes are a contract: 0 success, 1 a failure the user can fix, 2 usage, 130 interrupted. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

export interface GlobalOptions {
  verbose?: boolean;
}

export interface CommandContext {
  signal: AbortSignal;
  verbose: boolean;
  cwd: string;
}

/**
 * Runs one command: cancellation on Ctrl-C (the first press aborts cleanly, so a deploy can
 * remove what it created; the second exits at once), and every error turned into one line on
 * stderr. A stack trace is printed only with --verbose.
 */
export async function runCommand(
  globals: GlobalOptions,
  body: (ctx: CommandContext) => Promise<number | void>,
): Promise<never> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write('\nrdeploy: cancelling… (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const verbose = Boolean(globals.verbose);
  let code: number;
  try {
    code = (await body({ signal: controller.signal, verbose, cwd: process.cwd() })) ?? EXIT.ok;
  } catch (e) {
    code = reportError(e, verbose);
  }
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  // Flush stdout before exiting: results piped to another program must arrive whole.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

export function reportError(e: unknown, verbose: boolean): number {
  if (isAppError(e)) {
    if (e.cancelled) {
      process.stderr.write('rdeploy: cancelled.\n');
      return EXIT.interrupted;
    }
    process.stderr.write(`rdeploy: ${e.message}\n`);
    if (verbose && e.cause) process.stderr.write(`${describeCause(e.cause)}\n`);
    return e.code === 'usage' ? EXIT.usage : EXIT.failure;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`rdeploy: unexpected error: ${err.message}${verbose ? '' : ' (run again with --verbose for details)'}\n`);
  if (verbose) process.stderr.write(`${err.stack ?? ''}\n`);
  return EXIT.failure;
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? cause.message;
  return String(cause);
}

export function usageError(message: string): AppError {
  return new AppError('usage', message);
}
