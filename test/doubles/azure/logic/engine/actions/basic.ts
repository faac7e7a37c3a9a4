import { evaluateValue } from '../../expressions/template';
import { ExpressionError, isObject } from '../../expressions/values';
import type { ActionRun, Outcome } from '../context';
import { intervalMs } from '../duration';
import { inputsNotEvaluated, responseAlreadySent, responseWithoutRequest } from '../messages';

/** The action's inputs with their expressions evaluated, or the Failed outcome the service gives. */
export function evaluateInputs(run: ActionRun): { ok: true; inputs: unknown } | { ok: false; outcome: Outcome } {
  try {
    return { ok: true, inputs: evaluateValue(run.action.inputs ?? null, run.rt) };
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    return { ok: false, outcome: { status: 'Failed', code: 'BadRequest', error: inputsNotEvaluated(run.name, e.message) } };
  }
}

/** Compose: its outputs are its inputs, evaluated. */
export async function runCompose(run: ActionRun): Promise<Outcome> {
  const evaluated = evaluateInputs(run);
  if (!evaluated.ok) return evaluated.outcome;
  return { status: 'Succeeded', code: 'OK', inputs: evaluated.inputs, outputs: evaluated.inputs };
}

/** Wait ("Delay"): `interval: { count, unit }` or `until: { timestamp }`. */
export async function runWait(run: ActionRun): Promise<Outcome> {
  const evaluated = evaluateInputs(run);
  if (!evaluated.ok) return evaluated.outcome;
  const inputs = evaluated.inputs;
  let ms: number | undefined;
  if (isObject(inputs) && isObject(inputs.interval)) ms = intervalMs(inputs.interval.count, inputs.interval.unit);
  else if (isObject(inputs) && isObject(inputs.until) && typeof inputs.until.timestamp === 'string') {
    const at = Date.parse(inputs.until.timestamp);
    // The distance to the timestamp is scaled like any other wait.
    if (!Number.isNaN(at)) ms = Math.max(0, at - run.now().getTime());
  }
  if (ms === undefined) {
    return { status: 'Failed', code: 'BadRequest', error: { code: 'InvalidTemplate', message: `The inputs of the 'Wait' action '${run.name}' are not valid: give 'interval' with a 'count' and a 'unit' (Second, Minute, Hour, Day, Week, Month) or 'until' with a 'timestamp'.` } };
  }
  await run.sleep(ms);
  return { status: 'Succeeded', code: 'OK', inputs };
}

/**
 * Response: answers the HTTP request that started the run (at once, or to the caller's polls
 * when the trigger answered 202 for an "Asynchronous" Response). The status code defaults to 200.
 */
export async function runResponse(run: ActionRun): Promise<Outcome> {
  const evaluated = evaluateInputs(run);
  if (!evaluated.ok) return evaluated.outcome;
  const inputs = isObject(evaluated.inputs) ? evaluated.inputs : {};
  const rawStatus = inputs.statusCode ?? 200;
  const statusCode = typeof rawStatus === 'string' && /^\d+$/.test(rawStatus) ? Number(rawStatus) : rawStatus;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599 || (statusCode >= 300 && statusCode < 400)) {
    // The docs: any status "that starts with 2xx, 4xx, or 5xx, but not with 3xx".
    return { status: 'Failed', code: 'BadRequest', error: { code: 'InvalidTemplate', message: `The response status code '${String(rawStatus)}' of action '${run.name}' is not valid: give a 2xx, 4xx or 5xx status code.` } };
  }
  const headers: Record<string, string> = {};
  if (isObject(inputs.headers)) for (const [k, v] of Object.entries(inputs.headers)) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
  const reply = { statusCode, headers, body: inputs.body ?? null };
  const record = { statusCode, headers, ...(inputs.body !== undefined ? { body: inputs.body } : {}) };
  if (!run.spec.respond) return { status: 'Failed', code: 'BadRequest', error: responseWithoutRequest(run.name), inputs: record };
  if (!run.spec.respond(reply)) return { status: 'Failed', code: 'Conflict', error: responseAlreadySent(run.name), inputs: record };
  return { status: 'Succeeded', code: 'OK', inputs: record, outputs: record };
}
