// Invoke (POST /2015-03-31/functions/{name}/invocations). The test's onInvoke plays the function;
// the double plays Lambda around it: payload limits, the Active check, the function's timeout,
// START/END/REPORT log lines, the log tail header, and the log lines handed to onLog.
import { randomUUID } from 'node:crypto';
import {
  eventPayloadTooLarge,
  MAX_ASYNC_PAYLOAD_BYTES,
  MAX_SYNC_PAYLOAD_BYTES,
  notActive,
  requestTooLarge,
  validationError,
} from './errors';
import type { Answer, Handler, Request } from './http';
import { findFunction } from './lookup';
import type { FunctionRecord } from './store';
import type { InvocationType, InvokedFunction, InvokeOutcome, LambdaInvokeHandler } from './types';

export interface InvokeDeps {
  onInvoke: LambdaInvokeHandler;
  onLog?: (logGroup: string, lines: string[]) => void;
}

const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'];
/** "The last 4 KB of the execution log" (Invoke API reference, X-Amz-Log-Result). */
const LOG_TAIL_BYTES = 4096;
/** What Lambda lets a function answer synchronously: 6 MB and a little framing. (unverified) */
const MAX_RESPONSE_BYTES = 6_291_556;
/** The double cannot measure a handler's memory; REPORT shows this figure (or the function's
 * memory size, if smaller) so log parsers see the field in its usual place. */
const REPORTED_MEMORY_USED_MB = 64;

export const echo: LambdaInvokeHandler = async (_fn, payload) => ({ payload, logLines: [] });

export function invokeHandler(deps: InvokeDeps): Handler {
  return async (req: Request): Promise<Answer> => {
    const type = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (!INVOCATION_TYPES.includes(type)) {
      throw validationError(type, 'invocationType', `Member must satisfy enum value set: [${INVOCATION_TYPES.join(', ')}]`);
    }
    // The payload limits are checked before the function is looked up, as the front end does.
    if (type === 'Event' && req.bodyBytes > MAX_ASYNC_PAYLOAD_BYTES) throw eventPayloadTooLarge(req.bodyBytes);
    if (req.bodyBytes > MAX_SYNC_PAYLOAD_BYTES) throw requestTooLarge(MAX_SYNC_PAYLOAD_BYTES, 'InvokeFunction');
    const fn = findFunction(req.store, req.params.name!, req.query.get('Qualifier'));
    if (fn.state !== 'Active') throw notActive(fn.state);
    if (type === 'DryRun') return { status: 204 };
    const invoked = invokedFunction(fn);
    if (type === 'Event') {
      // Nobody waits for an Event invocation: a failure of it has no one to go to.
      void run(deps, invoked, req.body, 'Event').catch(() => undefined);
      return { status: 202 };
    }
    const result = await run(deps, invoked, req.body, 'RequestResponse');
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST' };
    if (result.functionError) headers['X-Amz-Function-Error'] = result.functionError;
    if (header(req, 'x-amz-log-type') === 'Tail') headers['X-Amz-Log-Result'] = logTail(result.lines);
    return { status: 200, headers, raw: result.payload };
  };
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** $LATEST as an invocation runs it: the previous version while an update is in progress. */
function invokedFunction(fn: FunctionRecord): InvokedFunction {
  const v = fn.running;
  return {
    name: fn.name,
    arn: fn.arn,
    handler: v.handler ?? '',
    memoryMb: v.memoryMb,
    timeoutSeconds: v.timeoutSeconds,
    packageType: v.code.packageType,
    ...(v.code.imageUri !== undefined ? { imageUri: v.code.imageUri } : {}),
    code: v.code.zip,
    layers: v.layers.map((l) => l.zip),
    environment: { ...v.environment },
  };
}

interface Ran {
  payload: Buffer;
  functionError?: 'Handled' | 'Unhandled';
  lines: string[];
}

async function run(deps: InvokeDeps, fn: InvokedFunction, payload: Buffer, type: InvocationType): Promise<Ran> {
  const requestId = randomUUID();
  const started = performance.now();
  const outcome = await withinTimeout(fn, requestId, () => deps.onInvoke(fn, payload, type));
  const ms = performance.now() - started;
  const lines = [
    `START RequestId: ${requestId} Version: $LATEST`,
    ...outcome.logLines,
    `END RequestId: ${requestId}`,
    // Lambda separates the REPORT fields with tabs.
    `REPORT RequestId: ${requestId}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(ms))} ms\tMemory Size: ${fn.memoryMb} MB\tMax Memory Used: ${Math.min(fn.memoryMb, REPORTED_MEMORY_USED_MB)} MB`,
  ];
  deps.onLog?.(`/aws/lambda/${fn.name}`, lines);
  if (type === 'RequestResponse' && outcome.payload.length > MAX_RESPONSE_BYTES) {
    const error = { errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`, errorType: 'Function.ResponseSizeTooLarge' };
    return { payload: Buffer.from(JSON.stringify(error)), functionError: 'Unhandled', lines };
  }
  return { payload: outcome.payload, functionError: outcome.functionError, lines };
}

/**
 * The handler, bounded by the function's timeout as Lambda bounds it. A handler that throws is
 * treated as a runtime that crashed (the test double's reading; Lambda cannot see exceptions).
 */
async function withinTimeout(fn: InvokedFunction, requestId: string, call: () => Promise<InvokeOutcome>): Promise<InvokeOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const seconds = fn.timeoutSeconds.toFixed(2);
  const timedOut = new Promise<InvokeOutcome>((resolve) => {
    timer = setTimeout(() => {
      const error = { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds` };
      resolve({ payload: Buffer.from(JSON.stringify(error)), functionError: 'Unhandled', logLines: [`${new Date().toISOString()} ${requestId} Task timed out after ${seconds} seconds`] });
    }, fn.timeoutSeconds * 1000);
  });
  const crashed = (e: unknown): InvokeOutcome => {
    const message = e instanceof Error ? e.message : String(e);
    const error = { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${message}` };
    return { payload: Buffer.from(JSON.stringify(error)), functionError: 'Unhandled', logLines: [error.errorMessage] };
  };
  try {
    return await Promise.race([Promise.resolve().then(call).catch(crashed), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** X-Amz-Log-Result: base64 of the last 4 KB of the log. */
function logTail(lines: string[]): string {
  const log = Buffer.from(lines.join('\n') + '\n');
  return log.subarray(Math.max(0, log.length - LOG_TAIL_BYTES)).toString('base64');
}
