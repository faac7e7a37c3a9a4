import { FormulaSyntaxError, tokenize, type Token } from './lexer';

/**
 * The formula as statements: `name = expression` assignments (user variables with or without
 * `$`, or the service's read-write ones) and bare expressions such as `stop()`, separated by
 * `;` (empty statements allowed). Precedence follows C, as the formulas in Microsoft's examples
 * assume: `?:` < `||` < `&&` < `==` `!=` < `<` `<=` `>` `>=` < `+` `-` < `*` `/` < unary `-` `!`
 * < member access, method calls and calls.
 */
export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'name'; name: string; line: number; column: number }
  | { kind: 'vector'; items: Expr[] }
  | { kind: 'call'; name: string; args: Expr[]; line: number; column: number }
  | { kind: 'method'; target: Expr; name: string; args: Expr[]; line: number; column: number }
  | { kind: 'member'; target: Expr; name: string; line: number; column: number }
  | { kind: 'unary'; op: string; arg: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; line: number; column: number }
  | { kind: 'ternary'; cond: Expr; then: Expr; otherwise: Expr };

export type Statement = { kind: 'assign'; name: string; expr: Expr; line: number } | { kind: 'expr'; expr: Expr; line: number };

/** The service's limits on a formula (batch-automatic-scaling: "cannot exceed 8 KB, can include up to 100 statements"). */
export const MAX_FORMULA_LENGTH = 8192;
export const MAX_STATEMENTS = 100;

export function parseFormula(source: string): Statement[] {
  const p = new Parser(tokenize(source));
  const statements: Statement[] = [];
  while (!p.at('end')) {
    if (p.accept(';')) continue;
    statements.push(p.statement());
    if (!p.at('end')) p.expect(';');
  }
  return statements;
}

const BINARY_LEVELS: string[][] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/']];

class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  at(kindOrOp: string): boolean {
    const t = this.peek();
    return kindOrOp === 'end' ? t.kind === 'end' : t.kind === 'op' && t.text === kindOrOp;
  }

  accept(op: string): boolean {
    if (!this.at(op)) return false;
    this.i += 1;
    return true;
  }

  expect(op: string): Token {
    const t = this.peek();
    if (!this.at(op)) throw this.error(`expected '${op}' but found ${describe(t)}`, t);
    this.i += 1;
    return t;
  }

  statement(): Statement {
    const t = this.peek();
    const next = this.peek(1);
    if ((t.kind === 'ident' || t.kind === 'variable') && next.kind === 'op' && next.text === '=') {
      this.i += 2;
      return { kind: 'assign', name: t.text, expr: this.expression(), line: t.line };
    }
    return { kind: 'expr', expr: this.expression(), line: t.line };
  }

  expression(): Expr {
    const cond = this.binary(0);
    if (!this.accept('?')) return cond;
    const then = this.expression();
    this.expect(':');
    return { kind: 'ternary', cond, then, otherwise: this.expression() };
  }

  private binary(level: number): Expr {
    if (level >= BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !BINARY_LEVELS[level]!.includes(t.text)) return left;
      this.i += 1;
      left = { kind: 'binary', op: t.text, left, right: this.binary(level + 1), line: t.line, column: t.column };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '!' || t.text === '+')) {
      this.i += 1;
      const arg = this.unary();
      return t.text === '+' ? arg : { kind: 'unary', op: t.text, arg };
    }
    return this.postfix(this.primary());
  }

  private postfix(expr: Expr): Expr {
    let target = expr;
    while (this.at('.')) {
      this.i += 1;
      const name = this.peek();
      if (name.kind !== 'ident') throw this.error(`expected a member name after '.' but found ${describe(name)}`, name);
      this.i += 1;
      target = this.at('(')
        ? { kind: 'method', target, name: name.text, args: this.args(), line: name.line, column: name.column }
        : { kind: 'member', target, name: name.text, line: name.line, column: name.column };
    }
    return target;
  }

  private args(): Expr[] {
    this.expect('(');
    const args: Expr[] = [];
    if (this.accept(')')) return args;
    do args.push(this.expression());
    while (this.accept(','));
    this.expect(')');
    return args;
  }

  private primary(): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.i += 1;
      return { kind: 'number', value: Number(t.text) };
    }
    if (t.kind === 'string') {
      this.i += 1;
      return { kind: 'string', value: t.text };
    }
    if (t.kind === 'ident' || t.kind === 'variable') {
      this.i += 1;
      if (t.kind === 'ident' && this.at('(')) return { kind: 'call', name: t.text, args: this.args(), line: t.line, column: t.column };
      return { kind: 'name', name: t.text, line: t.line, column: t.column };
    }
    if (this.accept('(')) {
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (this.accept('[')) {
      const items: Expr[] = [];
      if (!this.accept(']')) {
        do items.push(this.expression());
        while (this.accept(','));
        this.expect(']');
      }
      return { kind: 'vector', items };
    }
    throw this.error(`unexpected ${describe(t)}`, t);
  }

  private error(message: string, t: Token): FormulaSyntaxError {
    return new FormulaSyntaxError(message, t.line, t.column);
  }
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the formula' : `'${t.text}'`;
}
