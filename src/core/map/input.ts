import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { AppError } from '../errors';
import { csvCell } from './cells';
import { RowChunker } from './chunker';
import { jsonArrayElements } from './jsonArray';
import type { MapUnit } from './types';

/** csv: rows with a header line; jsonl: one JSON object per line; json-array: one call per element. */
export type InputFormat = 'csv' | 'jsonl' | 'json-array';

/**
 * By the file's extension (`.csv`, `.jsonl`/`.ndjson`); a `.json` file or any other by its first
 * character: `[` a JSON array, `{` JSON Lines, anything else CSV.
 */
export async function detectFormat(file: string): Promise<InputFormat> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  const first = await firstCharacter(file);
  if (first === '[') return 'json-array';
  if (first === '{') return 'jsonl';
  if (ext === '.json') {
    throw new AppError('payload-invalid', `${file} is neither a JSON array nor JSON Lines${first ? ` (it starts with "${first}")` : ' (it is empty)'}. Give a JSON array (one call per element), JSON Lines or a CSV file.`);
  }
  return 'csv';
}

async function firstCharacter(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8').replace(/^\ufeff/, '').trimStart()[0];
  } finally {
    await handle.close();
  }
}

export interface ReadOptions {
  format: InputFormat;
  /** Rows per call (csv, jsonl). */
  chunkRows: number;
  /** `,` for CSV; a `.tsv` file is read with tabs. */
  delimiter?: string;
}

/** The input's units in order: chunks of rows, or elements. Streams: a file of any size is read once, a chunk at a time. */
export function readUnits(file: string, opts: ReadOptions): AsyncGenerator<MapUnit> {
  if (opts.format === 'json-array') return elementUnits(file);
  const chunker = new RowChunker(opts.chunkRows);
  return chunkRows(opts.format === 'csv' ? csvRows(file, opts.delimiter ?? (path.extname(file).toLowerCase() === '.tsv' ? '\t' : ',')) : jsonlRows(file), chunker);
}

async function* chunkRows(rows: AsyncIterable<Iterable<readonly [string, unknown]>>, chunker: RowChunker): AsyncGenerator<MapUnit> {
  for await (const row of rows) {
    const unit = chunker.add(row);
    if (unit) yield unit;
  }
  const last = chunker.flush();
  if (last) yield last;
}

async function* elementUnits(file: string): AsyncGenerator<MapUnit> {
  let index = 0;
  for await (const payload of jsonArrayElements(createReadStream(file, { encoding: 'utf8' }), file)) yield { kind: 'element', index: ++index, payload };
}

/** CSV rows as [column, value] pairs, typed by csvCell; the first record is the header. */
async function* csvRows(file: string, delimiter: string): AsyncGenerator<Iterable<readonly [string, unknown]>> {
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      delimiter,
      skip_empty_lines: true,
      // The header stays text; a data field is typed by its text and whether it was quoted.
      cast: (value, ctx) => (ctx.records === 0 ? value : csvCell(value, ctx.quoting)),
    }),
  );
  let header: string[] | undefined;
  try {
    for await (const record of parser as AsyncIterable<unknown[]>) {
      if (!header) {
        header = checkHeader(record.map(String), file);
        continue;
      }
      const names = header;
      yield record.map((value, i) => [names[i]!, value] as const);
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('payload-invalid', `${file} is not a CSV file R Deploy can read: ${(e as Error).message}. Every row must have as many fields as the header.`, { cause: e });
  }
  if (!header) throw new AppError('payload-invalid', `${file} is empty: a CSV input needs a header line and rows.`);
}

function checkHeader(names: string[], file: string): string[] {
  const trimmed = names.map((n) => n.trim());
  const empty = trimmed.findIndex((n) => n === '');
  if (empty >= 0) throw new AppError('payload-invalid', `Column ${empty + 1} of ${file} has no name in the header line: every column needs one (it becomes the handler's argument name).`);
  const seen = new Set<string>();
  for (const n of trimmed) {
    if (seen.has(n)) throw new AppError('payload-invalid', `${file} has two columns named "${n}": column names become the handler's argument names and must differ.`);
    seen.add(n);
  }
  return trimmed;
}

/** JSON Lines rows: every non-blank line one JSON object (a row); blank lines are skipped and not counted. */
async function* jsonlRows(file: string): AsyncGenerator<Iterable<readonly [string, unknown]>> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const raw of lines) {
    n++;
    const line = n === 1 ? raw.replace(/^\ufeff/, '') : raw;
    if (line.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new AppError('payload-invalid', `Line ${n} of ${file} is not valid JSON (${(e as Error).message}). Each line of a JSON Lines file is one object, e.g. {"wt": 2.6, "hp": 110}.`, { cause: e });
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new AppError('payload-invalid', `Line ${n} of ${file} is not a JSON object: each line of a JSON Lines file is one row, e.g. {"wt": 2.6, "hp": 110}.`);
    }
    yield Object.entries(row);
  }
}
