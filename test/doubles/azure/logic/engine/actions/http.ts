import { randomUUID } from 'node:crypto';
import { hasOperationOption } from '../../definition';
import { isObject } from '../../expressions/values';
import type { ActionRun, InboundResponse, OutboundRequest, Outcome } from '../context';
import { isoDurationMs } from '../duration';
import { httpRequestFailed, statusName, tokenFailed, type CloudError } from '../messages';
import type { RetryEntry } from '../records';
import { evaluateInputs } from './basic';

/**
 * The HTTP action, as the docs ("Schema reference for trigger and action types", "Handle errors
 * and exceptions") describe it:
 *
 * - inputs `method`, `uri`, `queries`, `headers`, `body` (objects are sent as JSON),
 *   `authentication: { type: "ManagedServiceIdentity", audience }` (a token of the workflow's
 *   system-assigned identity; the audience defaults to https://management.azure.com/);
 * - retries on 408, 429, 5xx and no answer at all: the default policy sends up to 4 retries at
 *   exponentially growing intervals (7.5 s steps, between 5 s and 45 s: 7.5, 15, 30, 45);
 *   `retryPolicy: { type: "none" | "fixed" | "exponential", count, interval, minimumInterval,
 *   maximumInterval }` changes that (exponential: the top of the docs' random range, so runs are
 *   repeatable). A Retry-After on the answer wins;
 * - follows the asynchronous pattern: a 202 with a Location is polled with GET until the answer
 *   is not 202 (Retry-After, else every 10 s), unless `operationOptions` has DisableAsyncPattern;
 * - ends Succeeded on 2xx, Failed otherwise, its code the status's .NET name ("NotFound");
 *   outputs `{ statusCode, headers, body }`, the body parsed when it is JSON;
 * - sends the service's x-ms-workflow-* headers unless SuppressWorkflowHeaders.
 * All waits are multiplied by the run's timeScale.
 */

const DEFAULT_AUDIENCE = 'https://management.azure.com/';
const ASYNC_POLL_MS = 10_000;

interface RetryPlan {
  type: string;
  count: number;
  delayMs(retry: number): number;
}

function retryPlan(policy: unknown): RetryPlan {
  const p = isObject(policy) ? policy : {};
  const type = typeof p.type === 'string' ? p.type.toLowerCase() : 'default';
  const dur = (v: unknown, fallback: number) => (typeof v === 'string' ? (isoDurationMs(v) ?? fallback) : fallback);
  if (type === 'none') return { type, count: 0, delayMs: () => 0 };
  if (type === 'fixed') {
    const interval = dur(p.interval, 5_000);
    return { type, count: Number(p.count ?? 4), delayMs: () => interval };
  }
  const exponential = type === 'exponential';
  const interval = exponential ? dur(p.interval, 7_500) : 7_500;
  const min = exponential ? dur(p.minimumInterval, 5_000) : 5_000;
  const max = exponential ? dur(p.maximumInterval, 86_400_000) : 45_000;
  return {
    type,
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

function parseBody(response: InboundResponse): unknown {
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
function workflowHeaders(run: ActionRun): Record<string, string> {
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

export async function runHttp(run: ActionRun): Promise<Outcome> {
  const evaluated = evaluateInputs(run);
  if (!evaluated.ok) return evaluated.outcome;
  const inputs = isObject(evaluated.inputs) ? evaluated.inputs : {};
  const method = typeof inputs.method === 'string' ? inputs.method.toUpperCase() : '';
  const uri = typeof inputs.uri === 'string' ? inputs.uri : '';
  const auth = isObject(inputs.authentication) ? inputs.authentication : undefined;
  const record: Record<string, unknown> = { uri, method };
  if (inputs.headers !== undefined) record.headers = inputs.headers;
  if (inputs.queries !== undefined) record.queries = inputs.queries;
  if (inputs.body !== undefined) record.body = inputs.body;
  if (auth) record.authentication = { type: auth.type, ...(auth.audience !== undefined ? { audience: auth.audience } : {}) };
  if (inputs.retryPolicy !== undefined) record.retryPolicy = inputs.retryPolicy;
  const failed = (error: CloudError, retryHistory?: RetryEntry[]): Outcome => ({ status: 'Failed', code: error.code, error, inputs: record, retryHistory });

  let url: URL;
  try {
    url = new URL(uri);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
  } catch {
    return failed({ code: 'InvalidTemplate', message: `The 'uri' of HTTP action '${run.name}' is not valid: '${uri}' is not an absolute http or https URI.` });
  }
  if (isObject(inputs.queries)) for (const [k, v] of Object.entries(inputs.queries)) url.searchParams.append(k, typeof v === 'string' ? v : JSON.stringify(v));

  const headers: Record<string, string> = hasOperationOption(run.action, 'SuppressWorkflowHeaders') ? {} : workflowHeaders(run);
  const given = isObject(inputs.headers) ? inputs.headers : {};
  let body: string | undefined;
  if (inputs.body !== undefined && inputs.body !== null) {
    const text = typeof inputs.body === 'string';
    body = text ? (inputs.body as string) : JSON.stringify(inputs.body);
    if (!Object.keys(given).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = text ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  }
  for (const [k, v] of Object.entries(given)) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);

  let audience: string | undefined;
  if (auth) {
    if (String(auth.type).toLowerCase() !== 'managedserviceidentity') {
      return failed({ code: 'BadRequest', message: `The double runs HTTP actions with 'ManagedServiceIdentity' authentication only, not '${String(auth.type)}'.` });
    }
    audience = typeof auth.audience === 'string' && auth.audience ? auth.audience : DEFAULT_AUDIENCE;
  }

  /** One request with a fresh token and request id; a CloudError when it got no answer or no token. */
  const send = async (request: OutboundRequest): Promise<InboundResponse | (CloudError & { retry: boolean })> => {
    const h = { ...request.headers };
    if (!hasOperationOption(run.action, 'SuppressWorkflowHeaders')) h['x-ms-client-request-id'] = randomUUID();
    if (audience) {
      try {
        h.Authorization = `Bearer ${await run.host.token(audience)}`;
      } catch (e) {
        return { ...tokenFailed(e instanceof Error ? e.message : String(e)), retry: false };
      }
    }
    try {
      return await run.host.send({ ...request, headers: h }, run.signal);
    } catch (e) {
      if (run.signal.aborted) throw e;
      return { ...httpRequestFailed(e instanceof Error ? e.message : String(e)), retry: true };
    }
  };

  const plan = retryPlan(inputs.retryPolicy);
  const retryHistory: RetryEntry[] = [];
  const request: OutboundRequest = { method, url: url.toString(), headers, ...(body !== undefined ? { body } : {}) };
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

  // The asynchronous pattern: poll the Location of a 202 until the answer is something else.
  while ('status' in answer && answer.status === 202 && answer.headers.location && !hasOperationOption(run.action, 'DisableAsyncPattern')) {
    await run.sleep(retryAfterMs(answer) ?? ASYNC_POLL_MS);
    const location = new URL(answer.headers.location, request.url).toString();
    const poll = await send({ method: 'GET', url: location, headers: hasOperationOption(run.action, 'SuppressWorkflowHeaders') ? {} : workflowHeaders(run) });
    answer = 'status' in poll && poll.status === 202 && !poll.headers.location ? { ...poll, headers: { ...poll.headers, location } } : poll;
  }

  if (!('status' in answer)) return failed({ code: answer.code, message: answer.message }, retryHistory);
  const outputs: Record<string, unknown> = { statusCode: answer.status, headers: answer.headers };
  const parsed = parseBody(answer);
  if (parsed !== undefined) outputs.body = parsed;
  const ok = answer.status >= 200 && answer.status < 300;
  return { status: ok ? 'Succeeded' : 'Failed', code: statusName(answer.status), inputs: record, outputs, ...(retryHistory.length ? { retryHistory } : {}) };
}
