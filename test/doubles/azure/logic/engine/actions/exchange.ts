import { randomUUID } from 'node:crypto';
import { hasOperationOption } from '../../definition';
import { isObject } from '../../expressions/values';
import type { ActionRun, InboundResponse, OutboundRequest } from '../context';
import { isoDurationMs } from '../duration';
import { httpRequestFailed, statusName, type CloudError } from '../messages';
import type { RetryEntry } from '../records';

/**
 * One request of an action that talks HTTP (Http, Workflow), as the docs ("Handle errors and
 * exceptions", "Schema reference for trigger and action types") describe the service's handling:
 *
 * - retries on 408, 429, 5xx and no answer at all: the default policy sends up to 4 retries at
 *   exponentially growing intervals (7.5 s steps, between 5 s and 45 s: 7.5, 15, 30, 45);
 *   `retryPolicy: { type: "none" | "fixed" | "exponential", count, interval, minimumInterval,
 *   maximumInterval }` changes that (exponential: the top of the docs' random range, so runs are
 *   repeatable). A Retry-After on the answer wins;
 * - follows the asynchronous pattern: a 202 with a Location is polled with GET until the answer
 *   is not 202 (Retry-After, else every 10 s), unless `operationOptions` has DisableAsyncPattern;
 *   the polls are not retried (what a poll answers is the answer);
 * - sends the service's x-ms-workflow-* headers unless SuppressWorkflowHeaders.
 * All waits are multiplied by the run's timeScale.
 */

const ASYNC_POLL_MS = 10_000;

interface RetryPlan {
  count: number;
  delayMs(retry: number): number;
}

function retryPlan(policy: unknown): RetryPlan {
  const p = isObject(policy) ? policy : {};
  const type = typeof p.type === 'string' ? p.type.toLowerCase() : 'default';
  const dur = (v: unknown, fallback: number) => (typeof v === 'string' ? (isoDurationMs(v) ?? fallback) : fallback);
  if (type === 'none') return { count: 0, delayMs: () => 0 };
  if (type === 'fixed') {
    const interval = dur(p.interval, 5_000);
    return { count: Number(p.count ?? 4), delayMs: () => interval };
  }
  const exponential = type === 'exponential';
  const interval = exponential ? dur(p.interval, 7_500) : 7_500;
  const min = exponential ? dur(p.minimumInterval, 5_000) : 5_000;
  const max = exponential ? dur(p.maximumInterval, 86_400_000) : 45_000;
  return {
    count: exponential ? Number(p.count ?? 4) : 4,
    delayMs: (retry) => Math.min(max, Math.max(min, interval * 2 ** (retry - 1))),
  };
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

function retryAfterMs(response: InboundResponse): number | undefined {
  const value = response.headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** An answer's body: parsed when it is JSON, the text otherwise, undefined when empty. */
export function parseBody(response: InboundResponse): unknown {
  if (response.body === '') return undefined;
  if (/json/i.test(response.headers['content-type'] ?? '')) {
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      return response.body;
    }
  }
  return response.body;
}

/** The x-ms-* headers the service adds to its outbound requests. */
export function workflowHeaders(run: ActionRun): Record<string, string> {
  const { workflow, runName } = run.spec;
  const ids = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(workflow.id);
  return {
    'x-ms-workflow-id': workflow.workflowId,
    'x-ms-workflow-version': workflow.version,
    'x-ms-workflow-name': workflow.name,
    'x-ms-workflow-system-id': `/locations/${workflow.location}/scaleunits/prod-00/workflows/${workflow.workflowId}`,
    'x-ms-workflow-run-id': runName,
    'x-ms-workflow-run-tracking-id': run.correlationId,
    'x-ms-workflow-operation-name': run.name,
    'x-ms-execution-location': workflow.location,
    ...(ids ? { 'x-ms-workflow-subscription-id': ids[1]!, 'x-ms-workflow-resourcegroup-name': ids[2]! } : {}),
    'x-ms-tracking-id': run.correlationId,
    'x-ms-correlation-id': run.correlationId,
    'x-ms-client-tracking-id': runName,
    'x-ms-action-tracking-id': run.actionTrackingId,
    'User-Agent': `azure-logic-apps/1.0 (workflow ${workflow.workflowId}; version ${workflow.version})`,
  };
}

/** The headers and body text an action sends for `body`: objects as JSON, strings as text. */
export function withBody(headers: Record<string, string>, given: Record<string, unknown>, body: unknown): { headers: Record<string, string>; body?: string } {
  const out = { ...headers };
  let text: string | undefined;
  if (body !== undefined && body !== null) {
    const plain = typeof body === 'string';
    text = plain ? body : JSON.stringify(body);
    if (!Object.keys(given).some((k) => k.toLowerCase() === 'content-type')) out['Content-Type'] = plain ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  }
  for (const [k, v] of Object.entries(given)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return { headers: out, ...(text !== undefined ? { body: text } : {}) };
}

export interface ExchangeOptions {
  retryPolicy: unknown;
  /** Adds credentials to a request's headers; a CloudError (not retried) when it cannot. */
  authorize?: (headers: Record<string, string>) => Promise<CloudError | undefined>;
}

export interface Exchanged {
  /** The final answer, or why there was none. */
  answer: InboundResponse | CloudError;
  retryHistory: RetryEntry[];
}

/** Sends the request with the action's retry policy, then follows a 202 + Location to its end. */
export async function exchange(run: ActionRun, request: OutboundRequest, options: ExchangeOptions): Promise<Exchanged> {
  const suppress = hasOperationOption(run.action, 'SuppressWorkflowHeaders');
  /** One request with a fresh request id (and credentials); a CloudError when it got no answer. */
  const send = async (r: OutboundRequest): Promise<InboundResponse | (CloudError & { retry: boolean })> => {
    const h = { ...r.headers };
    if (!suppress) h['x-ms-client-request-id'] = randomUUID();
    const refused = await options.authorize?.(h);
    if (refused) return { ...refused, retry: false };
    try {
      return await run.host.send({ ...r, headers: h }, run.signal);
    } catch (e) {
      if (run.signal.aborted) throw e;
      return { ...httpRequestFailed(e instanceof Error ? e.message : String(e)), retry: true };
    }
  };

  const plan = retryPlan(options.retryPolicy);
  const retryHistory: RetryEntry[] = [];
  let answer: InboundResponse | (CloudError & { retry: boolean });
  for (let retry = 0; ; retry++) {
    const startTime = run.now().toISOString();
    answer = await send(request);
    const again = 'status' in answer ? retryable(answer.status) : answer.retry;
    if (!again || retry >= plan.count) break;
    retryHistory.push({
      startTime,
      endTime: run.now().toISOString(),
      code: 'status' in answer ? statusName(answer.status) : answer.code,
      clientRequestId: randomUUID(),
      ...('status' in answer ? { serviceRequestId: answer.headers['x-ms-request-id'] ?? randomUUID() } : { error: { code: answer.code, message: answer.message } }),
    });
    const wait = ('status' in answer ? retryAfterMs(answer) : undefined) ?? plan.delayMs(retry + 1);
    await run.sleep(wait);
  }

  while ('status' in answer && answer.status === 202 && answer.headers.location && !hasOperationOption(run.action, 'DisableAsyncPattern')) {
    await run.sleep(retryAfterMs(answer) ?? ASYNC_POLL_MS);
    const location = new URL(answer.headers.location, request.url).toString();
    const poll = await send({ method: 'GET', url: location, headers: suppress ? {} : workflowHeaders(run), ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}) });
    answer = 'status' in poll && poll.status === 202 && !poll.headers.location ? { ...poll, headers: { ...poll.headers, location } } : poll;
  }
  if ('status' in answer) return { answer, retryHistory };
  return { answer: { code: answer.code, message: answer.message }, retryHistory };
}
