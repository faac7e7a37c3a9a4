import { hasOperationOption } from '../../definition';
import { evaluateCondition } from '../../expressions/condition';
import { ExpressionError, typeName } from '../../expressions/values';
import type { ActionRun, Outcome } from '../context';
import { isoDurationMs } from '../duration';
import { ACTION_FAILED, expressionNotEvaluated, notABoolean, skippedByBranch } from '../messages';

/** A container's outcome from the status of the set it ran. */
function containerOutcome(status: 'Succeeded' | 'Failed' | 'Cancelled'): Outcome {
  if (status === 'Failed') return { status, code: ACTION_FAILED.code, error: ACTION_FAILED };
  if (status === 'Cancelled') return { status, code: 'Cancelled' };
  return { status, code: 'NotSpecified' };
}

/** The expression of an If or Until, or the Failed outcome the service gives when it has no boolean. */
function condition(run: ActionRun): { ok: true; value: boolean } | { ok: false; outcome: Outcome } {
  let value: unknown;
  try {
    value = evaluateCondition(run.action.expression, run.rt);
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    return { ok: false, outcome: { status: 'Failed', code: 'BadRequest', error: expressionNotEvaluated(run.name, e.message) } };
  }
  if (typeof value !== 'boolean') return { ok: false, outcome: { status: 'Failed', code: 'BadRequest', error: notABoolean(run.name, typeName(value)) } };
  return { ok: true, value };
}

/** Scope: its status is the status of the actions it holds (graph.ts, setStatus). */
export async function runScope(run: ActionRun): Promise<Outcome> {
  return containerOutcome(await run.runSet(run.action.actions ?? {}));
}

/**
 * If: runs `actions` when the expression is true, `else.actions` otherwise; the other branch's
 * actions are Skipped ("the branching condition for this action is not satisfied").
 */
export async function runIf(run: ActionRun): Promise<Outcome> {
  const c = condition(run);
  if (!c.ok) return c.outcome;
  const taken = (c.value ? run.action.actions : run.action.else?.actions) ?? {};
  const other = (c.value ? run.action.else?.actions : run.action.actions) ?? {};
  run.skipSet(other, skippedByBranch);
  return containerOutcome(await run.runSet(taken));
}

export const UNTIL_DEFAULT_COUNT = 60;
export const UNTIL_DEFAULT_TIMEOUT = 'PT1H';

/**
 * Until: runs its actions, then evaluates its expression, until the expression is true or a
 * limit is reached (`limit.count`, default 60; `limit.timeout`, default PT1H, checked between
 * iterations: a running iteration is not stopped). What the docs ("Run loops", Until loop
 * considerations) say the service does, and the double does too:
 *
 * - the Until's status is that of its last iteration: Succeeded when all its actions succeeded,
 *   Failed when one failed there; a failure in an earlier iteration does not stop the loop;
 * - reaching a limit is NOT a failure: the loop just ends, Succeeded if the last iteration was;
 * - with `"operationOptions": "FailWhenLimitsReached"` reaching a limit ends it TimedOut
 *   (undocumented; reported in Azure/logicapps#439, "sets the outcome of the Until to Timed out").
 */
export async function runUntil(run: ActionRun): Promise<Outcome> {
  const limit = run.action.limit ?? {};
  const count = limit.count ?? UNTIL_DEFAULT_COUNT;
  const timeoutMs = isoDurationMs(limit.timeout ?? UNTIL_DEFAULT_TIMEOUT) ?? 0;
  const started = run.now().getTime();
  let iterations = 0;
  for (;;) {
    iterations++;
    const status = await run.runSet(run.action.actions ?? {});
    if (status === 'Cancelled') return { ...containerOutcome(status), iterations };
    const c = condition(run);
    if (!c.ok) return { ...c.outcome, iterations };
    if (c.value) return { ...containerOutcome(status), iterations };
    const elapsed = run.now().getTime() - started;
    if (iterations >= count || elapsed >= timeoutMs * run.timeScale) {
      if (hasOperationOption(run.action, 'FailWhenLimitsReached')) {
        return {
          status: 'TimedOut',
          code: 'ActionTimedOut',
          iterations,
          // Double's wording: no public text for this error.
          error: { code: 'ActionTimedOut', message: `The 'Until' action '${run.name}' reached its limits (count '${count}', timeout '${limit.timeout ?? UNTIL_DEFAULT_TIMEOUT}') before its expression became true.` },
        };
      }
      return { ...containerOutcome(status), iterations };
    }
  }
}
