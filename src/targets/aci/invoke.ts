import { azureFailure, redactAzure } from '../../clouds/azure/failure';
import type { InvokeResult } from '../../core/deployment';
import { AppError, cancelledError } from '../../core/errors';
import type { DeploymentRecord } from '../../core/records/record';
import type { TargetContext } from '../Target';
import { aciClients, recordScope, type AciClients } from './clients';
import { aciRecordDetails } from './details';
import { REQUEST_TRIGGER } from './workflow';

/** How long to wait between two looks at a running run when Logic Apps does not say (Retry-After). */
const POLL_MS = 2_000;

/**
 * One run through the HTTP trigger: the callback URL is fetched now and only held in memory (its
 * `sig` is a secret), the payload POSTed, and the 202's Location followed until the workflow's
 * asynchronous Response answers. 200: the handler's result; 500: the handler's error (an answer,
 * not a failure); 502: the run ended without a result (one sentence with its run id).
 */
export async function invokeAci(record: DeploymentRecord, payload: string, ctx: TargetContext): Promise<InvokeResult> {
  const d = aciRecordDetails(record.details);
  if (!d.workflowName || !d.resourceGroup || !d.workflowId) throw new AppError('invoke-failed', `"${record.name}" has no Logic App yet (its status is ${record.status}). Deploy it with \`rdeploy deploy --target aci\`.`);
  const scoped = { ...ctx, record };
  const { logic } = await aciClients(scoped, recordScope(scoped));
  let callback: string;
  try {
    callback = (await logic.workflowTriggers.listCallbackUrl(d.resourceGroup, d.workflowName, REQUEST_TRIGGER)).value ?? '';
  } catch (e) {
    throw new AppError('invoke-failed', azureFailure(`Getting the trigger URL of ${d.workflowName}`, e).message, { cause: e });
  }
  if (!callback) throw new AppError('invoke-failed', `The Logic App ${d.workflowName} gave no trigger URL; redeploy it.`);
  const started = performance.now();
  // A run may take the whole timeout, then the workflow still deletes the group and answers.
  const deadline = Date.now() + ((d.timeoutMinutes ?? 30) + 5) * 60_000;
  let res = await send(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload }, ctx.signal);
  let runId = res.headers.get('x-ms-workflow-run-id') ?? undefined;
  while (res.status === 202) {
    const location = res.headers.get('location');
    if (!location) break;
    const wait = Math.min(Number(res.headers.get('retry-after') ?? 0) * 1000 || POLL_MS, 10_000);
    ctx.progress?.report({ message: `Run ${runId ?? ''} is running (the container group starts, scores and is deleted)` });
    await sleep(wait, ctx.signal);
    if (Date.now() > deadline) throw new AppError('invoke-failed', `The run ${runId ?? ''} did not answer within ${(d.timeoutMinutes ?? 30) + 5} minutes; \`rdeploy logs ${record.name}\` shows where it is.`);
    res = await send(location, { method: 'GET' }, ctx.signal);
    runId ??= res.headers.get('x-ms-workflow-run-id') ?? undefined;
  }
  const durationMs = Math.round(performance.now() - started);
  const raw = await res.text();
  let body: unknown = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    // not JSON: the raw text is the answer
  }
  const run = runId ? { runId } : {};
  if (res.status === 200) return { ok: true, body, raw, durationMs, ...run };
  if (res.status === 500 && isHandlerError(body)) return { ok: false, body, raw, durationMs, ...run };
  const why = isHandlerError(body) ? (body as { errorMessage: string }).errorMessage : `HTTP ${res.status}${raw ? `: ${redactAzure(raw).slice(0, 300)}` : ''}`;
  const refused = runId ? await createRefused(logic, d.resourceGroup, d.workflowName, runId) : false;
  throw new AppError(
    'invoke-failed',
    refused
      ? `The run ${runId} of ${d.workflowName} could not create its container group: Azure refused the Logic App's identity. Right after a deploy its new role assignments can take a few minutes to apply; invoke again shortly. If it persists, check the role assignments of ${d.workflowName} (rdeploy status).`
      : `The run${runId ? ` ${runId}` : ''} of ${d.workflowName} failed: ${why}`,
  );
}

/** Whether the run's create was refused as unauthorised (a new role assignment not yet in effect). */
async function createRefused(logic: AciClients['logic'], rg: string, wf: string, runId: string): Promise<boolean> {
  try {
    const action = await logic.workflowRunActions.get(rg, wf, runId, 'Create_container_group');
    return action.status === 'Failed' && /^(Forbidden|Unauthorized|AuthorizationFailed|LinkedAuthorizationFailed)$/i.test(action.code ?? '');
  } catch {
    return false; // the run history is a hint here, not the answer
  }
}

const isHandlerError = (body: unknown): boolean => typeof (body as { errorType?: unknown } | null)?.errorType === 'string';

async function send(url: string, init: RequestInit, signal?: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, { ...init, ...(signal ? { signal } : {}) });
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    // The URL carries the trigger's signature: the message names the host only.
    const host = new URL(url).host;
    const code = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new AppError('invoke-failed', `The Logic App's trigger at ${host} could not be reached (${code}).`, { cause: redactAzure(String(e)) });
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError());
    const timer = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    const onAbort = () => (clearTimeout(timer), reject(cancelledError()));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
