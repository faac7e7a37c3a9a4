import { unknownFunctionMessage } from './evaluate';
import { arityMessage, lookupFunction, type ExpressionRuntime } from './functions';
import { evaluateValue, piecesIn, type Piece } from './template';
import { ExpressionError, isObject } from './values';

/**
 * The `expression` of an If (and Until) action: an expression string (`"@equals(a, b)"`) or the
 * designer's object form, where each object has one key, a function name, and its arguments:
 * `{ "and": [ { "equals": [ "@trigger().name", "manual" ] } ] }`; `not` takes one object.
 */

type Condition = { op: string; args: unknown[] };

function asCondition(value: unknown): Condition | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const op = keys[0]!;
  const raw = value[op];
  return { op, args: Array.isArray(raw) ? raw : [raw] };
}

export function evaluateCondition(expression: unknown, rt: ExpressionRuntime): unknown {
  const run = (value: unknown): unknown => {
    const condition = asCondition(value);
    if (!condition) return evaluateValue(value, rt);
    const def = lookupFunction(condition.op);
    if (!def) throw new ExpressionError(unknownFunctionMessage(condition.op));
    if (condition.args.length < def.min || condition.args.length > def.max) throw new ExpressionError(arityMessage(condition.op, def, condition.args.length));
    if (def.lazy) return def.run(condition.args.map((arg) => () => run(arg)), rt);
    return def.run(condition.args.map(run), rt);
  };
  return run(expression);
}

/** The function names and expressions a condition uses, for validation at save time. */
export function conditionParts(expression: unknown): { functions: string[]; pieces: Piece[] } {
  const functions: string[] = [];
  const pieces: Piece[] = [];
  const walk = (value: unknown) => {
    const condition = asCondition(value);
    if (!condition) {
      pieces.push(...piecesIn(value));
      return;
    }
    functions.push(condition.op);
    condition.args.forEach(walk);
  };
  walk(expression);
  return { functions, pieces };
}
