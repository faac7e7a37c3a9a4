import { ExpressionError } from './values';

/**
 * The expression grammar of the workflow definition language, the part our definitions use:
 *
 *   expr    := primary ( '[' expr ']' | '?[' expr ']' | '.' name | '?.' name )*
 *   primary := string | number | true | false | null | name '(' [ expr (',' expr)* ] ')'
 *
 * Strings are single-quoted with '' for a quote; numbers may carry a sign, a fraction and an
 * exponent ("+.5", "-01.0", "3.2e-1" all parse, "1e" and "++1" do not, as IllogicApps measured).
 * A name alone is not an expression: functions are always called.
 */

export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'member'; target: Expr; key: Expr; safe: boolean };

/** A syntax error in the service's words (it quotes the whole expression and a position). */
export class ExpressionSyntaxError extends ExpressionError {
  override name = 'ExpressionSyntaxError';
  constructor(readonly source: string, reason: string) {
    super(`The template language expression '${source}' is not valid: ${reason}.`);
  }
}

type Token =
  | { t: 'str'; value: string; at: number }
  | { t: 'num'; value: number; at: number }
  | { t: 'name'; value: string; at: number }
  | { t: 'punct'; value: '(' | ')' | '[' | ']' | ',' | '.' | '?'; at: number }
  | { t: 'end'; at: number };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function unexpected(source: string, at: number): ExpressionSyntaxError {
  // The service counts positions from 1 in this message.
  return at >= source.length
    ? new ExpressionSyntaxError(source, 'the expression is not complete')
    : new ExpressionSyntaxError(source, `the string character '${source[at]}' at position '${at + 1}' is not expected`);
}

function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= source.length) throw new ExpressionSyntaxError(source, `the string literal starting at position '${i + 1}' is not terminated`);
        if (source[j] === "'") {
          if (source[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += source[j];
        j++;
      }
      tokens.push({ t: 'str', value, at: i });
      i = j + 1;
      continue;
    }
    const rest = source.slice(i);
    const previous = tokens[tokens.length - 1];
    // A sign or digit starts a number, except "." right after a value ("x.a" is member access).
    const afterValue = previous && (previous.t !== 'punct' || previous.value === ')' || previous.value === ']');
    if (/[0-9+-]/.test(c) || (c === '.' && !afterValue && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = NUMBER.exec(rest);
      // "1e", "1e+", "1e1.1", "++1": a number that does not end cleanly is a syntax error.
      if (!m || /^[A-Za-z0-9_.+-]/.test(rest.slice(m[0].length))) throw unexpected(source, i + (m ? m[0].length : 1) - (m ? 0 : 1));
      tokens.push({ t: 'num', value: Number(m[0]), at: i });
      i += m[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ t: 'name', value: name[0], at: i });
      i += name[0].length;
      continue;
    }
    if ('()[],.?'.includes(c)) {
      tokens.push({ t: 'punct', value: c as '(' | ')' | '[' | ']' | ',' | '.' | '?', at: i });
      i++;
      continue;
    }
    throw unexpected(source, i);
  }
  tokens.push({ t: 'end', at: source.length });
  return tokens;
}

/** Parses one expression (the text after '@', or inside '@{...}'). */
export function parseExpression(source: string): Expr {
  const tokens = lex(source);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const isPunct = (value: string, token = peek()) => token.t === 'punct' && token.value === value;
  const expect = (value: string) => {
    if (!isPunct(value)) throw unexpected(source, peek().at);
    pos++;
  };

  const primary = (): Expr => {
    const token = peek();
    pos++;
    if (token.t === 'str' || token.t === 'num') return { kind: 'literal', value: token.value };
    if (token.t === 'name') {
      if (!isPunct('(')) {
        const word = token.value.toLowerCase();
        if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true' };
        if (word === 'null') return { kind: 'literal', value: null };
        throw unexpected(source, peek().at);
      }
      pos++;
      const args: Expr[] = [];
      if (!isPunct(')')) {
        for (;;) {
          args.push(expression());
          if (isPunct(',')) {
            pos++;
            continue;
          }
          break;
        }
      }
      expect(')');
      return { kind: 'call', name: token.value, args };
    }
    throw unexpected(source, token.at);
  };

  const expression = (): Expr => {
    let target = primary();
    for (;;) {
      const safe = isPunct('?');
      if (safe) {
        const next = tokens[pos + 1]!;
        if (!isPunct('[', next) && !isPunct('.', next)) throw unexpected(source, next.at);
        pos++;
      }
      if (isPunct('[')) {
        pos++;
        const key = expression();
        expect(']');
        target = { kind: 'member', target, key, safe };
      } else if (isPunct('.')) {
        pos++;
        const name = peek();
        if (name.t !== 'name') throw unexpected(source, name.at);
        pos++;
        target = { kind: 'member', target, key: { kind: 'literal', value: name.value }, safe };
      } else {
        return target;
      }
    }
  };

  const result = expression();
  if (peek().t !== 'end') throw unexpected(source, peek().at);
  return result;
}

/** Every call in an expression, outermost first (for validation: names and literal arguments). */
export function callsIn(expr: Expr): Array<Extract<Expr, { kind: 'call' }>> {
  const found: Array<Extract<Expr, { kind: 'call' }>> = [];
  const walk = (e: Expr) => {
    if (e.kind === 'call') {
      found.push(e);
      e.args.forEach(walk);
    } else if (e.kind === 'member') {
      walk(e.target);
      walk(e.key);
    }
  };
  walk(expr);
  return found;
}
