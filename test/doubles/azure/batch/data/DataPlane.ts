import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testTls } from '../../../../support/azureTls';
import type { ArmDouble } from '../../ArmDouble';
import type { AccountService } from '../AccountService';
import type { BatchCall, BatchFault } from '../types';
import { authenticationFailed, BatchError, invalidRequestBody, missingApiVersion, throttled, unsupportedApiVersion } from './errors';
import { DataRouter, type DataReply } from './router';
import { registerJobRoutes } from './routes/jobs';
import { registerPoolRoutes } from './routes/pools';
import { registerScheduleRoutes } from './routes/schedules';
import { registerTaskRoutes } from './routes/tasks';

/**
 * One account's data plane: HTTPS on 127.0.0.1 (its `accountEndpoint`), the certificate of the
 * other Azure doubles. Before a route sees a request: the api-version (2025-06-01; anything else
 * refused as the service refuses an unknown version, none as MissingRequiredQueryParameter), the
 * bearer token (minted by the ARM double for the audience https://batch.core.windows.net/, unexpired),
 * then any injected fault. Every request is recorded, errors included. Answers carry request-id,
 * and client-request-id when the caller asks for it (return-client-request-id: true).
 */
export const BATCH_AUDIENCE = 'https://batch.core.windows.net/';
export const DATA_PLANE_API_VERSIONS = ['2025-06-01'];

export class DataPlane {
  private readonly server: https.Server;
  private readonly router = new DataRouter();

  constructor(
    private readonly arm: ArmDouble,
    private readonly svc: AccountService,
    private readonly record: (call: BatchCall) => void,
    private readonly takeFault: (operation: string) => BatchFault | undefined,
  ) {
    registerPoolRoutes(this.router);
    registerJobRoutes(this.router);
    registerScheduleRoutes(this.router);
    registerTaskRoutes(this.router);
    const { cert, key } = testTls();
    this.server = https.createServer({ cert, key }, (req, res) => {
      // Nothing may escape a request: an unhandled rejection would end the test process.
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'https://double.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = decodeURIComponent(url.pathname).replace(/\/{2,}/g, '/').replace(/\/$/, '') || '/';
    const requestId = randomUUID();
    const matched = this.router.match(method, path);
    const call: BatchCall = {
      account: this.svc.state.name,
      operation: typeof matched === 'object' ? matched.route.operation : 'Unknown',
      method,
      path,
      query: url.searchParams.toString(),
      apiVersion: url.searchParams.get('api-version') ?? '',
      body: undefined,
      principal: undefined,
      ...(req.headers['ocp-range'] ? { range: String(req.headers['ocp-range']) } : {}),
      status: 0,
      at: Date.now(),
    };
    this.record(call);
    let reply: DataReply;
    try {
      reply = await this.serve(req, url, method, matched, call, Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      const error = e instanceof BatchError ? e : new BatchError(500, 'InternalError', `The server encountered an internal error. Please retry the request. (test double: ${e instanceof Error ? (e.stack ?? e.message) : String(e)})`);
      reply = { status: error.status, headers: error.headers, body: error.body(this.svc.state.host, requestId) };
    }
    call.status = reply.status;
    const headers: Record<string, string> = { 'request-id': requestId, DataServiceVersion: '3.0', ...reply.headers };
    if (String(req.headers['return-client-request-id']).toLowerCase() === 'true' && req.headers['client-request-id']) headers['client-request-id'] = String(req.headers['client-request-id']);
    if (Buffer.isBuffer(reply.body)) {
      res.writeHead(reply.status, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(reply.body.length), ...headers });
      res.end(method === 'HEAD' ? undefined : reply.body);
      return;
    }
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { ...(payload ? { 'Content-Type': 'application/json;odata=minimalmetadata' } : {}), 'Content-Length': String(Buffer.byteLength(payload)), ...headers });
    res.end(method === 'HEAD' ? undefined : payload);
  }

  private async serve(req: IncomingMessage, url: URL, method: string, matched: ReturnType<DataRouter['match']>, call: BatchCall, raw: string): Promise<DataReply> {
    const version = url.searchParams.get('api-version');
    if (version === null) throw missingApiVersion();
    if (!DATA_PLANE_API_VERSIONS.includes(version)) throw unsupportedApiVersion(version);
    const auth = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    if (!auth) throw authenticationFailed(req.headers.authorization ? 'The Authorization header is not a bearer token.' : 'The Authorization header is missing.');
    const claims = this.arm.verifyToken(auth[1]!, [BATCH_AUDIENCE]);
    if (claims === 'invalid') throw authenticationFailed('The access token is invalid.');
    if (claims === 'expired') throw authenticationFailed('The access token has expired.');
    if (claims === 'audience') throw authenticationFailed(`The access token was not issued for the audience ${BATCH_AUDIENCE}.`);
    call.principal = claims.oid;
    if (matched === undefined) throw new BatchError(400, 'InvalidUri', 'The requested URI does not represent any resource on the server.');
    if (matched === 'method') throw new BatchError(405, 'UnsupportedHttpVerb', "The resource doesn't support the specified HTTP verb.");
    const fault = this.takeFault(matched.route.operation);
    if (fault) throw fault.kind === 'throttle' ? throttled(fault.retryAfterSeconds ?? 1) : new BatchError(fault.status, fault.code, fault.message);
    let body: unknown;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch (e) {
        throw invalidRequestBody(e instanceof Error ? e.message : String(e));
      }
    }
    call.body = body;
    return matched.route.handler({ params: matched.params, query: url.searchParams, headers: req.headers, body, svc: this.svc });
  }
}
