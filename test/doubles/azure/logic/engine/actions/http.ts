import { hasOperationOption } from '../../definition';
import { isObject } from '../../expressions/values';
import type { ActionRun, Outcome } from '../context';
import { statusName, tokenFailed, type CloudError } from '../messages';
import type { RetryEntry } from '../records';
import { evaluateInputs } from './basic';
import { exchange, parseBody, withBody, workflowHeaders } from './exchange';

/**
 * The HTTP action, as the docs ("Schema reference for trigger and action types", "Handle errors
 * and exceptions") describe it:
 *
 * - inputs `method`, `uri`, `queries`, `headers`, `body` (objects are sent as JSON),
 *   `authentication: { type: "ManagedServiceIdentity", audience }` (a token of the workflow's
 *   system-assigned identity; the audience defaults to https://management.azure.com/);
 * - retries, the asynchronous 202 pattern and the x-ms-workflow-* headers as exchange.ts does;
 * - ends Succeeded on 2xx, Failed otherwise, its code the status's .NET name ("NotFound");
 *   outputs `{ statusCode, headers, body }`, the body parsed when it is JSON.
 */

const DEFAULT_AUDIENCE = 'https://management.azure.com/';

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

  const base = hasOperationOption(run.action, 'SuppressWorkflowHeaders') ? {} : workflowHeaders(run);
  const { headers, body } = withBody(base, isObject(inputs.headers) ? inputs.headers : {}, inputs.body);

  if (auth && String(auth.type).toLowerCase() !== 'managedserviceidentity') {
    return failed({ code: 'BadRequest', message: `The double runs HTTP actions with 'ManagedServiceIdentity' authentication only, not '${String(auth.type)}'.` });
  }
  const audience = auth ? (typeof auth.audience === 'string' && auth.audience ? auth.audience : DEFAULT_AUDIENCE) : undefined;
  const authorize = audience
    ? async (h: Record<string, string>): Promise<CloudError | undefined> => {
        try {
          h.Authorization = `Bearer ${await run.host.token(audience)}`;
          return undefined;
        } catch (e) {
          return tokenFailed(e instanceof Error ? e.message : String(e));
        }
      }
    : undefined;

  const { answer, retryHistory } = await exchange(run, { method, url: url.toString(), headers, ...(body !== undefined ? { body } : {}) }, { retryPolicy: inputs.retryPolicy, ...(authorize ? { authorize } : {}) });
  if (!('status' in answer)) return failed(answer, retryHistory);
  const outputs: Record<string, unknown> = { statusCode: answer.status, headers: answer.headers };
  const parsed = parseBody(answer);
  if (parsed !== undefined) outputs.body = parsed;
  const ok = answer.status >= 200 && answer.status < 300;
  return { status: ok ? 'Succeeded' : 'Failed', code: statusName(answer.status), inputs: record, outputs, ...(retryHistory.length ? { retryHistory } : {}) };
}
