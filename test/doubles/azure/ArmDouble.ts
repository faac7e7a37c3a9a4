// A test double of Azure Resource Manager and the slice of Microsoft Entra ID its clients use,
// served over HTTPS on 127.0.0.1 (see index.ts for what it covers). This file is the framework:
// the server, ARM's checks before a provider sees a request (token, api-version, subscription,
// resource group, RBAC), recording, faults and long-running operations. Providers register
// their routes on it (authorization/, aci/, logic/), all of them in start().
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testTls } from '../../support/azureTls';
import { registerContainerInstance, type ContainerGroupView, type ContainerInstanceService } from './aci';
import { registerAuthorization } from './authorization';
import { registerBatch, type BatchDouble } from './batch';
import { registerContainerRegistry, type ContainerRegistries } from './containerRegistry';
import { serveEntra, token } from './entra';
import { registerLogicApps, type LogicAppsDouble } from './logic';
import { registerManagedIdentity, type UserAssignedIdentities } from './managedIdentity';
import {
  ArmError,
  asArmError,
  authorizationFailed,
  invalidRequestContent,
  invalidResourceNamespace,
  missingApiVersion,
  missingToken,
  resourceGroupNotFound,
  subscriptionNotFound,
  unknownResourceType,
} from './errors';
import { FaultPlan } from './faults';
import { Operations } from './lro';
import { Directory, type PrincipalOptions } from './principals';
import { providerOf, Providers } from './providers';
import { Rbac, type RoleAssignmentView } from './rbac';
import { Router } from './router';
import { registerResources } from './resources';
import { authenticate, sameAudience, TokenMinter, type TokenClaims } from './tokens';
import type {
  ArmDoubleOptions,
  ArmFault,
  ArmHandler,
  ArmReply,
  ArmRequest,
  CallFilter,
  LongRunningOptions,
  Principal,
  RecordedCall,
  RouteOptions,
  ServicePrincipal,
} from './types';

/** What a request carries before ARM has looked at it. */
interface Incoming {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
}

export class ArmDouble {
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly location: string;
  readonly deployer: ServicePrincipal;
  readonly timeScale: number;
  readonly label: string;
  /** The RBAC store: role definitions and assignments (authorization/ serves it over REST). */
  readonly rbac: Rbac;
  readonly directory = new Directory();
  readonly providers = new Providers();
  readonly operations: Operations;

  private readonly server: https.Server;
  private readonly router = new Router();
  private readonly recorded: RecordedCall[] = [];
  private readonly faults = new FaultPlan();
  private readonly minter: TokenMinter;
  private readonly groups = new Set<string>();
  private aci: ContainerInstanceService | undefined;
  private registries: ContainerRegistries | undefined;
  private identities: UserAssignedIdentities | undefined;
  private logicApps: LogicAppsDouble | undefined;
  private batchDouble: BatchDouble | undefined;
  /** Resources besides ARM that the Entra endpoint issues tokens for (Batch's data plane). */
  private readonly audiences: string[] = [];
  private port = 0;

  private constructor(readonly options: ArmDoubleOptions) {
    this.subscriptionId = (options.subscriptionId ?? '00000000-0000-0000-0000-0000000000a1').toLowerCase();
    this.tenantId = (options.tenantId ?? '00000000-0000-0000-0000-0000000000e1').toLowerCase();
    this.location = options.location ?? 'westeurope';
    this.timeScale = options.timeScale ?? 0.02;
    this.label = options.label ?? 'azure-double';
    for (const rg of options.resourceGroups ?? ['rg-test']) this.groups.add(rg.toLowerCase());
    this.deployer = options.deployer ?? { clientId: randomUUID(), clientSecret: `secret-${randomUUID()}`, objectId: randomUUID() };
    this.minter = new TokenMinter(this.tenantId);
    this.rbac = new Rbac(this.subscriptionId);
    this.operations = new Operations(() => this.url, this.subscriptionId, this.location);
    this.registerPrincipal(this.deployer.objectId, { clientId: this.deployer.clientId, clientSecret: this.deployer.clientSecret });
    this.rbac.assign(this.deployer.objectId, 'Owner', `/subscriptions/${this.subscriptionId}`);
    const { cert, key } = testTls();
    this.server = https.createServer({ cert, key }, (req, res) => {
      // Nothing may escape a request: an unhandled rejection would end the test process.
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  /**
   * Starts a double on 127.0.0.1, on a free port, with Authorization, Container Instances and
   * Logic Apps (options.logicApps; the workflow endpoint listens once something needs its URL)
   * registered.
   */
  static async start(opts: ArmDoubleOptions = {}): Promise<ArmDouble> {
    const double = new ArmDouble(opts);
    double.route('GET', /^\/subscriptions\/(?<sub>[^/]+)\/providers\/(?<ns>[^/]+)\/locations\/(?<loc>[^/]+)\/operations\/(?<id>[^/]+)$/, (r) => double.operations.status(r.params.id!), {
      operation: 'AsyncOperation_Get',
    });
    double.route('GET', /^\/subscriptions\/(?<sub>[^/]+)\/providers\/(?<ns>[^/]+)\/locations\/(?<loc>[^/]+)\/operationResults\/(?<id>[^/]+)$/, (r) => double.operations.result(r.params.id!), {
      operation: 'AsyncOperationResult_Get',
    });
    registerResources(double);
    registerAuthorization(double);
    double.identities = registerManagedIdentity(double, opts.managedIdentity);
    double.registries = registerContainerRegistry(double);
    double.aci = registerContainerInstance(double);
    double.logicApps = registerLogicApps(double, opts.logicApps);
    double.batchDouble = registerBatch(double);
    await new Promise<void>((resolve, reject) => {
      double.server.once('error', reject);
      double.server.listen(0, '127.0.0.1', () => resolve());
    });
    double.port = (double.server.address() as AddressInfo).port;
    return double;
  }

  /** https://127.0.0.1:PORT/ — the ARM endpoint, the Entra authority host and the token audience. */
  get url(): string {
    return `https://127.0.0.1:${this.port}/`;
  }

  /** The Logic Apps part: its test hooks (fireRecurrence, runs, waitForRun, endpoint faults…). */
  get logic(): LogicAppsDouble {
    if (!this.logicApps) throw new Error('ArmDouble: Logic Apps is registered by ArmDouble.start()');
    return this.logicApps;
  }

  /** Azure Batch, both planes: createAccount, and each account's hooks (fireSchedule, preemptNode, setSamples…). */
  get batch(): BatchDouble {
    if (!this.batchDouble) throw new Error('ArmDouble: Batch is registered by ArmDouble.start()');
    return this.batchDouble;
  }

  /** Lets the Entra endpoint issue tokens for another resource a service of the double serves. */
  acceptTokenAudience(audience: string): void {
    if (!this.audiences.includes(audience)) this.audiences.push(audience);
  }

  /** Microsoft.ContainerRegistry/registries: the registries AcrDoubles seeded (seed, byLoginServer…). */
  get containerRegistries(): ContainerRegistries {
    if (!this.registries) throw new Error('ArmDouble: Container Registry is registered by ArmDouble.start()');
    return this.registries;
  }

  /** Microsoft.ManagedIdentity/userAssignedIdentities: the identities created (get, byPrincipalId, put…). */
  get userAssignedIdentities(): UserAssignedIdentities {
    if (!this.identities) throw new Error('ArmDouble: Managed Identity is registered by ArmDouble.start()');
    return this.identities;
  }

  /**
   * Cancels the workflow runs (before the containers they drive go), removes the containers it
   * started, stops listening and drops open connections.
   */
  async stop(): Promise<void> {
    await this.logicApps?.stop();
    await this.batchDouble?.stop();
    await this.aci?.stop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Registers a provider route. `pattern` is matched against the decoded path, case-insensitively;
   * its named groups become `params`. */
  route(method: string, pattern: RegExp, handler: ArmHandler, options: RouteOptions): void {
    this.router.add(method, pattern, handler, options);
  }

  /** Declares the api-versions a provider namespace serves; any other is refused the way ARM does. */
  registerApiVersions(namespace: string, apiVersions: string[]): void {
    this.providers.register(namespace, apiVersions);
  }

  /** Every request received, oldest first (Entra ID ones as 'Entra_Token' / 'Entra_OpenIdConfiguration'). */
  calls(filter?: CallFilter): RecordedCall[] {
    if (filter === undefined) return [...this.recorded];
    if (typeof filter === 'string') return this.recorded.filter((c) => c.operation === filter);
    if (typeof filter === 'function') return this.recorded.filter(filter);
    return this.recorded.filter(
      (c) =>
        (filter.operation === undefined || c.operation === filter.operation) &&
        (filter.method === undefined || c.method === filter.method.toUpperCase()) &&
        (filter.path === undefined || filter.path.test(c.path)),
    );
  }

  resetCalls(): void {
    this.recorded.length = 0;
  }

  /** The next `times` (default 1) requests of the operation ('*': any ARM operation) fail this way. */
  injectFault(fault: ArmFault, times = 1): void {
    this.faults.add(fault, times);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** The first answer of a long-running operation (201/202 with Azure-AsyncOperation and Location). */
  longRunning(request: Pick<ArmRequest, 'path' | 'apiVersion'>, opts: LongRunningOptions): ArmReply {
    return this.operations.begin(request, opts);
  }

  /** A bearer token this double accepts, for a registered principal. Default audience: `url`. */
  tokenFor(principalId: string, audience: string = this.url): string {
    const entry = this.directory.get(principalId);
    if (!entry) throw new Error(`tokenFor: no principal '${principalId}' (registerPrincipal first)`);
    return this.minter.mint(entry.objectId, audience, entry.clientId);
  }

  /**
   * The claims of a bearer token this double minted, if it is unexpired and for one of
   * `audiences` (default: ARM's): how another service of the double (ACR's token exchange)
   * checks an Entra token. 'invalid', 'expired' or 'audience' say why it is refused.
   */
  verifyToken(token: string, audiences: string[] = [this.url]): TokenClaims | 'invalid' | 'expired' | 'audience' {
    const claims = this.minter.verify(token);
    if (!claims) return 'invalid';
    if (claims.exp * 1000 < Date.now()) return 'expired';
    if (!audiences.some((a) => sameAudience(a, claims.aud))) return 'audience';
    return claims;
  }

  /** Adds a principal to the directory (a managed identity, a service principal with a secret…). */
  registerPrincipal(objectId: string, opts: PrincipalOptions = {}): void {
    this.directory.register(objectId, opts.clientId ?? randomUUID(), opts);
  }

  /** Seeds a role assignment without a request (a role given outside the code under test). */
  assignRole(principalId: string, role: string, scope: string): RoleAssignmentView {
    const record = this.rbac.assign(principalId, role, scope);
    return this.rbac.views().find((v) => v.name === record.name)!;
  }

  roleAssignments(): RoleAssignmentView[] {
    return this.rbac.views();
  }

  containerGroups(): ContainerGroupView[] {
    return this.aci?.views() ?? [];
  }

  resourceGroups(): string[] {
    return [...this.groups];
  }

  /** Makes a resource group exist (as if someone created it). */
  addResourceGroup(name: string): void {
    this.groups.add(name.toLowerCase());
  }

  /**
   * Serves one ARM request in-process, as `principalId`, through every check a network request
   * passes (api-version, RBAC, faults, recording): how another service of the double — a Logic
   * App's connector with its managed identity — calls ARM. `path` may carry a query string.
   */
  async invoke(principalId: string, method: string, pathAndQuery: string, body?: unknown): Promise<ArmReply> {
    const url = new URL(pathAndQuery.replace(/^\/+/, '/'), 'https://double.invalid');
    const entry = this.directory.get(principalId);
    const principal: Principal | undefined = entry ? { objectId: entry.objectId, clientId: entry.clientId } : undefined;
    const rawBody = body === undefined ? '' : JSON.stringify(body);
    return this.arm({ method: method.toUpperCase(), path: decodeURIComponent(url.pathname).replace(/\/{2,}/g, '/'), query: url.searchParams, headers: {}, rawBody }, principal);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    // Clients put a scope that starts with '/' after the host's '/' ('//subscriptions/…'), which
    // ARM accepts: repeated slashes count as one.
    const url = new URL((req.url ?? '/').replace(/^\/+/, '/'), 'https://double.invalid');
    const incoming: Incoming = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: decodeURIComponent(url.pathname).replace(/\/{2,}/g, '/'),
      query: url.searchParams,
      headers: req.headers,
      rawBody: Buffer.concat(chunks).toString('utf8'),
    };
    const tokenFor = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(incoming.path);
    const entra =
      tokenFor && incoming.method === 'POST' && this.audiences.length > 0
        ? { operation: 'Entra_Token', reply: token(new URLSearchParams(incoming.rawBody), { tenantId: this.tenantId, pathTenant: tokenFor[1]!, audiences: [this.url, ...this.audiences], directory: this.directory, minter: this.minter }) }
        : serveEntra(incoming, { url: this.url, tenantId: this.tenantId, directory: this.directory, minter: this.minter });
    if (entra) {
      const { method, path, query } = incoming;
      this.recorded.push({ operation: entra.operation, method, path, apiVersion: query.get('api-version') ?? '', body: undefined, principal: undefined, status: entra.reply.status, at: Date.now() });
    }
    const reply: ArmReply = entra?.reply ?? (await this.arm(incoming, authenticate(header(req.headers.authorization), this.minter, this.url)));
    const requestId = reply.headers?.['x-ms-request-id'] ?? randomUUID();
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'x-ms-request-id': requestId,
      'x-ms-correlation-request-id': header(req.headers['x-ms-correlation-request-id']) ?? randomUUID(),
      ...(header(req.headers['x-ms-client-request-id']) ? { 'x-ms-client-request-id': header(req.headers['x-ms-client-request-id'])! } : {}),
      ...(payload ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      'Content-Length': Buffer.byteLength(payload),
      ...reply.headers,
    });
    res.end(payload);
  }

  private async arm(req: Incoming, who: Principal | ArmError | undefined): Promise<ArmReply> {
    const requestId = randomUUID();
    const matched = this.router.match(req.method, req.path);
    const apiVersion = req.query.get('api-version') ?? '';
    const call: RecordedCall = {
      operation: matched?.entry.options.operation ?? 'Unknown',
      method: req.method,
      path: req.path,
      apiVersion,
      body: undefined,
      principal: who instanceof ArmError || who === undefined ? undefined : who.objectId,
      status: 0,
      at: Date.now(),
    };
    this.recorded.push(call);
    let reply: ArmReply;
    try {
      reply = await this.serve(req, who, matched, apiVersion, requestId, call);
    } catch (error) {
      const armError = asArmError(error);
      reply = { status: armError.status, headers: armError.headers, body: armError.body() };
    }
    call.status = reply.status;
    return { ...reply, headers: { 'x-ms-request-id': requestId, ...reply.headers } };
  }

  private async serve(
    req: Incoming,
    who: Principal | ArmError | undefined,
    matched: ReturnType<Router['match']>,
    apiVersion: string,
    requestId: string,
    call: RecordedCall,
  ): Promise<ArmReply> {
    if (who === undefined) throw missingToken();
    if (who instanceof ArmError) throw who;
    let body: unknown;
    if (req.rawBody.trim() !== '') {
      try {
        body = JSON.parse(req.rawBody);
      } catch (e) {
        throw invalidRequestContent(e instanceof Error ? e.message : String(e));
      }
    }
    call.body = body;
    if (!apiVersion) throw missingApiVersion();
    const sub = /^\/subscriptions\/([^/]+)/i.exec(req.path)?.[1];
    if (sub !== undefined && sub.toLowerCase() !== this.subscriptionId) throw subscriptionNotFound(sub);
    const rg = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(req.path)?.[1];
    if (rg !== undefined && !this.groups.has(rg.toLowerCase())) throw resourceGroupNotFound(rg);
    const target = providerOf(req.path);
    if (target && !this.providers.knows(target.namespace) && !/^\/subscriptions\/[^/]+\/providers\/[^/]+\/locations\//i.test(req.path)) {
      throw invalidResourceNamespace(target.namespace);
    }
    if (!matched) {
      if (this.router.servesPath(req.path)) throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
      throw unknownResourceType(target?.type ?? req.path, target?.namespace ?? 'Microsoft.Resources', apiVersion);
    }
    this.providers.check(req.path, req.method, apiVersion, locationOf(body) ?? this.location);
    const fault = this.faults.take(matched.entry.options.operation, { subscriptionId: this.subscriptionId, objectId: who.objectId, method: req.method });
    if (fault) throw fault;
    const request: ArmRequest = { method: req.method, path: req.path, params: matched.params, query: req.query, headers: req.headers, body, principal: who, apiVersion, requestId };
    const { action, scope } = matched.entry.options;
    if (action) {
      const at = scope?.(request) ?? req.path;
      if (!this.rbac.allows(who.objectId, action, at)) throw authorizationFailed(who.clientId ?? who.objectId, who.objectId, action, at);
    }
    return matched.entry.handler(request);
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function locationOf(body: unknown): string | undefined {
  const location = (body as { location?: unknown } | undefined)?.location;
  return typeof location === 'string' ? location : undefined;
}
