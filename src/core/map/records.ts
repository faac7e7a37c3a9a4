import type { HandlerError, MapUnit, UnitOutcome } from './types';

/** A unit without its payload: what its output record names. */
export type UnitMeta = { kind: 'chunk'; index: number; rows: [number, number] } | { kind: 'element'; index: number };

export const metaOf = (u: MapUnit): UnitMeta => (u.kind === 'chunk' ? { kind: 'chunk', index: u.index, rows: u.rows } : { kind: 'element', index: u.index });

/**
 * The errorType of a unit no answer could be had for (after the retries): R Deploy's own, never
 * an R condition class, so that a rerun knows to call it again. Handler errors are answers and
 * keep the class R gave them.
 */
export const CALL_FAILED = 'rdeploy.CallFailed';

/**
 * One output line (without its line feed):
 * `{"chunk": i, "rows": [first, last], "result": …}`, `{"index": i, "result": …}`, or `"error":
 * {errorType, errorMessage}` instead of `result` (and `"attempts"` when the calls failed). The
 * handler's JSON text is kept verbatim when the executor has it, so every digit R wrote stays.
 */
export function recordLine(meta: UnitMeta, outcome: UnitOutcome): string {
  const head = meta.kind === 'chunk' ? `{"chunk":${meta.index},"rows":[${meta.rows[0]},${meta.rows[1]}]` : `{"index":${meta.index}`;
  if (outcome.kind === 'result') return `${head},"result":${resultText(outcome.value, outcome.raw)}}`;
  const error: HandlerError = { errorType: outcome.error.errorType, errorMessage: outcome.error.errorMessage };
  if (outcome.kind === 'failed') return `${head},"error":${JSON.stringify({ ...error, errorType: CALL_FAILED })},"attempts":${outcome.attempts}}`;
  return `${head},"error":${JSON.stringify(error)}}`;
}

function resultText(value: unknown, raw: string | undefined): string {
  // A raw text with a line break would break the one-record-per-line format: re-serialized instead.
  if (raw !== undefined && !/[\r\n]/.test(raw) && raw.trim() !== '') return raw.trim();
  return JSON.stringify(value ?? null);
}

/** A record read back from an output file. */
export interface ParsedRecord {
  kind: 'chunk' | 'element';
  index: number;
  rows?: [number, number];
  result?: unknown;
  error?: HandlerError;
  /** Answered (a result or a handler error): a rerun skips it. A failed call is not done. */
  done: boolean;
}

/** Parses one output line; undefined when it is not a record `rdeploy map` writes. */
export function parseRecord(line: string): ParsedRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = v as Record<string, unknown>;
  const kind = typeof r.chunk === 'number' ? 'chunk' : typeof r.index === 'number' ? 'element' : undefined;
  if (!kind) return undefined;
  const index = (kind === 'chunk' ? r.chunk : r.index) as number;
  const rows = Array.isArray(r.rows) && r.rows.length === 2 && r.rows.every((x) => typeof x === 'number') ? (r.rows as [number, number]) : undefined;
  if (kind === 'chunk' && !rows) return undefined;
  if ('result' in r) return { kind, index, ...(rows ? { rows } : {}), result: r.result, done: true };
  const e = r.error as Partial<HandlerError> | undefined;
  if (!e || typeof e !== 'object' || typeof e.errorType !== 'string') return undefined;
  const error = { errorType: e.errorType, errorMessage: String(e.errorMessage ?? '') };
  return { kind, index, ...(rows ? { rows } : {}), error, done: e.errorType !== CALL_FAILED };
}
