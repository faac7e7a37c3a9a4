// The event queue and the runtime's state, without HTTP: invoke() queues an event, a waiting
// /next takes it, /response or /error settles it. One runtime, one invocation at a time, as in a
// Lambda execution environment. States as Lambda names them (Started, Ready, Running, InitError).
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as shapes from './errorShapes';
import type { ApiAnswer } from './errorShapes';
import type { InvokeFailure, InvokeOptions, InvokeResult } from './types';

export interface QueuedEvent {
  requestId: string;
  payload: Buffer;
  headers: Record<string, string>;
  startedAt: number;
  /** performance.now() at invoke(), for durations finer than Date.now()'s milliseconds. */
  t0: number;
  timeoutMs: number;
  settle: (result: InvokeResult) => void;
  timer?: NodeJS.Timeout;
}

/** A long-polling /next; returns false when its connection is already gone. */
export type Waiter = (event: QueuedEvent) => boolean;

type State = 'Started' | 'Ready' | 'Running' | 'InitError';

interface InitFailure {
  errorType: string;
  errorMessage: string;
  body: string;
}

export class Invocations {
  private state: State = 'Started';
  private readonly pending: QueuedEvent[] = [];
  private readonly waiters: Waiter[] = [];
  private current: QueuedEvent | undefined;
  private readonly timedOut = new Set<string>();
  private initFailure: InitFailure | undefined;

  constructor(
    private readonly functionArn: string,
    private readonly onTimeout?: (requestId: string) => void,
  ) {}

  invoke(payload: Buffer, options: InvokeOptions): Promise<InvokeResult> {
    const requestId = randomUUID();
    const startedAt = Date.now();
    const timeoutMs = options.deadlineMs !== undefined ? options.deadlineMs - startedAt : (options.timeoutMs ?? 3000);
    const deadlineMs = options.deadlineMs ?? startedAt + timeoutMs;
    const headers: Record<string, string> = {
      'Lambda-Runtime-Aws-Request-Id': requestId,
      'Lambda-Runtime-Deadline-Ms': String(deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': options.functionArn ?? this.functionArn,
      'Lambda-Runtime-Trace-Id': options.traceId ?? newTraceId(startedAt),
      ...(options.clientContext !== undefined && { 'Lambda-Runtime-Client-Context': options.clientContext }),
      ...(options.cognitoIdentity !== undefined && { 'Lambda-Runtime-Cognito-Identity': options.cognitoIdentity }),
      ...(options.tenantId !== undefined && { 'Lambda-Runtime-Aws-Tenant-Id': options.tenantId }),
      ...options.extraHeaders,
    };
    return new Promise<InvokeResult>((resolve) => {
      const event: QueuedEvent = { requestId, payload, headers, startedAt, t0: performance.now(), timeoutMs, settle: resolve };
      if (this.initFailure) return resolve(this.initFailed(event));
      event.timer = setTimeout(() => this.expire(event), Math.max(0, deadlineMs - startedAt));
      this.pending.push(event);
      this.dispatch();
    });
  }

  /** GET /next: hands over a queued event now, or keeps the waiter until one is queued. */
  next(waiter: Waiter): ApiAnswer | undefined {
    if (this.state === 'Running') return shapes.invalidStateTransition('Running', 'Ready');
    if (this.state !== 'InitError') this.state = 'Ready';
    this.waiters.push(waiter);
    this.dispatch();
    return undefined;
  }

  /** Forgets a waiter whose connection closed before an event came. */
  cancel(waiter: Waiter): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** POST /response or /error for `requestId`, whose body was `bytes` long. */
  answer(requestId: string, kind: 'response' | 'error', body: Buffer | undefined, bytes: number, errorTypeHeader?: string): ApiAnswer {
    if (this.timedOut.has(requestId)) return shapes.invalidRequestId();
    const target = kind === 'response' ? 'InvocationResponse' : 'InvocationErrorResponse';
    if (this.state !== 'Running' || !this.current) return shapes.invalidStateTransition(this.state, target);
    const event = this.current;
    if (event.requestId !== requestId) return shapes.invalidRequestId();
    this.current = undefined;
    this.state = 'Ready';
    clearTimeout(event.timer);
    const base = { requestId, durationMs: elapsed(event) };
    if (!body) {
      event.settle({ ...base, ok: false, functionError: 'Unhandled', body: '', ...shapes.responseTooLarge(bytes) });
      return shapes.requestEntityTooLarge();
    }
    const text = body.toString('utf8');
    if (kind === 'response') event.settle({ ...base, ok: true, body: text });
    else event.settle({ ...base, ok: false, functionError: 'Handled', body: text, ...errorFields(text, errorTypeHeader) });
    return shapes.accepted();
  }

  /** POST /init/error: this and every later invocation fails with it. */
  initError(body: Buffer, errorTypeHeader: string | undefined): ApiAnswer {
    const text = body.toString('utf8');
    this.initFailure = { ...errorFields(text, errorTypeHeader ?? 'Runtime.Unknown'), body: text };
    this.state = 'InitError';
    const failed = [...this.pending.splice(0), ...(this.current ? [this.current] : [])];
    this.current = undefined;
    for (const event of failed) {
      clearTimeout(event.timer);
      event.settle(this.initFailed(event));
    }
    return shapes.accepted();
  }

  /** Fails whatever is queued or running (the server is closing). */
  abandon(reason: string): void {
    const left = [...this.pending.splice(0), ...(this.current ? [this.current] : [])];
    this.current = undefined;
    this.waiters.splice(0);
    for (const event of left) {
      clearTimeout(event.timer);
      event.settle({ requestId: event.requestId, durationMs: elapsed(event), ok: false, functionError: 'Unhandled', body: '', errorType: 'Runtime.Closed', errorMessage: reason });
    }
  }

  get runtimeState(): string {
    return this.state;
  }

  private dispatch(): void {
    while (this.state !== 'Running' && this.pending.length > 0 && this.waiters.length > 0) {
      const waiter = this.waiters.shift()!;
      const event = this.pending[0]!;
      this.state = 'Running';
      this.current = event;
      let taken: boolean;
      try {
        taken = waiter(event);
      } catch (e) {
        // The event cannot be delivered (a header value the HTTP layer refuses): it fails, and
        // the runtime stays Ready for the next one instead of Running forever.
        this.pending.shift();
        this.state = 'Ready';
        this.current = undefined;
        clearTimeout(event.timer);
        const errorMessage = `the event could not be delivered to the runtime: ${e instanceof Error ? e.message : String(e)}`;
        event.settle({ requestId: event.requestId, durationMs: elapsed(event), ok: false, functionError: 'Unhandled', body: JSON.stringify({ errorMessage, errorType: 'Runtime.DeliveryFailed' }), errorType: 'Runtime.DeliveryFailed', errorMessage });
        continue;
      }
      if (taken) {
        this.pending.shift();
        return;
      }
      this.state = 'Ready';
      this.current = undefined;
    }
  }

  private expire(event: QueuedEvent): void {
    const queued = this.pending.indexOf(event);
    if (queued >= 0) this.pending.splice(queued, 1);
    else if (this.current === event) {
      this.current = undefined;
      this.state = 'Ready';
      this.timedOut.add(event.requestId);
      this.onTimeout?.(event.requestId);
    } else return;
    const error = shapes.timedOut(event.requestId, event.timeoutMs);
    event.settle({ requestId: event.requestId, durationMs: elapsed(event), ok: false, functionError: 'Unhandled', body: JSON.stringify(error), ...error });
  }

  private initFailed(event: QueuedEvent): InvokeFailure {
    const failure = this.initFailure!;
    return { requestId: event.requestId, durationMs: elapsed(event), ok: false, functionError: 'Unhandled', body: failure.body, errorType: failure.errorType, errorMessage: failure.errorMessage };
  }
}

/** errorType/errorMessage from a Lambda error document; the header's type when the body has none. */
function errorFields(text: string, headerType: string | undefined): { errorType: string; errorMessage: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const fields = (doc && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  return {
    errorType: typeof fields.errorType === 'string' ? fields.errorType : (headerType ?? 'Unhandled'),
    errorMessage: typeof fields.errorMessage === 'string' ? fields.errorMessage : text,
  };
}

/** An X-Ray trace header: Root=1-<epoch s hex>-<96 bits>;Parent=<64 bits>;Sampled=0. */
function newTraceId(now: number): string {
  const seconds = Math.floor(now / 1000).toString(16).padStart(8, '0');
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

function elapsed(event: QueuedEvent): number {
  return Math.round((performance.now() - event.t0) * 1000) / 1000;
}
