// Finding the function a request names: by name, partial ARN or ARN, with a qualifier in the
// name or in ?Qualifier=. Only $LATEST exists here (the double publishes no versions or aliases).
import { FUNCTION_NAME_PATTERN, functionArn, parseFunctionId } from './arns';
import { functionNotFound, notActive, updateInProgress, validationError } from './errors';
import type { FunctionRecord, Store } from './store';

export function findFunction(store: Store, id: string, qualifierParam?: string | null): FunctionRecord {
  const parsed = parseFunctionId(id);
  if (!parsed) throw validationError(id, 'functionName', `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`);
  const qualifier = qualifierParam ?? parsed.qualifier;
  const place = { region: parsed.region ?? store.region, accountId: parsed.accountId ?? store.accountId };
  const arn = functionArn(place, parsed.name) + (qualifier ? `:${qualifier}` : '');
  const here = place.region === store.region && place.accountId === store.accountId;
  const fn = here ? store.functions.get(parsed.name) : undefined;
  if (!fn || (qualifier !== undefined && qualifier !== '$LATEST')) throw functionNotFound(arn);
  return fn;
}

/** Updates wait for the function to be created and for the previous update to finish. */
export function assertUpdatable(fn: FunctionRecord): void {
  if (fn.state !== 'Active') throw notActive(fn.state);
  if (fn.lastUpdateStatus === 'InProgress') throw updateInProgress(fn.arn);
}
