import { randomUUID } from 'node:crypto';
import { asText, ExpressionError, findProperty, isObject, jsonEquals, typeName } from './values';

/**
 * The functions of the workflow definition language that the double knows, looked up without
 * regard to case as the service does (`utcnow()`, `triggerbody()` appear in Microsoft's own
 * examples). Messages follow the service's "The template language function 'x' ..." texts where
 * those are public; `and`, `or` and `if` evaluate lazily (a short-circuited branch may fail
 * without failing the expression, as IllogicApps measured).
 */

/** What the functions that read the run (trigger, actions, parameters, workflow) are given. */
export interface ExpressionRuntime {
  /** Throws ExpressionError when the workflow has no such parameter. */
  parameter(name: string): unknown;
  trigger(): Record<string, unknown>;
  workflow(): Record<string, unknown>;
  /** The `actions('name')` view of an action that has run or was skipped; undefined otherwise. */
  action(name: string): Record<string, unknown> | undefined;
  /** `result('scope')`: the views of the scope's first-level actions. */
  result(name: string): unknown[];
  now(): Date;
}

type Thunk = () => unknown;

interface Strict {
  lazy?: false;
  min: number;
  max: number;
  run(args: unknown[], rt: ExpressionRuntime): unknown;
}
interface Lazy {
  lazy: true;
  min: number;
  max: number;
  run(args: Thunk[], rt: ExpressionRuntime): unknown;
}
export type FunctionDef = Strict | Lazy;

const DOCS = 'Please see https://aka.ms/logicexpressions for usage details.';
const fail = (message: string): never => {
  throw new ExpressionError(message);
};

function expectString(fn: string, value: unknown, which = 'its parameter'): string {
  if (typeof value !== 'string') fail(`The template language function '${fn}' expects ${which} to be a string. The provided value is of type '${typeName(value)}'. Please see https://aka.ms/logicexpressions#${fn.toLowerCase()} for usage details.`);
  return value as string;
}

function expectBoolean(fn: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(`The template language function '${fn}' expects all of its parameters to be of type boolean. The provided value is of type '${typeName(value)}'. ${DOCS}`);
  return value as boolean;
}

function expectInteger(fn: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(`The template language function '${fn}' expects its parameters to be integers. The provided value is of type '${typeName(value)}'. ${DOCS}`);
  return value as number;
}

function compare(fn: string, a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return fail(`The template language function '${fn}' expects two parameters of matching types: numbers or strings. The provided values are of types '${typeName(a)}' and '${typeName(b)}'. ${DOCS}`);
}

function number(fn: string, value: unknown): number {
  if (typeof value !== 'number') fail(`The template language function '${fn}' expects its parameters to be numbers. The provided value is of type '${typeName(value)}'. ${DOCS}`);
  return value as number;
}

const strict = (min: number, max: number, run: Strict['run']): Strict => ({ min, max, run });
const lazy = (min: number, max: number, run: Lazy['run']): Lazy => ({ lazy: true, min, max, run });

/** The run's actions are read through the runtime; an action that never ran has no result. */
function actionView(fn: string, name: unknown, rt: ExpressionRuntime): Record<string, unknown> {
  const actionName = expectString(fn, name);
  const view = rt.action(actionName);
  if (!view) fail(`The template language expression '${fn}('${actionName}')' cannot be evaluated because the action '${actionName}' has not run yet or does not exist in the workflow. ${DOCS}`);
  return view!;
}

function outputsOf(fn: string, name: unknown, rt: ExpressionRuntime): unknown {
  const view = actionView(fn, name, rt);
  const out = findProperty(view, 'outputs');
  if (!out.found) fail(`The template language expression '${fn}('${String(name)}')' cannot be evaluated because the action '${String(name)}' has no outputs: its status is '${String(view.status)}'. ${DOCS}`);
  return out.value;
}

/** .NET date format strings the definitions use: 'o', 's', 'u' and yyyy-MM-dd HH:mm:ss.fffffff parts. */
export function formatDate(date: Date, format = 'o'): string {
  const iso = date.toISOString(); // yyyy-MM-ddTHH:mm:ss.sssZ
  const seven = `${iso.slice(20, 23)}0000`;
  if (format === 'o' || format === 'O') return `${iso.slice(0, 19)}.${seven}Z`;
  if (format === 's') return iso.slice(0, 19);
  if (format === 'u') return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
  const parts: Record<string, string> = {
    yyyy: iso.slice(0, 4), MM: iso.slice(5, 7), dd: iso.slice(8, 10), HH: iso.slice(11, 13), mm: iso.slice(14, 16), ss: iso.slice(17, 19),
  };
  return format.replace(/yyyy|MM|dd|HH|mm|ss|f{1,7}|'[^']*'/g, (token) => {
    if (token.startsWith("'")) return token.slice(1, -1);
    if (token.startsWith('f')) return seven.slice(0, token.length);
    return parts[token]!;
  });
}

export const FUNCTIONS: Record<string, FunctionDef> = {
  // Workflow functions: the run, its trigger, its actions, its parameters.
  parameters: strict(1, 1, ([name], rt) => rt.parameter(expectString('parameters', name))),
  workflow: strict(0, 0, (_args, rt) => rt.workflow()),
  trigger: strict(0, 0, (_args, rt) => rt.trigger()),
  triggeroutputs: strict(0, 0, (_args, rt) => findProperty(rt.trigger(), 'outputs').value ?? null),
  triggerbody: strict(0, 0, (_args, rt) => {
    const outputs = findProperty(rt.trigger(), 'outputs').value;
    return isObject(outputs) ? (findProperty(outputs, 'body').value ?? null) : null;
  }),
  actions: strict(1, 1, ([name], rt) => actionView('actions', name, rt)),
  outputs: strict(1, 1, ([name], rt) => outputsOf('outputs', name, rt)),
  body: strict(1, 1, ([name], rt) => {
    const outputs = outputsOf('body', name, rt);
    return isObject(outputs) ? (findProperty(outputs, 'body').value ?? null) : null;
  }),
  result: strict(1, 1, ([name], rt) => rt.result(expectString('result', name))),

  // Logical and comparison functions.
  equals: strict(2, 2, ([a, b]) => jsonEquals(a, b)),
  and: lazy(1, Infinity, (args) => args.every((arg) => expectBoolean('and', arg()))),
  or: lazy(1, Infinity, (args) => args.some((arg) => expectBoolean('or', arg()))),
  not: strict(1, 1, ([a]) => !expectBoolean('not', a)),
  if: lazy(3, 3, ([condition, yes, no]) => {
    const c = condition!();
    if (typeof c !== 'boolean') fail(`The template language function 'if' expects its first parameter to be of type boolean. The provided value is of type '${typeName(c)}'. ${DOCS}`);
    return c ? yes!() : no!();
  }),
  greater: strict(2, 2, ([a, b]) => compare('greater', a, b) > 0),
  greaterorequals: strict(2, 2, ([a, b]) => compare('greaterOrEquals', a, b) >= 0),
  less: strict(2, 2, ([a, b]) => compare('less', a, b) < 0),
  lessorequals: strict(2, 2, ([a, b]) => compare('lessOrEquals', a, b) <= 0),
  coalesce: strict(1, Infinity, (args) => args.find((a) => a !== null && a !== undefined) ?? null),
  empty: strict(1, 1, ([v]) => {
    if (v === null || v === undefined) return true;
    if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
    if (isObject(v)) return Object.keys(v).length === 0;
    return fail(`The template language function 'empty' expects its parameter to be an object, an array or a string. The provided value is of type '${typeName(v)}'. ${DOCS}`);
  }),

  // Conversion functions.
  string: strict(1, 1, ([v]) => asText(v)),
  json: strict(1, 1, ([v]) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch (e) {
      return fail(`The template language function 'json' parameter is not valid. The provided value '${v}' cannot be parsed: '${(e as Error).message}'. ${DOCS}`);
    }
  }),
  int: strict(1, 1, ([v]) => {
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
    return fail(`The template language function 'int' was invoked with a parameter that is not valid. The value cannot be converted to the target type. ${DOCS}`);
  }),
  float: strict(1, 1, ([v]) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isNaN(n)) fail(`The template language function 'float' was invoked with a parameter that is not valid. The value cannot be converted to the target type. ${DOCS}`);
    return n;
  }),
  bool: strict(1, 1, ([v]) => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    return fail(`The template language function 'bool' was invoked with a parameter that is not valid. The value cannot be converted to the target type. ${DOCS}`);
  }),
  base64: strict(1, 1, ([v]) => Buffer.from(asText(v), 'utf8').toString('base64')),
  base64tostring: strict(1, 1, ([v]) => Buffer.from(expectString('base64ToString', v), 'base64').toString('utf8')),
  encodeuricomponent: strict(1, 1, ([v]) => encodeURIComponent(asText(v))),
  decodeuricomponent: strict(1, 1, ([v]) => decodeURIComponent(expectString('decodeUriComponent', v))),
  createarray: strict(1, Infinity, (args) => args),

  // String functions.
  concat: strict(1, Infinity, (args) => args.map(asText).join('')),
  tolower: strict(1, 1, ([v]) => expectString('toLower', v).toLowerCase()),
  toupper: strict(1, 1, ([v]) => expectString('toUpper', v).toUpperCase()),
  trim: strict(1, 1, ([v]) => expectString('trim', v).trim()),
  substring: strict(2, 3, ([text, start, length]) => {
    const s = expectString('substring', text, 'its first parameter');
    const from = expectInteger('substring', start);
    const count = length === undefined ? s.length - from : expectInteger('substring', length);
    if (from < 0 || count < 0 || from + count > s.length) {
      fail(`The template language function 'substring' parameters are out of range: 'start index' and 'length' must be non-negative integers and their sum must be no larger than the length of the string. ${DOCS}`);
    }
    return s.slice(from, from + count);
  }),
  split: strict(2, 2, ([text, delimiter]) => expectString('split', text, 'its first parameter').split(expectString('split', delimiter, 'its second parameter'))),
  replace: strict(3, 3, ([text, old, replacement]) =>
    expectString('replace', text, 'its first parameter').split(expectString('replace', old, 'its second parameter')).join(expectString('replace', replacement, 'its third parameter'))),
  startswith: strict(2, 2, ([text, prefix]) => expectString('startsWith', text).toLowerCase().startsWith(expectString('startsWith', prefix).toLowerCase())),
  endswith: strict(2, 2, ([text, suffix]) => expectString('endsWith', text).toLowerCase().endsWith(expectString('endsWith', suffix).toLowerCase())),
  indexof: strict(2, 2, ([text, search]) => expectString('indexOf', text).toLowerCase().indexOf(expectString('indexOf', search).toLowerCase())),
  guid: strict(0, 1, () => randomUUID()),

  // Collection functions.
  length: strict(1, 1, ([v]) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    return fail(`The template language function 'length' expects its parameter to be an array or a string. The provided value is of type '${typeName(v)}'. Please see https://aka.ms/logicexpressions#length for usage details.`);
  }),
  first: strict(1, 1, ([v]) => {
    if (typeof v === 'string') return v.slice(0, 1);
    if (Array.isArray(v)) return v.length ? v[0] : null;
    return fail(`The template language function 'first' expects its parameter be an array or a string. The provided value is of type '${typeName(v)}'. ${DOCS}`);
  }),
  last: strict(1, 1, ([v]) => {
    if (typeof v === 'string') return v.slice(-1);
    if (Array.isArray(v)) return v.length ? v[v.length - 1] : null;
    return fail(`The template language function 'last' expects its parameter be an array or a string. The provided value is of type '${typeName(v)}'. ${DOCS}`);
  }),
  contains: strict(2, 2, ([collection, value]) => {
    if (typeof collection === 'string') return collection.includes(asText(value));
    if (Array.isArray(collection)) return collection.some((item) => jsonEquals(item, value));
    if (isObject(collection)) return findProperty(collection, asText(value)).found;
    return fail(`The template language function 'contains' expects its first parameter 'collection' to be a dictionary (object), an array or a string. The provided value is of type '${typeName(collection)}'. ${DOCS}`);
  }),
  join: strict(2, 2, ([items, delimiter]) => {
    if (!Array.isArray(items)) fail(`The template language function 'join' expects its first parameter to be an array. The provided value is of type '${typeName(items)}'. ${DOCS}`);
    return (items as unknown[]).map(asText).join(expectString('join', delimiter, 'its second parameter'));
  }),

  // Math functions.
  add: strict(2, 2, ([a, b]) => number('add', a) + number('add', b)),
  sub: strict(2, 2, ([a, b]) => number('sub', a) - number('sub', b)),
  mul: strict(2, 2, ([a, b]) => number('mul', a) * number('mul', b)),
  div: strict(2, 2, ([a, b]) => {
    const x = number('div', a);
    const y = number('div', b);
    if (y === 0) fail(`Attempted to divide by zero. ${DOCS}`);
    return Number.isInteger(x) && Number.isInteger(y) ? Math.trunc(x / y) : x / y;
  }),
  mod: strict(2, 2, ([a, b]) => number('mod', a) % number('mod', b)),

  // Date functions.
  utcnow: strict(0, 1, ([format], rt) => formatDate(rt.now(), format === undefined ? 'o' : expectString('utcNow', format))),
  addseconds: strict(2, 3, ([timestamp, seconds, format]) => {
    const t = new Date(expectString('addSeconds', timestamp, 'its first parameter'));
    if (Number.isNaN(t.getTime())) fail(`The template language function 'addSeconds' expects its first parameter to be a timestamp. ${DOCS}`);
    return formatDate(new Date(t.getTime() + expectInteger('addSeconds', seconds) * 1000), format === undefined ? 'o' : expectString('addSeconds', format));
  }),
  formatdatetime: strict(1, 3, ([timestamp, format]) => {
    const t = new Date(expectString('formatDateTime', timestamp, 'its first parameter'));
    if (Number.isNaN(t.getTime())) fail(`In function 'formatDateTime', the value provided for date time string '${String(timestamp)}' was not valid. ${DOCS}`);
    return formatDate(t, format === undefined ? 'o' : expectString('formatDateTime', format));
  }),
};

/** The definition of a function by name, ignoring case; undefined for a name the service lacks. */
export function lookupFunction(name: string): FunctionDef | undefined {
  const key = name.toLowerCase();
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, key) ? FUNCTIONS[key] : undefined;
}

/** The arity message, in the service's pattern ("expects … parameter(s) … invoked with 'n'"). */
export function arityMessage(name: string, def: FunctionDef, given: number): string {
  const expected = def.min === def.max ? `${def.min}` : def.max === Infinity ? `at least ${def.min}` : `${def.min} to ${def.max}`;
  return `The template language function '${name}' expects ${expected} parameter(s). The function was invoked with '${given}' parameter(s). ${DOCS}`;
}
