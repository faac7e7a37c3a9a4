import { evaluate } from './evaluate';
import type { ExpressionRuntime } from './functions';
import { ExpressionSyntaxError, parseExpression, type Expr } from './parser';
import { asText, isObject } from './values';

/**
 * How a JSON value of a definition holds expressions (the "workflow definition language" rules,
 * with the corner cases IllogicApps measured against the service):
 *
 * - `"@expr"`: the whole value is the expression's result, of its own type;
 * - `"text @{expr} text"`: interpolation, always a string (booleans "True", null "", objects JSON);
 * - a string that starts with `@@` is literal text without its first `@`, and `@@{` elsewhere
 *   is a literal `@{`; any other `@` is just a character (`"@"`, `" @,,}"` stay as they are).
 */

export interface Piece {
  source: string;
  expr: Expr;
}

export type StringTemplate =
  | { kind: 'text'; value: string }
  | { kind: 'whole'; piece: Piece }
  | { kind: 'interpolated'; parts: Array<string | Piece> };

const piece = (source: string): Piece => ({ source, expr: parseExpression(source) });

/** The closing brace of an `@{` that opens at `open`, skipping quoted strings. */
function closingBrace(s: string, open: number): number {
  let quoted = false;
  for (let i = open + 2; i < s.length; i++) {
    const c = s[i];
    if (c === "'") quoted = !quoted; // '' inside a string toggles twice: still quoted
    else if (c === '}' && !quoted) return i;
  }
  return -1;
}

export function parseStringTemplate(s: string): StringTemplate {
  if (s.startsWith('@@')) return { kind: 'text', value: s.slice(1) };
  if (s.startsWith('@') && s.length > 1 && s[1] !== '{') return { kind: 'whole', piece: piece(s.slice(1)) };
  const parts: Array<string | Piece> = [];
  let text = '';
  let i = 0;
  let interpolated = false;
  while (i < s.length) {
    if (s.startsWith('@@{', i)) {
      text += '@{';
      i += 3;
      continue;
    }
    if (s.startsWith('@{', i)) {
      const close = closingBrace(s, i);
      if (close < 0) throw new ExpressionSyntaxError(s, 'the expression is not complete');
      if (text) parts.push(text);
      text = '';
      parts.push(piece(s.slice(i + 2, close)));
      interpolated = true;
      i = close + 1;
      continue;
    }
    text += s[i];
    i++;
  }
  if (!interpolated) return { kind: 'text', value: s };
  if (text) parts.push(text);
  return { kind: 'interpolated', parts };
}

/** Evaluates every expression inside a JSON value (objects and arrays deeply; keys are literal). */
export function evaluateValue(value: unknown, rt: ExpressionRuntime): unknown {
  if (typeof value === 'string') {
    const t = parseStringTemplate(value);
    if (t.kind === 'text') return t.value;
    if (t.kind === 'whole') return evaluate(t.piece.expr, t.piece.source, rt);
    return t.parts.map((p) => (typeof p === 'string' ? p : asText(evaluate(p.expr, p.source, rt)))).join('');
  }
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, rt));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateValue(v, rt);
    return out;
  }
  return value;
}

/** Every expression inside a JSON value, parsed (throws ExpressionSyntaxError on the first bad one). */
export function piecesIn(value: unknown): Piece[] {
  if (typeof value === 'string') {
    const t = parseStringTemplate(value);
    if (t.kind === 'text') return [];
    if (t.kind === 'whole') return [t.piece];
    return t.parts.filter((p): p is Piece => typeof p !== 'string');
  }
  if (Array.isArray(value)) return value.flatMap(piecesIn);
  if (isObject(value)) return Object.values(value).flatMap(piecesIn);
  return [];
}
