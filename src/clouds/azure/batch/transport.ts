import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient, Pipeline, PipelinePolicy, PipelineResponse } from '@azure/core-rest-pipeline';
import type { z } from 'zod';
import { AppError, cancelledError } from '../../../core/errors';
import { batchErrorFrom } from './BatchError';
import { BATCH_API_VERSION, type BatchRequest } from './requests';

/** Entra's scope for the Batch data plane in Azure's public cloud. */
export const BATCH_SCOPE = 'https://batch.core.windows.net/.default';

/** Who talks to which Batch account. */
export interface BatchConnection {
  /** The account endpoint: ARM's `accountEndpoint` ("acct.westeurope.batch.azure.com") or an https URL. */
  endpoint: string;
  credential: TokenCredential;
  /** Another cloud's Batch scope (e.g. "https://batch.chinacloudapi.cn/.default"); default BATCH_SCOPE. */
  scope?: string;
  /** Replaces the network (tests); default core-rest-pipeline's client, with proxy settings from the environment. */
  httpClient?: HttpClient;
  /**
   * Retries of throttling (429/503 after Retry-After) and of 5xx and network errors;
   * `throttledWithoutRetryAfterMs` is the wait for a 429 that does not say (default 2 s).
   */
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number; throttledWithoutRetryAfterMs?: number };
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Read the body as bytes (task files) instead of text. */
  binary?: boolean;
  /** Statuses answered instead of thrown, e.g. 404 for an existence check. */
  allow?: readonly number[];
}

/** An answer with a 2xx status (or an allowed one). */
export interface BatchAnswer {
  status: number;
  header(name: string): string | undefined;
  text?: string;
  bytes?: Uint8Array;
}

/** More pages than any account lists: a nextLink that never ends is a broken server, not more data. */
const MAX_PAGES = 1000;
/** A 429 without Retry-After is waited on this long so the retry policy retries it too. */
const DEFAULT_THROTTLE_MS = 2_000;

/**
 * The account's origin from ARM's accountEndpoint, which has no scheme. Only https: Entra tokens
 * never travel in clear, and core-rest-pipeline refuses to sign plain http anyway.
 */
export function batchEndpoint(accountEndpoint: string): string {
  const text = accountEndpoint.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new AppError('config-invalid', `The Batch account endpoint "${accountEndpoint}" is not a host name or URL.`);
  }
  if (url.protocol !== 'https:') throw new AppError('config-invalid', `The Batch account endpoint must use https, not ${url.protocol.replace(':', '')} (${accountEndpoint}).`);
  return url.origin;
}

/**
 * Sends BatchRequests: one pipeline (proxy, retries honouring Retry-After, client-request-id in
 * Batch's header, bearer token for the Batch scope), made on first use so that importing this
 * module loads no SDK.
 */
export class BatchTransport {
  readonly origin: string;
  private pipeline?: Promise<{ pipeline: Pipeline; client: HttpClient; lib: typeof import('@azure/core-rest-pipeline') }>;

  constructor(private readonly conn: BatchConnection) {
    this.origin = batchEndpoint(conn.endpoint);
  }

  url(req: BatchRequest): string {
    const query = Object.entries(req.query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    return `${this.origin}${req.path}${query ? `?${query}` : ''}`;
  }

  /** One request; a non-2xx answer (not in `allow`) is thrown as a BatchError. */
  async send(req: BatchRequest, opts: SendOptions = {}): Promise<BatchAnswer> {
    return this.sendUrl(req, this.url(req), opts);
  }

  /** Every item of a list, page by page (odata.nextLink), each parsed; an item out of shape is an error. */
  async listAll<S extends z.ZodType>(req: BatchRequest, item: S, what: string, opts: SendOptions = {}): Promise<z.infer<S>[]> {
    const out: z.infer<S>[] = [];
    const seen = new Set<string>();
    let url: string | undefined = this.url(req);
    for (let page = 0; url; page++) {
      // The bearer token goes with each page: never to another host.
      if (new URL(url).origin !== this.origin) throw new AppError('deploy-failed', `${what}: Batch sent a next page on another host (${new URL(url).origin}); it was not followed.`);
      if (seen.has(url) || page >= MAX_PAGES) throw new AppError('deploy-failed', `${what}: Batch kept sending more pages (${page} read); stopped.`);
      seen.add(url);
      const answer = await this.sendUrl(req, url, opts);
      const body = parseJson(answer.text) as { value?: unknown; 'odata.nextLink'?: unknown } | undefined;
      if (!body || !Array.isArray(body.value ?? [])) throw new AppError('deploy-failed', `${what}: Batch answered ${req.path} with something other than a list.`);
      for (const v of (body.value ?? []) as unknown[]) out.push(parseShape(item, v, what));
      url = typeof body['odata.nextLink'] === 'string' ? withApiVersion(body['odata.nextLink']) : undefined;
    }
    return out;
  }

  private async sendUrl(req: BatchRequest, url: string, opts: SendOptions): Promise<BatchAnswer> {
    const { pipeline, client, lib } = await this.ready();
    const headers = lib.createHttpHeaders({
      ...(opts.binary ? {} : { accept: 'application/json' }),
      'return-client-request-id': 'true',
      // Optional with Entra tokens (Shared Key signs it); the spec asks direct callers to send it.
      'ocp-date': new Date().toUTCString(),
      ...req.headers,
    });
    const request = lib.createPipelineRequest({
      url,
      method: req.method,
      headers,
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      ...(opts.binary ? { streamResponseStatusCodes: new Set([200, 206]) } : {}),
      ...(opts.signal ? { abortSignal: opts.signal } : {}),
    });
    let res: PipelineResponse;
    try {
      res = await pipeline.sendRequest(client, request);
    } catch (e) {
      if (opts.signal?.aborted) throw cancelledError();
      throw e;
    }
    const header = (name: string) => res.headers.get(name) ?? undefined;
    if ((res.status < 200 || res.status > 299) && !opts.allow?.includes(res.status)) {
      throw batchErrorFrom(res.status, res.bodyAsText ?? undefined, header('request-id'));
    }
    if (res.readableStreamBody) return { status: res.status, header, bytes: await readAll(res.readableStreamBody) };
    return { status: res.status, header, ...(res.bodyAsText ? { text: res.bodyAsText } : {}) };
  }

  private ready() {
    this.pipeline ??= (async () => {
      const lib = await import('@azure/core-rest-pipeline');
      const { throttledWithoutRetryAfterMs, ...retryOptions } = this.conn.retry ?? {};
      const pipeline = lib.createPipelineFromOptions({
        retryOptions: { maxRetries: 4, ...retryOptions },
        userAgentOptions: { userAgentPrefix: 'rdeploy' },
        telemetryOptions: { clientRequestIdHeaderName: 'client-request-id' },
      });
      pipeline.addPolicy(throttleWithoutRetryAfter(throttledWithoutRetryAfterMs ?? DEFAULT_THROTTLE_MS), { afterPhase: 'Retry' });
      pipeline.addPolicy(lib.bearerTokenAuthenticationPolicy({ credential: this.conn.credential, scopes: this.conn.scope ?? BATCH_SCOPE }));
      return { pipeline, client: this.conn.httpClient ?? lib.createDefaultHttpClient(), lib };
    })();
    return this.pipeline;
  }
}

/**
 * core-rest-pipeline retries a 429 only when it says how long to wait (Retry-After); Batch's
 * throttling answers should, but a 429 without it must not end a deploy. This policy sits below
 * the retry policy and gives such an answer a short wait, so the same policy retries it.
 */
function throttleWithoutRetryAfter(waitMs: number): PipelinePolicy {
  return {
    name: 'batchThrottleWithoutRetryAfter',
    async sendRequest(request, next) {
      const res = await next(request);
      if (res.status === 429 && !res.headers.has('retry-after') && !res.headers.has('retry-after-ms') && !res.headers.has('x-ms-retry-after-ms')) {
        res.headers.set('retry-after-ms', String(waitMs));
      }
      return res;
    },
  };
}

/** A nextLink without api-version would be answered by another version's rules. */
function withApiVersion(url: string): string {
  const u = new URL(url);
  if (!u.searchParams.has('api-version')) u.searchParams.set('api-version', BATCH_API_VERSION);
  return u.toString();
}

export function parseShape<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('deploy-failed', `${what}: Batch answered with something not in the documented shape (${issue?.path.join('.') || 'body'}: ${issue?.message}).`);
  }
  return parsed.data;
}

export function parseJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
