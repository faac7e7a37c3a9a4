/**
 * Where a payload stops being JSON. Browsers word `JSON.parse` errors differently and often give
 * no position at all, so a small scanner of the JSON grammar (RFC 8259) finds the first offending
 * character; `JSON.parse` stays the judge of validity.
 */
export type JsonProblem =
  | 'empty'
  | 'unexpected-char'
  | 'unexpected-end'
  | 'unterminated-string'
  | 'bad-escape'
  | 'control-char'
  | 'bad-number'
  | 'trailing'
  | 'expected-colon'
  | 'expected-comma'
  | 'expected-key';

export type JsonCheck =
  | { ok: true }
  | { ok: false; problem: JsonProblem; offset: number; line: number; column: number; char?: string };

type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'done';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];
const SIMPLE_ESCAPES = '"\\/bfnrt';
const HEX4 = /^[0-9a-fA-F]{4}$/;

function isWhitespace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

export function checkJson(text: string): JsonCheck {
  if (text.trim() === '') return problemAt(text, 'empty', text.length);
  try {
    JSON.parse(text);
    return { ok: true };
  } catch {
    // Should the scanner disagree (it should not), still report invalid, at the start.
    return locateJsonProblem(text) ?? problemAt(text, 'unexpected-char', 0);
  }
}

/** The first place `text` breaks the JSON grammar, or `undefined` when it is one JSON value. */
export function locateJsonProblem(text: string): Exclude<JsonCheck, { ok: true }> | undefined {
  const stack: ('{' | '[')[] = [];
  let expect: Expect = 'value';
  let i = 0;
  const fail = (problem: JsonProblem, at: number) => problemAt(text, problem, at);
  const afterValue = (): Expect => (stack.length > 0 ? 'commaOrClose' : 'done');
  const close = (): void => {
    stack.pop();
    i++;
    expect = afterValue();
  };

  for (;;) {
    while (i < text.length && isWhitespace(text[i]!)) i++;
    if (i >= text.length) {
      if (expect === 'done') return undefined;
      return fail(stack.length === 0 && expect === 'value' ? 'empty' : 'unexpected-end', i);
    }
    const c = text[i]!;
    switch (expect) {
      case 'done':
        return fail('trailing', i);
      case 'colon':
        if (c !== ':') return fail('expected-colon', i);
        i++;
        expect = 'value';
        continue;
      case 'commaOrClose': {
        const top = stack[stack.length - 1];
        if (c === ',') {
          i++;
          expect = top === '{' ? 'key' : 'value';
        } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
          close();
        } else {
          return fail('expected-comma', i);
        }
        continue;
      }
      case 'keyOrClose':
      case 'key': {
        if (expect === 'keyOrClose' && c === '}') {
          close();
          continue;
        }
        if (c !== '"') return fail('expected-key', i);
        const end = scanString(text, i);
        if (typeof end !== 'number') return end;
        i = end;
        expect = 'colon';
        continue;
      }
      case 'valueOrClose':
      case 'value': {
        if (expect === 'valueOrClose' && c === ']') {
          close();
          continue;
        }
        if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
          continue;
        }
        if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
        } else if (c === '-' || (c >= '0' && c <= '9')) {
          NUMBER.lastIndex = i;
          const m = NUMBER.exec(text);
          if (!m) return fail('bad-number', i);
          i += m[0].length;
          // "1." or "1e": the number regex stopped short of a fraction or exponent it started.
          if (text[i] === '.' || text[i] === 'e' || text[i] === 'E') return fail('bad-number', i);
        } else {
          const literal = LITERALS.find((l) => text.startsWith(l, i));
          if (!literal) return fail('unexpected-char', i);
          i += literal.length;
        }
        expect = afterValue();
        continue;
      }
    }
  }
}

/** Scans the string starting at the quote `start`; returns the index after its closing quote. */
function scanString(text: string, start: number): number | Exclude<JsonCheck, { ok: true }> {
  let j = start + 1;
  for (;;) {
    if (j >= text.length) return problemAt(text, 'unterminated-string', start);
    const code = text.charCodeAt(j);
    if (code === 0x22) return j + 1;
    if (code < 0x20) return problemAt(text, code === 0x0a ? 'unterminated-string' : 'control-char', code === 0x0a ? start : j);
    if (code === 0x5c) {
      const next = text[j + 1];
      if (next !== undefined && SIMPLE_ESCAPES.includes(next)) j += 2;
      else if (next === 'u' && HEX4.test(text.slice(j + 2, j + 6))) j += 6;
      else return problemAt(text, 'bad-escape', j);
      continue;
    }
    j++;
  }
}

function problemAt(text: string, problem: JsonProblem, offset: number): Exclude<JsonCheck, { ok: true }> {
  let line = 1;
  let lineStart = 0;
  for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) {
    line++;
    lineStart = k + 1;
  }
  const char = problem === 'unexpected-char' || problem === 'trailing' ? text.codePointAt(offset) : undefined;
  return {
    ok: false,
    problem,
    offset,
    line,
    column: offset - lineStart + 1,
    ...(char !== undefined ? { char: String.fromCodePoint(char) } : {}),
  };
}
