import { arityMessage, lookupFunction, type ExpressionRuntime } from './functions';
import type { Expr } from './parser';
import { asText, ExpressionError, findProperty, isObject, typeName } from './values';

const DOCS = 'Please see https://aka.ms/logicexpressions for usage details.';

/** `The template function 'x' is not defined or not valid.` (the service's save-time text). */
export const unknownFunctionMessage = (name: string) => `The template function '${name}' is not defined or not valid.`;

/**
 * Evaluates a parsed expression. `source` is the expression's text: the service quotes it whole
 * in its messages ("The template language expression 'triggerBody()['x']' cannot be evaluated
 * because property 'x' doesn't exist, available properties are 'a, b'.").
 */
export function evaluate(expr: Expr, source: string, rt: ExpressionRuntime): unknown {
  const run = (e: Expr): unknown => {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'call': {
        const def = lookupFunction(e.name);
        if (!def) throw new ExpressionError(unknownFunctionMessage(e.name));
        if (e.args.length < def.min || e.args.length > def.max) throw new ExpressionError(arityMessage(e.name, def, e.args.length));
        if (def.lazy) return def.run(e.args.map((arg) => () => run(arg)), rt);
        return def.run(e.args.map(run), rt);
      }
      case 'member':
        return select(run(e.target), run(e.key), e.safe, source);
    }
  };
  const value = run(expr);
  return value === undefined ? null : value;
}

function select(target: unknown, key: unknown, safe: boolean, source: string): unknown {
  const cannot = (why: string) => new ExpressionError(`The template language expression '${source}' cannot be evaluated because ${why}. ${DOCS}`);
  if (target === null || target === undefined) {
    if (safe) return null;
    throw cannot(`property '${asText(key)}' cannot be selected. Property selection is not supported on values of type 'Null'`);
  }
  if (Array.isArray(target)) {
    if (typeof key === 'number' && Number.isInteger(key)) {
      if (key >= 0 && key < target.length) return target[key];
      if (safe) return null;
      throw cannot(`array index '${key}' is outside bounds (0, ${target.length - 1}) of array`);
    }
    if (safe) return null;
    throw cannot(`property '${asText(key)}' cannot be selected. Array elements can only be selected using an integer index`);
  }
  if (isObject(target)) {
    const name = asText(key);
    const { found, value } = findProperty(target, name);
    if (found) return value;
    if (safe) return null;
    throw cannot(`property '${name}' doesn't exist, available properties are '${Object.keys(target).join(', ')}'`);
  }
  if (safe) return null;
  throw cannot(`property '${asText(key)}' cannot be selected. Property selection is not supported on values of type '${typeName(target)}'`);
}
