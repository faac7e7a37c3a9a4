import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { AppError } from '../errors';
import { parseRecord, type ParsedRecord } from './records';

/**
 * The answers as one CSV row per input row (or per array element), made from the JSON Lines
 * records once the map ends. A record's answer becomes rows when it is
 * - a data frame (jsonlite: an array of row objects), one object per row;
 * - a list of vectors, each with one value per row (a single value is repeated, as
 *   `data.frame()` recycles it: with auto_unbox a length-1 vector is a scalar);
 * - a bare vector with one value per row (`predict()`'s answer), as the column `result`.
 * The first column is `row` (the input's data row, from 1) or `index` (the element, from 1); an
 * `error` column holds the error message of a failed chunk, whose rows have no other values.
 * Values: numbers as JavaScript writes them (the shortest text that reads back as the same
 * double), logicals TRUE/FALSE, null/NA empty, anything nested as JSON text.
 */
export async function writeCsv(jsonl: string, csv: string): Promise<{ rows: number }> {
  // Pass 1: the columns (first-seen order) and whether an error column is needed; every answer must fit rows.
  const columns = new Map<string, true>();
  let anyError = false;
  let kind: ParsedRecord['kind'] = 'chunk';
  for await (const r of records(jsonl)) {
    kind = r.kind;
    if (r.error) {
      anyError = true;
      continue;
    }
    const rows = rowsOf(r.result, rowCount(r));
    if (!rows) {
      throw new AppError(
        'usage',
        `The answer to ${r.kind === 'chunk' ? `chunk ${r.index} (rows ${r.rows![0]}-${r.rows![1]})` : `element ${r.index}`} is not one value per ${r.kind === 'chunk' ? 'row' : 'element'} (a data frame, a list of vectors or a vector of that length), so no CSV was written: the answers are in ${jsonl}.`,
      );
    }
    for (const row of rows) for (const k of Object.keys(row)) columns.set(k, true);
  }
  const first = kind === 'chunk' ? 'row' : 'index';
  const names = [...columns.keys()].filter((k) => k !== first && k !== 'error');
  const header = [first, ...names, ...(anyError ? ['error'] : [])];
  const tmp = `${csv}.tmp`;
  const out = await open(tmp, 'w');
  let n = 0;
  try {
    let buffer = `${header.map(csvField).join(',')}\n`;
    for await (const r of records(jsonl)) {
      const count = rowCount(r);
      const start = r.kind === 'chunk' ? r.rows![0] : r.index;
      const rows = r.error ? undefined : rowsOf(r.result, count)!;
      for (let i = 0; i < count; i++) {
        const row = rows?.[i] ?? {};
        const cells = [String(start + i), ...names.map((k) => csvField(row[k])), ...(anyError ? [csvField(r.error?.errorMessage ?? null)] : [])];
        buffer += `${cells.join(',')}\n`;
        n++;
      }
      if (buffer.length > 1 << 16) {
        await out.write(buffer);
        buffer = '';
      }
    }
    await out.write(buffer);
    await out.sync();
  } catch (e) {
    await out.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await out.close();
  await rename(tmp, csv);
  return { rows: n };
}

async function* records(jsonl: string): AsyncGenerator<ParsedRecord> {
  for await (const line of createInterface({ input: createReadStream(jsonl, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const r = parseRecord(line);
    if (r) yield r;
  }
}

const rowCount = (r: ParsedRecord): number => (r.kind === 'chunk' ? r.rows![1] - r.rows![0] + 1 : 1);

type Row = Record<string, unknown>;
const isScalar = (v: unknown): boolean => v === null || typeof v !== 'object';
const isPlainObject = (v: unknown): v is Row => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The answer as `n` rows, or undefined when it is not shaped like n rows. */
export function rowsOf(result: unknown, n: number): Row[] | undefined {
  if (Array.isArray(result)) {
    if (result.length !== n) return undefined;
    if (result.every(isPlainObject)) return result;
    if (result.every(isScalar)) return result.map((v) => ({ result: v }));
    return undefined;
  }
  if (isPlainObject(result)) {
    const entries = Object.entries(result);
    if (!entries.length) return undefined;
    const ok = entries.every(([, v]) => (Array.isArray(v) ? v.length === n && v.every(isScalar) : isScalar(v)));
    if (!ok) return undefined;
    return Array.from({ length: n }, (_, i) => Object.fromEntries(entries.map(([k, v]) => [k, Array.isArray(v) ? v[i] : v])));
  }
  return n === 1 ? [{ result }] : undefined;
}

/** RFC 4180: quoted when it holds a comma, a quote or a line break. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
