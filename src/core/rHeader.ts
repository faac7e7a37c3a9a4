import { significant, tokenize, type Token } from './rTokens';

export interface FormalArg {
  name: string;
  /** The default as R source text; absent when the argument has none. */
  default?: string;
}

/**
 * Without R: the formals of the LAST top-level `fn <- function(...)`, `fn = function(...)`,
 * `fn <<- function(...)` or `fn <- \(...)` in `code` (the name may be quoted or backticked),
 * as R would see them after sourcing the file; undefined when there is none. Defaults are the
 * source text with comments removed and line breaks folded into single spaces.
 */
export function findFormals(code: string, fn: string): FormalArg[] | undefined {
  const tokens = tokenize(code).filter((t) => t.kind !== 'comment');
  let found: FormalArg[] | undefined;
  let depth = 0;
  let statementStart = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (depth === 0 && statementStart && isName(t) && t.value === fn) {
      const formals = headerAt(code, tokens, i + 1);
      if (formals) found = formals;
    }
    if (t.kind === 'op' && '([{'.includes(t.value)) depth++;
    else if (t.kind === 'op' && ')]}'.includes(t.value)) depth = Math.max(0, depth - 1);
    statementStart = depth === 0 && (t.kind === 'newline' || (t.kind === 'op' && t.value === ';'));
  }
  return found;
}

function isName(t: Token): boolean {
  return t.kind === 'ident' || t.kind === 'backtick' || t.kind === 'string';
}

/** After the name: `<-` then (newlines allowed) `function` or `\` then `(` formals `)`. */
function headerAt(code: string, tokens: Token[], i: number): FormalArg[] | undefined {
  const assign = tokens[i];
  if (!assign || assign.kind !== 'op' || !['<-', '<<-', '='].includes(assign.value)) return undefined;
  let j = skipNewlines(tokens, i + 1);
  const keyword = tokens[j];
  const isFunction = keyword && ((keyword.kind === 'ident' && keyword.value === 'function') || (keyword.kind === 'op' && keyword.value === '\\'));
  if (!isFunction) return undefined;
  j = skipNewlines(tokens, j + 1);
  if (tokens[j]?.value !== '(' || tokens[j]?.kind !== 'op') return undefined;
  return readFormals(code, tokens, j + 1);
}

function skipNewlines(tokens: Token[], i: number): number {
  while (tokens[i]?.kind === 'newline') i++;
  return i;
}

function readFormals(code: string, tokens: Token[], start: number): FormalArg[] | undefined {
  const segments: Token[][] = [[]];
  let depth = 0;
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'op' && '([{'.includes(t.value)) depth++;
    if (t.kind === 'op' && ')]}'.includes(t.value)) {
      if (depth === 0) return segments.map((s) => formal(code, s)).filter((f): f is FormalArg => f !== undefined);
      depth--;
    }
    if (depth === 0 && t.kind === 'op' && t.value === ',') segments.push([]);
    else segments[segments.length - 1]!.push(t);
  }
  return undefined; // unterminated header: the file is being edited
}

function formal(code: string, segment: Token[]): FormalArg | undefined {
  const [name, eq, ...rest] = significant(segment, false);
  if (!name || (name.kind !== 'ident' && name.kind !== 'backtick')) return undefined;
  if (!eq || eq.kind !== 'op' || eq.value !== '=') return { name: name.value };
  const firstDefault = rest[0];
  if (!firstDefault) return { name: name.value };
  const from = segment.indexOf(firstDefault);
  return { name: name.value, default: sourceText(code, segment.slice(from)) };
}

/** Tokens' own text, separated by one space wherever the source had whitespace or a line break. */
function sourceText(code: string, tokens: Token[]): string {
  let text = '';
  let prevEnd = -1;
  let gap = false;
  for (const t of tokens) {
    if (t.kind === 'newline') {
      gap = true;
      continue;
    }
    const tight = /[([]$/.test(text) || (t.kind === 'op' && [')', ']', ','].includes(t.value));
    if (text && (gap || t.start > prevEnd) && !tight) text += ' ';
    text += code.slice(t.start, t.end);
    prevEnd = t.end;
    gap = false;
  }
  return text.trim();
}

/**
 * The JSON value of a simple R literal: a number (`1`, `-2.5`, `1e3`, `2L`, `0x10`), a string,
 * `TRUE`/`FALSE` (and `T`/`F`), `NULL`, or `c(...)` of literals of one type (an array).
 * `{ ok: false }` for anything else (calls, `NA`, `Inf`, named or mixed vectors).
 */
export function rLiteralToJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const tokens = significant(tokenize(text), false);
  const parsed = literal(tokens, 0);
  if (!parsed || parsed.next !== tokens.length) return { ok: false };
  return { ok: true, value: parsed.value };
}

type Parsed = { value: unknown; next: number } | undefined;

function literal(tokens: Token[], i: number): Parsed {
  const t = tokens[i];
  if (!t) return undefined;
  if (t.kind === 'op' && (t.value === '-' || t.value === '+') && tokens[i + 1]?.kind === 'number') {
    const n = number(tokens[i + 1]!.value);
    return n === undefined ? undefined : { value: t.value === '-' ? -n : n, next: i + 2 };
  }
  if (t.kind === 'number') {
    const n = number(t.value);
    return n === undefined ? undefined : { value: n, next: i + 1 };
  }
  if (t.kind === 'string') return { value: t.value, next: i + 1 };
  if (t.kind !== 'ident') return undefined;
  const constants: Record<string, unknown> = { TRUE: true, FALSE: false, T: true, F: false, NULL: null };
  if (t.value in constants) return { value: constants[t.value], next: i + 1 };
  if (t.value === 'c' && tokens[i + 1]?.value === '(') return vector(tokens, i + 2);
  return undefined;
}

function vector(tokens: Token[], i: number): Parsed {
  const items: unknown[] = [];
  if (tokens[i]?.value === ')') return { value: null, next: i + 1 }; // c() is NULL
  for (;;) {
    const item = literal(tokens, i);
    if (!item) return undefined;
    if (Array.isArray(item.value)) items.push(...(item.value as unknown[]));
    else if (item.value !== null) items.push(item.value); // c(1, NULL) is c(1)
    const sep = tokens[item.next];
    if (sep?.kind === 'op' && sep.value === ')') {
      const types = new Set(items.map((v) => typeof v));
      return types.size <= 1 ? { value: items.length ? items : null, next: item.next + 1 } : undefined;
    }
    if (sep?.kind !== 'op' || sep.value !== ',') return undefined;
    i = item.next + 1;
  }
}

function number(text: string): number | undefined {
  if (/i$/.test(text)) return undefined; // complex
  const t = text.replace(/L$/, '');
  const n = /^0[xX]/.test(t) ? (/^0[xX][0-9a-fA-F]+$/.test(t) ? parseInt(t, 16) : NaN) : Number(t);
  return Number.isFinite(n) ? n : undefined;
}
