/**
 * The one error type of R Deploy. `message` is the sentence a user reads: what is wrong and
 * what to do. `code` is stable and machine-readable (CLI `--json`, tests). `cause` keeps the
 * underlying error for `--verbose` and logs; it is never shown as the answer to a mistake.
 */
export type ErrorCode =
  | 'usage'
  | 'project-not-found'
  | 'lockfile-invalid'
  | 'config-invalid'
  | 'unsafe-value'
  | 'docker-unavailable'
  | 'build-failed'
  | 'deploy-failed'
  | 'not-found'
  | 'invoke-failed'
  | 'payload-invalid'
  | 'busy'
  | 'cancelled'
  | 'internal';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }

  get cancelled(): boolean {
    return this.code === 'cancelled';
  }
}

export function cancelledError(): AppError {
  return new AppError('cancelled', 'Cancelled.');
}

/** Throws the standard cancellation error when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
