import { Readable } from 'node:stream';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';

/*
 * A TEST DOUBLE of the Batch data plane's wire, for batchClient.test.ts: an HttpClient (the
 * interface core-rest-pipeline sends through) that records every request the real pipeline
 * sends, answers by route with the status codes, headers and error bodies of the 2025-06-01 REST
 * reference, and streams bodies only where the request asked for a stream (as the Node client
 * does). It knows nothing of Batch's rules: each test says what Batch answers.
 */

export interface WireReply {
  status: number;
  headers?: Record<string, string>;
  /** JSON (objects), text, or bytes (file contents). */
  body?: unknown;
}

export interface WireRequest {
  method: string;
  url: URL;
  /** The URL as the pipeline sent it, before URL parsing re-escapes it. */
  raw: string;
  headers: Record<string, string>;
  body?: unknown;
}

type Handler = (req: WireRequest) => WireReply | Promise<WireReply>;

export class BatchWire implements HttpClient {
  readonly requests: WireRequest[] = [];
  private readonly routes: { method: string; path: string | RegExp; handler: Handler }[] = [];

  on(method: string, path: string | RegExp, handler: Handler | WireReply): this {
    this.routes.push({ method, path, handler: typeof handler === 'function' ? handler : () => handler });
    return this;
  }

  /** Answers in turn; the last one repeats. */
  sequence(method: string, path: string | RegExp, ...replies: WireReply[]): this {
    return this.on(method, path, () => (replies.length > 1 ? replies.shift()! : replies[0]!));
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const url = new URL(request.url);
    const headers = Object.fromEntries([...request.headers].map(([k, v]) => [k.toLowerCase(), v]));
    const body = typeof request.body === 'string' ? JSON.parse(request.body) : undefined;
    const req: WireRequest = { method: request.method, url, raw: request.url, headers, ...(body === undefined ? {} : { body }) };
    this.requests.push(req);
    const route = this.routes.find((r) => r.method === request.method && (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname)));
    const reply = route ? await route.handler(req) : error(404, 'ResourceNotFound', `The double has no route for ${request.method} ${url.pathname}.`);
    const { createHttpHeaders } = await import('@azure/core-rest-pipeline');
    const isBytes = reply.body instanceof Uint8Array;
    const text = reply.body === undefined ? '' : isBytes ? Buffer.from(reply.body as Uint8Array).toString('utf8') : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const resHeaders = createHttpHeaders({
      'request-id': '5f0a8d3e-0c2e-4b5c-9a4d-2f1e0b7c6d5a',
      ...(headers['return-client-request-id'] === 'true' && headers['client-request-id'] ? { 'client-request-id': headers['client-request-id'] } : {}),
      ...(isBytes ? { 'content-type': 'application/octet-stream', 'content-length': String((reply.body as Uint8Array).length) } : reply.body !== undefined ? { 'content-type': 'application/json;odata=minimalmetadata' } : {}),
      ...reply.headers,
    });
    const stream = request.streamResponseStatusCodes?.has(reply.status);
    const response: PipelineResponse = { request, status: reply.status, headers: resHeaders };
    if (request.method === 'HEAD') return response;
    if (stream) response.readableStreamBody = Readable.from(isBytes ? [Buffer.from(reply.body as Uint8Array)] : text ? [Buffer.from(text)] : []);
    else response.bodyAsText = text;
    return response;
  }
}

/** Batch's error body (`BatchError`). */
export function error(status: number, code: string, message: string, values: { key: string; value: string }[] = [], headers: Record<string, string> = {}): WireReply {
  return {
    status,
    headers,
    body: { code, message: { lang: 'en-US', value: `${message}\nRequestId:5f0a8d3e-0c2e-4b5c-9a4d-2f1e0b7c6d5a\nTime:2026-09-17T10:00:00.0000000Z` }, ...(values.length ? { values } : {}) },
  };
}

/** A credential that records the scopes asked for and hands out an hour's token. */
export function staticCredential(token = 'eyJ0eXAi.batch-test-token.sig'): TokenCredential & { scopes: (string | string[])[] } {
  const scopes: (string | string[])[] = [];
  return {
    scopes,
    async getToken(s: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
      scopes.push(s);
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}
