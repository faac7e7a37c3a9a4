/**
 * Tokens of Batch's autoscale formula language (learn.microsoft.com/azure/batch/
 * batch-automatic-scaling): numbers, "strings", identifiers, $variables, the operators of its
 * operations table, `?:`, `=`, `;`, `,`, `.`, brackets, and // and /* *\/ comments, which the
 * service accepts ("formula strings ... can include line breaks and comments").
 */
export type TokenKind = 'number' | 'string' | 'ident' | 'variable' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
}

/** A formula the service would refuse as AutoScalingFormulaSyntaxError, with where it went wrong. */
export class FormulaSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'FormulaSyntaxError';
  }
}

const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '+', '-', '*', '/', '!', '<', '>', '?', ':', '=', ';', ',', '.', '(', ')', '[', ']'];

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = () => ({ line, column: i - lineStart + 1 });
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') {
      i += 1;
      line += 1;
      lineStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i += 1;
      continue;
    }
    if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new FormulaSyntaxError('unterminated comment', at().line, at().column);
      for (let k = i; k < end; k += 1) {
        if (source[k] === '\n') {
          line += 1;
          lineStart = k + 1;
        }
      }
      i = end + 2;
      continue;
    }
    const pos = at();
    const number = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], ...pos });
      i += number[0].length;
      continue;
    }
    const word = /^\$?[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (word) {
      tokens.push({ kind: word[0].startsWith('$') ? 'variable' : 'ident', text: word[0], ...pos });
      i += word[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = source.indexOf(c, i + 1);
      if (end < 0) throw new FormulaSyntaxError('unterminated string', pos.line, pos.column);
      tokens.push({ kind: 'string', text: source.slice(i + 1, end), ...pos });
      i = end + 1;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new FormulaSyntaxError(`unexpected character '${c}'`, pos.line, pos.column);
    tokens.push({ kind: 'op', text: op, ...pos });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', ...at() });
  return tokens;
}
