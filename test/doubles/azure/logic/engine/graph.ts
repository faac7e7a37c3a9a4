import type { ActionDefinition } from '../definition';
import type { ActionStatus } from './records';

/**
 * The `runAfter` graph of one sibling set, as the service's docs ("Handle errors and exceptions",
 * "Catch and handle failures by changing run after behavior") describe it:
 *
 * - an action with no `runAfter` (or `{}`) starts when its set starts;
 * - it runs once every predecessor has ended in one of the statuses listed for it; if one ended in
 *   another status, the action is Skipped;
 * - a set's status follows its branches: each action no sibling runs after ends a branch; a
 *   branch that ends in a Skipped action takes the status of that action's predecessors; if any
 *   branch ends in failure the set (scope, If branch, Until iteration, run) is Failed.
 */

/** The predecessors and the statuses each must end in; an empty list means ["Succeeded"]. */
export function runAfterOf(action: ActionDefinition): Array<{ name: string; statuses: string[] }> {
  return Object.entries(action.runAfter ?? {}).map(([name, statuses]) => ({
    name,
    statuses: Array.isArray(statuses) && statuses.length > 0 ? statuses : ['Succeeded'],
  }));
}

/** The first predecessor whose status the action does not accept (statuses compare without case). */
export function unmetPredecessor(
  action: ActionDefinition,
  statusOf: (name: string) => ActionStatus | undefined,
): { name: string; expected: string[]; actual: ActionStatus } | undefined {
  for (const { name, statuses } of runAfterOf(action)) {
    const actual = statusOf(name);
    if (actual === undefined) continue;
    if (!statuses.some((s) => s.toLowerCase() === actual.toLowerCase())) return { name, expected: statuses, actual };
  }
  return undefined;
}

/** Whether every predecessor of the action has ended. */
export function predecessorsEnded(action: ActionDefinition, statusOf: (name: string) => ActionStatus | undefined): boolean {
  return runAfterOf(action).every(({ name }) => {
    const s = statusOf(name);
    return s !== undefined && s !== 'Running';
  });
}

const FAILING: ReadonlySet<ActionStatus> = new Set(['Failed', 'TimedOut']);

/**
 * The status of a finished sibling set: Failed when a branch ends in failure, Cancelled when one
 * was cancelled, else Succeeded (an empty set succeeds).
 */
export function setStatus(actions: Record<string, ActionDefinition>, statusOf: (name: string) => ActionStatus | undefined): 'Succeeded' | 'Failed' | 'Cancelled' {
  const followed = new Set(Object.values(actions).flatMap((a) => runAfterOf(a).map((p) => p.name)));
  const terminals = Object.keys(actions).filter((name) => !followed.has(name));
  const memo = new Map<string, 'Succeeded' | 'Failed' | 'Cancelled'>();
  const branch = (name: string, seen: Set<string>): 'Succeeded' | 'Failed' | 'Cancelled' => {
    const known = memo.get(name);
    if (known) return known;
    const status = statusOf(name);
    let result: 'Succeeded' | 'Failed' | 'Cancelled';
    if (status === undefined || status === 'Running') result = 'Succeeded';
    else if (FAILING.has(status)) result = 'Failed';
    else if (status === 'Cancelled') result = 'Cancelled';
    else if (status === 'Succeeded') result = 'Succeeded';
    else {
      // Skipped: the branch ends as its predecessors did.
      const predecessors = runAfterOf(actions[name] ?? { type: '' }).map((p) => p.name).filter((p) => !seen.has(p) && p in actions);
      const outcomes = predecessors.map((p) => branch(p, new Set([...seen, name])));
      result = outcomes.includes('Failed') ? 'Failed' : outcomes.includes('Cancelled') ? 'Cancelled' : 'Succeeded';
    }
    memo.set(name, result);
    return result;
  };
  const outcomes = terminals.map((t) => branch(t, new Set()));
  if (outcomes.includes('Failed')) return 'Failed';
  if (outcomes.includes('Cancelled')) return 'Cancelled';
  return 'Succeeded';
}
