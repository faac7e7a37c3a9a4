import { isAppError } from '../errors';
import type { HandlerError } from './types';

/**
 * A call that got no answer (the connection failed, the container died, the cloud refused it
 * for the moment) is tried again; an answer — even an R error — never is: it is what the handler
 * says about that chunk, and would say again.
 */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before try `attempt` + 1. */
  delayMs(attempt: number): number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, delayMs: (attempt) => Math.min(4000, 250 * 2 ** (attempt - 1)) };

/**
 * What a slot throws when a call got no answer. `retryable: false` is for what a retry cannot
 * change (a payload over the size limit): recorded at once as an error of type `errorType`.
 */
export class CallFailure extends Error {
  override readonly name = 'CallFailure';
  constructor(
    message: string,
    readonly retryable = true,
    readonly errorType = 'CallFailed',
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** How a thrown error counts: cancellation stops the map; a refused payload is final; anything else is retried. */
export function classifyFailure(e: unknown): 'cancelled' | { retryable: boolean; error: HandlerError } {
  if ((isAppError(e) && e.cancelled) || (e instanceof Error && e.name === 'AbortError')) return 'cancelled';
  if (e instanceof CallFailure) return { retryable: e.retryable, error: { errorType: e.errorType, errorMessage: e.message } };
  if (isAppError(e) && e.code === 'payload-invalid') return { retryable: false, error: { errorType: 'PayloadRefused', errorMessage: e.message } };
  const message = e instanceof Error ? e.message : String(e);
  return { retryable: true, error: { errorType: 'CallFailed', errorMessage: message } };
}

/** Whether try `attempt` (from 1) that failed this way is followed by another. */
export function shouldRetry(policy: RetryPolicy, attempt: number, failure: { retryable: boolean }): boolean {
  return failure.retryable && attempt < policy.attempts;
}
