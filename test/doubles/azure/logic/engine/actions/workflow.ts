import { hasOperationOption } from '../../definition';
import { isObject } from '../../expressions/values';
import type { ActionRun, Outcome } from '../context';
import { statusName, type CloudError } from '../messages';
import type { RetryEntry } from '../records';
import { evaluateInputs } from './basic';
import { exchange, parseBody, withBody, workflowHeaders } from './exchange';

/**
 * The Workflow action ("Choose a Logic Apps workflow": call a child, or nested, workflow), as the
 * docs ("Schema reference for trigger and action types" → Workflow action; "Create workflows that
 * you can call, trigger, or nest") describe it:
 *
 * - inputs `host: { triggerName, workflow: { id } }`, `body`, `headers`, `retryPolicy`: a request
 *   to the child's Request trigger, which starts a run of the child (its run history shows it
 *   like any request run, under the trigger's name);
 * - the child must exist, in the parent's subscription and (as the designer's list of workflows
 *   to call shows) its region, and have the Request trigger named; otherwise the action fails
 *   with the answer the host gives (the double's wording where the service's is not public);
 * - the answer is the child's Response: synchronous, or 202 + Location for an asynchronous one,
 *   which the parent follows until the answer ("the parent workflow continues to wait for a
 *   response until all the steps are completed, regardless of how much time is required": no
 *   120 s limit). A child without a Response answers 202 at once: Succeeded, with no body;
 * - outputs `{ statusCode, headers, body }`; Succeeded on 2xx, Failed otherwise (the child's 500,
 *   or 502 NoResponse when it ended without answering), its code the status's name;
 * - the retry policy applies as to an HTTP action: with the default one a child answering 5xx
 *   is called 5 times in all, as users of the service report ("Cascading effects of nested
 *   Logic Apps": "Logic App 2 got retried 4 times, which results in 5 failed instances").
 */
export async function runWorkflow(run: ActionRun): Promise<Outcome> {
  const evaluated = evaluateInputs(run);
  if (!evaluated.ok) return evaluated.outcome;
  const inputs = isObject(evaluated.inputs) ? evaluated.inputs : {};
  const host = isObject(inputs.host) ? inputs.host : {};
  const triggerName = typeof host.triggerName === 'string' ? host.triggerName : '';
  const id = isObject(host.workflow) && typeof host.workflow.id === 'string' ? host.workflow.id : '';
  const record: Record<string, unknown> = { host: { triggerName, workflow: { id } } };
  if (inputs.headers !== undefined) record.headers = inputs.headers;
  if (inputs.body !== undefined) record.body = inputs.body;
  if (inputs.retryPolicy !== undefined) record.retryPolicy = inputs.retryPolicy;
  const failed = (status: number, error: CloudError, retryHistory: RetryEntry[] = []): Outcome => ({
    status: 'Failed',
    code: statusName(status),
    error,
    inputs: record,
    outputs: { statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { error } },
    ...(retryHistory.length ? { retryHistory } : {}),
  });

  if (!run.host.nestedTrigger) throw new Error('the host of this run has no workflows to call (EngineHost.nestedTrigger)');
  const target = await run.host.nestedTrigger(id, triggerName);
  if ('error' in target) return failed(target.status, target.error);

  const base = hasOperationOption(run.action, 'SuppressWorkflowHeaders') ? {} : workflowHeaders(run);
  const { headers, body } = withBody(base, isObject(inputs.headers) ? inputs.headers : {}, inputs.body);
  const request = { method: target.method, url: target.url, headers, ...(body !== undefined ? { body } : {}), timeoutMs: 0 };
  const { answer, retryHistory } = await exchange(run, request, { retryPolicy: inputs.retryPolicy });
  if (!('status' in answer)) {
    return { status: 'Failed', code: answer.code, error: answer, inputs: record, ...(retryHistory.length ? { retryHistory } : {}) };
  }
  const outputs: Record<string, unknown> = { statusCode: answer.status, headers: answer.headers };
  const parsed = parseBody(answer);
  if (parsed !== undefined) outputs.body = parsed;
  const ok = answer.status >= 200 && answer.status < 300;
  return { status: ok ? 'Succeeded' : 'Failed', code: statusName(answer.status), inputs: record, outputs, ...(retryHistory.length ? { retryHistory } : {}) };
}
