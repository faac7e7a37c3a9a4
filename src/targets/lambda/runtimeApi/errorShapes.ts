// The Runtime API's own answers, as Lambda (and its open-source Runtime Interface Emulator,
// rapi/rendering) writes them: {errorMessage, errorType} JSON with the status code.
import { MAX_RESPONSE_BYTES } from './types';

export interface ApiAnswer {
  status: number;
  body: Record<string, string>;
}

export const accepted = (): ApiAnswer => ({ status: 202, body: { status: 'OK' } });

/** An id that is not the invocation in progress (unknown, or timed out). */
export const invalidRequestId = (): ApiAnswer => ({
  status: 400,
  body: { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' },
});

/** A call the runtime's state does not allow (a second answer, /next while one is running). */
export const invalidStateTransition = (from: string, to: string): ApiAnswer => ({
  status: 403,
  body: {
    errorMessage: `State transition from ${from} to ${to} failed for runtime. Error: State transition is not allowed`,
    errorType: 'InvalidStateTransition',
  },
});

export const requestEntityTooLarge = (): ApiAnswer => ({
  status: 413,
  body: {
    errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
    errorType: 'RequestEntityTooLarge',
  },
});

/** What the invoker gets for an oversized response (X-Amz-Function-Error: Unhandled). */
export const responseTooLarge = (bytes: number) => ({
  errorType: 'Function.ResponseSizeTooLarge',
  errorMessage: `Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
});

export const timedOut = (requestId: string, timeoutMs: number) => ({
  errorType: 'Sandbox.Timedout',
  errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
});
