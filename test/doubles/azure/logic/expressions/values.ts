/**
 * Values of the workflow definition language and the service's way of naming, printing and
 * comparing them. Values are plain JSON; integers and floats are both JS numbers, told apart by
 * Number.isInteger (the language keeps them apart, but nothing in our subset depends on 30 vs 30.0
 * beyond the type name in an error).
 */

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** The runtime error of an expression; its message is the service's text. */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

/** The type names the service prints in its messages ("The provided value is of type 'Null'"). */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'Null';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float';
  if (Array.isArray(value)) return 'Array';
  return 'Object';
}

export const isObject = (value: unknown): value is Record<string, Value> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A value as `@{...}` interpolation and `string()` write it: booleans the .NET way ("True"),
 * null as nothing, objects and arrays as compact JSON.
 */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/**
 * `equals()`: deep, case-sensitive for strings, numbers by value. A string equals a boolean when
 * it is the boolean's text ("True"), as the service compares them (measured by IllogicApps'
 * LogicAppsComparison).
 */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a === 'string' && typeof b === 'boolean') return a === asText(b);
  if (typeof a === 'boolean' && typeof b === 'string') return b === asText(a);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEquals(item, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const bb = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => k in bb && jsonEquals((a as Record<string, unknown>)[k], bb[k]));
}

/** A property of an object found as the service finds it: exact name first, then ignoring case. */
export function findProperty(object: Record<string, unknown>, name: string): { found: boolean; value: unknown } {
  if (Object.prototype.hasOwnProperty.call(object, name)) return { found: true, value: object[name] };
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? { found: false, value: undefined } : { found: true, value: object[key] };
}
