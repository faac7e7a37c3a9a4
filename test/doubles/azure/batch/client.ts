import type { HttpMethods } from '@azure/core-rest-pipeline';
import type { ArmDouble } from '../ArmDouble';
import { doubleCredential } from '../clients';
import type { BatchAccountDouble } from './BatchAccountDouble';
import { BATCH_AUDIENCE } from './data/DataPlane';

/**
 * How a test reaches an account's data plane as a client on @azure/core-rest-pipeline would: the
 * default pipeline (retries, 429 Retry-After handling) with bearerTokenAuthenticationPolicy for
 * the scope https://batch.core.windows.net/.default and a ClientSecretCredential against the ARM
 * double's Entra endpoint; every request at api-version 2025-06-01 unless it names another.
 */
export interface BatchResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or the text of a file; undefined when the answer had no body. */
  body: unknown;
  text: string;
}

export interface BatchRequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Query parameters; api-version is added unless given ('' leaves it out). */
  query?: Record<string, string>;
  /** Retries of the default pipeline (default 3). */
  maxRetries?: number;
}

export type BatchSend = (method: HttpMethods, path: string, options?: BatchRequestOptions) => Promise<BatchResponse>;

export async function batchDataClient(arm: ArmDouble, account: BatchAccountDouble, sp: { clientId: string; clientSecret: string } = arm.deployer): Promise<BatchSend> {
  const { bearerTokenAuthenticationPolicy, createDefaultHttpClient, createHttpHeaders, createPipelineFromOptions, createPipelineRequest } = await import('@azure/core-rest-pipeline');
  const client = createDefaultHttpClient();
  const credential = doubleCredential(arm, sp);
  return async (method, path, options = {}) => {
    const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: options.maxRetries ?? 3, retryDelayInMs: 10 } });
    pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: `${BATCH_AUDIENCE}.default` }));
    const query = new URLSearchParams({ 'api-version': '2025-06-01', ...options.query });
    if (query.get('api-version') === '') query.delete('api-version');
    const json = options.body !== undefined;
    const request = createPipelineRequest({
      url: `${account.endpoint}${path}${query.size ? `?${query.toString()}` : ''}`,
      method,
      headers: createHttpHeaders({ ...(json ? { 'content-type': 'application/json; odata=minimalmetadata' } : {}), accept: 'application/json', ...options.headers }),
      ...(json ? { body: JSON.stringify(options.body) } : {}),
    });
    const response = await pipeline.sendRequest(client, request);
    const text = response.bodyAsText ?? '';
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers.toJSON(), body: text && type.startsWith('application/json') ? JSON.parse(text) : text || undefined, text };
  };
}
