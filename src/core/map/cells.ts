/**
 * How a CSV field becomes a JSON value, so that R receives what `read.csv` would give it:
 * - empty, or `NA` unquoted: null (R's NA);
 * - a number, unquoted: a JSON number (`1`, `-2.5`, `1e-3`, `.5`); integers beyond 2^53 lose
 *   digits, as in R's doubles;
 * - `TRUE`/`FALSE` (also `true`/`false`), unquoted: a logical;
 * - anything quoted stays text, numbers too: `"02134"` is a string, so a ZIP code keeps its zero
 *   (quote a column in the file to keep it character);
 * - everything else: a string.
 */
export type Cell = string | number | boolean | null;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function csvCell(text: string, quoted: boolean): Cell {
  if (quoted) return text;
  const t = text.trim();
  if (t === '' || t === 'NA') return null;
  if (NUMBER.test(t)) {
    const n = Number(t);
    // 1e400 is not a JSON number: it stays text, as R would not read it as a finite double either.
    return Number.isFinite(n) ? n : text;
  }
  if (t === 'TRUE' || t === 'true') return true;
  if (t === 'FALSE' || t === 'false') return false;
  return text;
}
