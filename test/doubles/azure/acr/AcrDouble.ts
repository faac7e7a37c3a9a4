// A test double of an Azure Container Registry's data plane (see index.ts): plain HTTP on
// 127.0.0.1 in front of a real docker-registry, speaking ACR's token service and checking the
// ARM double's role assignments on the registry's resource id.
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRegistry, type TestRegistry } from '../../../support/registry';
import type { ArmDouble } from '../ArmDouble';
import { covers, required } from './access';
import { exchange, token, type AuthContext, type AuthOutcome } from './auth';
import { acrError, badGateway, notFound, unauthorized, type AcrReply } from './errors';
import { proxy, type Backend } from './proxy';
import { AcrTokens, formatScope, type Access } from './tokens';

export interface AcrDoubleOptions {
  /** The ARM double whose tokens it accepts, whose RBAC it checks, and where the registry resource is seeded. */
  arm: ArmDouble;
  /** The real registry behind it; default: a new docker-registry with htpasswd auth, stopped with the double. */
  registry?: { host: string; auth?: { username: string; password: string } };
  /** The registry resource's name (5-50 letters and digits). Default 'acrdouble' + random. */
  name?: string;
  /** Default: the ARM double's first resource group. */
  resourceGroup?: string;
  location?: string;
  tags?: Record<string, string>;
}

export type AcrOperation = 'Challenge' | 'Exchange' | 'Token' | 'Registry' | 'Unknown';

export interface AcrCall {
  operation: AcrOperation;
  method: string;
  path: string;
  /** Object id the request stood for, once the double knew it. */
  principal?: string;
  /** Token requests: the scopes asked for and what was granted. */
  scopes?: string[];
  granted?: Access[];
  /** Registry requests: the access they needed (e.g. 'repository:app:push'). */
  needed?: string;
  status: number;
  at: number;
}

export interface AcrFault {
  operation: Exclude<AcrOperation, 'Unknown'> | '*';
  status: number;
  /** ACR error code; default 'UNAVAILABLE' (5xx), 'TOOMANYREQUESTS' (429) or 'DENIED'. */
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
}

export class AcrDouble {
  readonly name: string;
  readonly resourceGroup: string;
  private readonly server: http.Server;
  private readonly tokens = new AcrTokens(() => this.loginServer);
  private readonly recorded: AcrCall[] = [];
  private readonly faults: Array<{ fault: AcrFault; left: number }> = [];
  private port = 0;
  private id = '';

  private constructor(
    private readonly arm: ArmDouble,
    private readonly backend: Backend,
    private readonly owned: TestRegistry | undefined,
    opts: AcrDoubleOptions,
  ) {
    this.name = opts.name ?? `acrdouble${randomBytes(4).toString('hex')}`;
    this.resourceGroup = opts.resourceGroup ?? arm.resourceGroups()[0] ?? 'rg-test';
    this.server = http.createServer((req, res) => {
      // Nothing may escape a request: an unhandled rejection would end the test process.
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  /** Starts the double (and, unless one is given, its backing registry) and seeds the registry resource in ARM. */
  static async start(opts: AcrDoubleOptions): Promise<AcrDouble> {
    let owned: TestRegistry | undefined;
    let backend: Backend;
    if (opts.registry) {
      backend = { host: opts.registry.host, ...(opts.registry.auth ? { authorization: basic(opts.registry.auth) } : {}) };
    } else {
      const auth = { username: 'acr-backend', password: randomBytes(12).toString('hex') };
      owned = await startRegistry({ auth });
      backend = { host: owned.host, authorization: basic(auth) };
    }
    const double = new AcrDouble(opts.arm, backend, owned, opts);
    try {
      await new Promise<void>((resolve, reject) => {
        double.server.once('error', reject);
        double.server.listen(0, '127.0.0.1', () => resolve());
      });
    } catch (e) {
      await owned?.stop();
      throw e;
    }
    double.port = (double.server.address() as AddressInfo).port;
    const record = opts.arm.containerRegistries.seed({
      name: double.name,
      resourceGroup: double.resourceGroup,
      loginServer: double.loginServer,
      ...(opts.location ? { location: opts.location } : {}),
      ...(opts.tags ? { tags: opts.tags } : {}),
    });
    double.id = record.id;
    return double;
  }

  /** 127.0.0.1:PORT: the registry part of image names, the token `service`, the ARM resource's loginServer. */
  get loginServer(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** http://127.0.0.1:PORT/ */
  get url(): string {
    return `http://${this.loginServer}/`;
  }

  /** The ARM resource id, the scope AcrPull/AcrPush are assigned at. */
  get registryId(): string {
    return this.id;
  }

  /** host:port of the real registry behind the double. */
  get backendHost(): string {
    return this.backend.host;
  }

  /** The object id an ACR refresh or access token of this registry stands for. */
  principalOf(acrToken: string): string | undefined {
    return (this.tokens.verifyRefresh(acrToken) ?? this.tokens.verifyAccess(acrToken))?.oid;
  }

  calls(filter?: AcrOperation | ((call: AcrCall) => boolean)): AcrCall[] {
    if (filter === undefined) return [...this.recorded];
    return this.recorded.filter(typeof filter === 'string' ? (c) => c.operation === filter : filter);
  }

  resetCalls(): void {
    this.recorded.length = 0;
  }

  /** The next `times` requests of the operation ('*': any) fail with this status and ACR error body. */
  injectFault(fault: AcrFault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`times must be a positive integer, got ${times}`);
    this.faults.push({ fault, left: times });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Removes the registry resource from ARM, stops listening, and stops the backing registry it started. */
  async stop(): Promise<void> {
    this.arm.containerRegistries.remove(this.id);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.owned?.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://double.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const operation: AcrOperation = path === '/oauth2/exchange' ? 'Exchange' : path === '/oauth2/token' ? 'Token' : /^\/v2(\/|$)/.test(path) ? 'Registry' : 'Unknown';
    const call: AcrCall = { operation, method, path, status: 0, at: Date.now() };
    this.recorded.push(call);
    const fault = operation === 'Unknown' ? undefined : this.takeFault(operation);
    if (fault) return this.send(req, res, call, fault);
    if (operation === 'Exchange' || operation === 'Token') {
      if (operation === 'Exchange' && method !== 'POST') return this.send(req, res, call, acrError(405, 'UNSUPPORTED', `method ${method} is not allowed`));
      const params = method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
      if (method === 'POST') for (const [k, v] of url.searchParams) if (!params.has(k)) params.append(k, v);
      const outcome: AuthOutcome = operation === 'Exchange' ? exchange(params, this.context()) : token(method, params, header(req.headers.authorization), this.context());
      Object.assign(call, { principal: outcome.principal, scopes: outcome.scopes, granted: outcome.granted });
      return this.send(req, res, call, outcome.reply);
    }
    if (operation === 'Unknown') return this.send(req, res, call, notFound());
    return this.registry(req, res, call, url);
  }

  /** A /v2/ request: a valid access token that covers the access it needs, then the real registry. */
  private async registry(req: IncomingMessage, res: ServerResponse, call: AcrCall, url: URL): Promise<void> {
    const need = required(call.method, call.path);
    if (need) call.needed = formatScope(need);
    const bearer = /^Bearer\s+(\S+)$/i.exec(header(req.headers.authorization) ?? '')?.[1];
    const claims = bearer ? this.tokens.verifyAccess(bearer) : undefined;
    if (!claims) {
      call.operation = 'Challenge';
      return this.send(req, res, call, this.challenge(need));
    }
    call.principal = claims.oid;
    if (need && !covers(claims.access, need)) return this.send(req, res, call, this.challenge(need));
    // A cross-repository mount needs pull on the source; without it the registry starts a plain upload.
    const from = url.searchParams.get('from');
    if (from !== null && !covers(claims.access, { type: 'repository', name: from, actions: ['pull'] })) {
      url.searchParams.delete('from');
      url.searchParams.delete('mount');
    }
    try {
      call.status = await proxy(req, res, `${url.pathname}${url.search}`, this.backend, this.loginServer);
    } catch (e) {
      if (!res.headersSent) return this.send(req, res, call, badGateway(e instanceof Error ? e.message : String(e)));
      res.destroy();
    }
  }

  /**
   * 401 with ACR's Bearer challenge, the same whether a token was missing or fell short: ACR adds
   * no error="insufficient_scope", which is why the Docker engine reports a push or pull without
   * the role as "unauthorized: authentication required, visit https://aka.ms/acr/authorization…"
   * (Azure/acr#258, #506) rather than "denied: requested access to the resource is denied".
   */
  private challenge(need: Access | undefined): AcrReply {
    const parts = [`realm="http://${this.loginServer}/oauth2/token"`, `service="${this.loginServer}"`];
    if (need) parts.push(`scope="${formatScope(need)}"`);
    const detail = need ? need.actions.map((a) => ({ Type: need.type, Name: need.name, Action: a })) : undefined;
    return unauthorized(detail, { 'WWW-Authenticate': `Bearer ${parts.join(',')}` });
  }

  private context(): AuthContext {
    return { arm: this.arm, tokens: this.tokens, loginServer: this.loginServer, registryId: this.id };
  }

  private takeFault(operation: AcrOperation): AcrReply | undefined {
    const index = this.faults.findIndex(({ fault }) => fault.operation === operation || fault.operation === '*');
    const entry = this.faults[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left === 0) this.faults.splice(index, 1);
    const { status, retryAfterSeconds } = entry.fault;
    const code = entry.fault.code ?? (status === 429 ? 'TOOMANYREQUESTS' : status >= 500 ? 'UNAVAILABLE' : 'DENIED');
    const message = entry.fault.message ?? (status === 429 ? 'too many requests' : 'injected fault');
    return acrError(status, code, message, undefined, retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {});
  }

  private send(req: IncomingMessage, res: ServerResponse, call: AcrCall, reply: AcrReply): void {
    // Drain what the client is still sending (a refused blob upload) so the connection stays usable.
    req.resume();
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    call.status = reply.status;
    res.writeHead(reply.status, {
      ...(call.path.startsWith('/v2') ? { 'Docker-Distribution-Api-Version': 'registry/2.0' } : {}),
      ...(payload ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      'Content-Length': Buffer.byteLength(payload),
      ...reply.headers,
    });
    res.end(payload);
  }
}

function basic(auth: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
