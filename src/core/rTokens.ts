/**
 * A small R tokenizer: enough to read function headers and literal defaults without R.
 * It knows comments, strings (with escapes), raw strings (`r"(...)"`, R >= 4.0), backtick
 * names, numbers, identifiers, and the operators that matter here; every other character is a
 * one-character `op` token. Never throws: an unterminated string runs to the end of the text.
 */
export type TokenKind = 'ident' | 'backtick' | 'string' | 'number' | 'op' | 'newline' | 'comment';

export interface Token {
  kind: TokenKind;
  /** For strings and backtick names: the value, escapes resolved; otherwise the source text. */
  value: string;
  start: number;
  end: number;
}

const OPERATORS = ['<<-', '->>', '<-', '->', '<=', '>=', '==', '!=', '&&', '||', '::', '|>', '\\'];

// Sticky: matched in place, so tokenizing stays linear in the file's length.
const NUMBER = /(0[xX][0-9a-fA-F]*(\.[0-9a-fA-F]*)?([pP][+-]?[0-9]+)?|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)[Li]?/y;
const IDENT = /[\p{L}\p{N}._]+/uy;

function matchEnd(re: RegExp, code: string, at: number): number {
  re.lastIndex = at;
  return re.test(code) ? re.lastIndex : at + 1;
}

export function tokenize(code: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number) => tokens.push({ kind, value, start, end: i });
  while (i < code.length) {
    const c = code[i]!;
    const start = i;
    if (c === '\n') {
      i++;
      push('newline', '\n', start);
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\uFEFF' || c === '\u00A0') {
      i++;
    } else if (c === '#') {
      while (i < code.length && code[i] !== '\n') i++;
      push('comment', code.slice(start, i), start);
    } else if ((c === 'r' || c === 'R') && /^[rR]['"]-*[([{]/.test(code.slice(i, i + 130))) {
      push('string', readRawString(code, () => i, (n) => (i = n)), start);
    } else if (c === '"' || c === "'") {
      const { value, next } = readQuoted(code, i);
      i = next;
      push('string', value, start);
    } else if (c === '`') {
      const { value, next } = readQuoted(code, i);
      i = next;
      push('backtick', value, start);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(code[i + 1] ?? ''))) {
      i = matchEnd(NUMBER, code, i);
      push('number', code.slice(start, i), start);
    } else if (/[\p{L}.]/u.test(c)) {
      i = matchEnd(IDENT, code, i);
      push('ident', code.slice(start, i), start);
    } else {
      const op = OPERATORS.find((o) => code.startsWith(o, i)) ?? c;
      i += op.length;
      push('op', op, start);
    }
  }
  return tokens;
}

/** `r"(...)"`, `R'[...]'`, `r"---{...}---"`: no escapes; ends at the matching closer. */
function readRawString(code: string, pos: () => number, set: (n: number) => void): string {
  const m = /^[rR](['"])(-*)([([{])/.exec(code.slice(pos()))!;
  const close = { '(': ')', '[': ']', '{': '}' }[m[3] as '(' | '[' | '{'];
  const terminator = `${close}${m[2]}${m[1]}`;
  const bodyStart = pos() + m[0].length;
  const end = code.indexOf(terminator, bodyStart);
  if (end < 0) {
    set(code.length);
    return code.slice(bodyStart);
  }
  set(end + terminator.length);
  return code.slice(bodyStart, end);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'", '`': '`', ' ': ' ', '\n': '\n',
};

function readQuoted(code: string, open: number): { value: string; next: number } {
  const quote = code[open]!;
  let i = open + 1;
  let value = '';
  while (i < code.length && code[i] !== quote) {
    if (code[i] !== '\\') {
      value += code[i++];
      continue;
    }
    const e = code[i + 1] ?? '';
    const numeric = /^(x[0-9a-fA-F]{1,2}|u\{[0-9a-fA-F]{1,4}\}|u[0-9a-fA-F]{1,4}|U\{[0-9a-fA-F]{1,8}\}|U[0-9a-fA-F]{1,8}|[0-7]{1,3})/.exec(code.slice(i + 1, i + 12));
    if (numeric) {
      const octal = /^[0-7]/.test(numeric[0]);
      const codePoint = parseInt(numeric[0].replace(/^[xuU]\{?|\}$/g, ''), octal ? 8 : 16);
      value += codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '\uFFFD';
      i += 1 + numeric[0].length;
    } else {
      value += SIMPLE_ESCAPES[e] ?? e;
      i += 2;
    }
  }
  return { value, next: Math.min(i + 1, code.length) };
}

/** Tokens that carry meaning: comments dropped, newlines kept only where the caller asks. */
export function significant(tokens: Token[], keepNewlines: boolean): Token[] {
  return tokens.filter((t) => t.kind !== 'comment' && (keepNewlines || t.kind !== 'newline'));
}
