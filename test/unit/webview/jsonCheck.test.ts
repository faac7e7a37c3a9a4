import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJson, locateJsonProblem } from '../../../webview/invokePanel/jsonCheck';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('checkJson', () => {
  it('accepts JSON values', () => {
    for (const t of ['{}', '[]', ' 1 ', '-0.5e+3', '"a\\u00e9\\n"', 'true', 'null', '{"a": [1, {"b": false}], "c": ""}']) {
      expect(checkJson(t), t).toEqual({ ok: true });
    }
  });

  it('says where and why a payload is not JSON', () => {
    const cases: [string, string, number, number, string?][] = [
      ['{\n  "wt": 2.62,\n  "hp": \n}', 'unexpected-char', 4, 1, '}'],
      ['{"a": 1,}', 'expected-key', 1, 9],
      ['{"a" 1}', 'expected-colon', 1, 6],
      ['[1 2]', 'expected-comma', 1, 4],
      ['{"a": 1', 'unexpected-end', 1, 8],
      ['{"a": "b}', 'unterminated-string', 1, 7],
      ['"a\\x"', 'bad-escape', 1, 3],
      ['"\\u12g4"', 'bad-escape', 1, 2],
      ['"a\tb"', 'control-char', 1, 3],
      ['01', 'trailing', 1, 2, '1'],
      ['1.', 'bad-number', 1, 2],
      ['-', 'bad-number', 1, 1],
      ['{} x', 'trailing', 1, 4, 'x'],
      ["{'a': 1}", 'expected-key', 1, 2],
      ['tru', 'unexpected-char', 1, 1, 't'],
      ['   \n ', 'empty', 2, 2],
      ['[1, 2]]', 'trailing', 1, 7, ']'],
      ['{"a": 1]', 'expected-comma', 1, 8],
    ];
    for (const [text, problem, line, column, char] of cases) {
      const r = checkJson(text);
      expect(r, text).toMatchObject({ ok: false, problem, line, column });
      if (char !== undefined) expect(r, text).toMatchObject({ char });
    }
  });

  it('agrees with JSON.parse on valid JSON and on mutations of it', () => {
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '"', '}', ']', ':', '\\', '\n', 'x', '0', '.', '-', '{', '['), fc.nat(3))
      .map(([json, at, insert, drop]) => {
        const i = at % (json.length + 1);
        return json.slice(0, i) + insert + json.slice(i + drop);
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutated, fc.string()), (text) => {
        expect(locateJsonProblem(text) === undefined).toBe(parses(text));
        expect(checkJson(text).ok).toBe(parses(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('handles deep nesting without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(locateJsonProblem(deep)).toBeUndefined();
    expect(locateJsonProblem('['.repeat(100_000))).toMatchObject({ problem: 'unexpected-end' });
  });
});
