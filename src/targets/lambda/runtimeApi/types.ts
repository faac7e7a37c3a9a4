// The data of the Runtime API server (server.ts): what an invoke takes and gives back, what the
// server records, and the faults a test can inject.

/** Lambda's synchronous invoke request limit (the Invoke API refuses more). */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
/** Largest response or error document a runtime may POST: 6 MiB + 100 bytes, as Lambda's
 * Runtime API (and its open-source emulator) enforces it. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

export interface InvokeOptions {
  /** Absolute deadline, epoch ms (Lambda-Runtime-Deadline-Ms). Default: now + timeoutMs. */
  deadlineMs?: number;
  /** The function's timeout; default 3000 ms, Lambda's default. Ignored when deadlineMs is given. */
  timeoutMs?: number;
  /** Lambda-Runtime-Invoked-Function-Arn; default the server's functionArn. */
  functionArn?: string;
  /** Lambda-Runtime-Client-Context (JSON text, as the caller's base64-decoded ClientContext). */
  clientContext?: string;
  /** Lambda-Runtime-Cognito-Identity (JSON text). */
  cognitoIdentity?: string;
  /** Lambda-Runtime-Trace-Id; default a fresh X-Ray trace header. */
  traceId?: string;
  /** Lambda-Runtime-Aws-Tenant-Id (tenant isolation mode). */
  tenantId?: string;
  /** Further headers on the /next answer: newer headers a runtime must tolerate (test seam). */
  extraHeaders?: Record<string, string>;
}

interface ResultBase {
  requestId: string;
  /** From invoke() to the runtime's answer (or the failure). */
  durationMs: number;
  /** The answer's bytes as the runtime sent them (Invoke's Payload), UTF-8. */
  body: string;
}

export interface InvokeSuccess extends ResultBase {
  ok: true;
}

export interface InvokeFailure extends ResultBase {
  ok: false;
  /** Handled: the runtime POSTed /error. Unhandled: the platform failed the invocation (init
   * error, timeout, oversized response), as X-Amz-Function-Error says. */
  functionError: 'Handled' | 'Unhandled';
  errorType: string;
  errorMessage: string;
}

export type InvokeResult = InvokeSuccess | InvokeFailure;

/** An invoke refused before it reached the runtime, as the Invoke API refuses it. */
export class InvokeRequestError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = errorType;
  }
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Names lower-case, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
  /** The status the server answered (0: the connection was dropped by an injected fault). */
  status: number;
  receivedAt: number;
}

export type RouteName = 'next' | 'response' | 'error' | 'initError';

/** Test seam: the next `times` (default 1) requests to `route` are answered this way instead. */
export type RuntimeApiFault = { route: RouteName; times?: number } & (
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'disconnect' }
  | { kind: 'delay'; ms: number }
);

export interface RuntimeApiServerOptions {
  /** Default Lambda-Runtime-Invoked-Function-Arn. */
  functionArn?: string;
  /** Frame /next answers with chunked transfer coding instead of Content-Length (test seam:
   * both are legal HTTP/1.1, a runtime must read either). */
  chunkedNext?: boolean;
  /** Called when an invocation passes its deadline: in Lambda the execution environment is
   * then torn down, which the caller (the local twin) does by stopping the runtime. */
  onTimeout?: (requestId: string) => void;
}
