// The HTTP side of the double: reading a body under Lambda's request limit, the request a
// handler sees, and the answer it gives back.
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { badJson, LambdaError } from './errors';
import type { Store } from './store';
import type { LambdaS3Source } from './types';

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (an Invoke payload, a code download). */
  raw?: Buffer;
}

export interface Request {
  store: Store;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Empty when the body was over Lambda's request limit; bodyBytes says how long it was. */
  body: Buffer;
  bodyBytes: number;
  /** The body parsed as JSON ({} when empty). */
  json: Record<string, unknown>;
  /** http://127.0.0.1:PORT, for URLs the double serves itself. */
  endpoint: string;
  /** Where code given as an S3 location is read (LambdaDoubleOptions.s3). */
  s3?: LambdaS3Source;
}

export type Handler = (req: Request) => Answer | Promise<Answer>;

export interface Body {
  /** undefined when the body was longer than the limit (it was read and dropped). */
  data: Buffer | undefined;
  bytes: number;
}

/** Reads a body, keeping at most `limit` bytes; past that it counts and drops the rest, so the
 * connection stays usable for the 413 that follows. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve({ data: bytes <= limit ? Buffer.concat(chunks) : undefined, bytes }));
    req.on('error', reject);
  });
}

export function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    throw new Error('the body is not a JSON object');
  } catch (e) {
    if (e instanceof LambdaError) throw e;
    throw badJson(e instanceof Error ? e.message : String(e));
  }
}

export function send(res: http.ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { 'x-amzn-RequestId': randomUUID(), ...answer.headers };
  let body: Buffer | undefined = answer.raw;
  if (answer.json !== undefined) {
    body = Buffer.from(JSON.stringify(answer.json));
    headers['Content-Type'] = 'application/json';
  }
  headers['Content-Length'] = String(body?.length ?? 0);
  res.writeHead(answer.status, headers);
  res.end(body);
}

export function errorAnswer(e: LambdaError): Answer {
  return { status: e.status, headers: { 'x-amzn-ErrorType': e.type, ...e.extraHeaders }, json: e.body() };
}

/** A copy of a request body for calls(): every ZipFile (base64 text) becomes {zipBytes:n}. */
export function redactZips(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactZips);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === 'ZipFile' && typeof v === 'string' ? { zipBytes: Buffer.byteLength(v, 'base64') } : redactZips(v)]),
  );
}

// Small readers for the JSON fields of a request: the SDK sends what the model says, but a
// double must not crash on a caller that sends something else.
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
export const strList = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
export const strMap = (v: unknown): Record<string, string> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : undefined;
export const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
