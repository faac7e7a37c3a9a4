import type { IncomingHttpHeaders } from 'node:http';
import type Docker from 'dockerode';
import type { LogicAppsOptions } from './logic/arm/service';
import type { ManagedIdentityOptions } from './managedIdentity/UserAssignedIdentities';

/** A service principal that can sign in with a secret (ClientSecretCredential). */
export interface ServicePrincipal {
  clientId: string;
  clientSecret: string;
  objectId: string;
}

export interface ArmDoubleOptions {
  /** Default '00000000-0000-0000-0000-0000000000a1'. */
  subscriptionId?: string;
  /** Resource groups that exist; any other answers 404 ResourceGroupNotFound. Default ['rg-test']. */
  resourceGroups?: string[];
  /** Default '00000000-0000-0000-0000-0000000000t1' style GUID. */
  tenantId?: string;
  /** Signs in with its secret and holds Owner on the subscription. A default one is made if absent. */
  deployer?: ServicePrincipal;
  /** The region resources report when a request names none (operation URLs). Default 'westeurope'. */
  location?: string;
  /** Multiplies the real service's delays (ACI: seconds of Pending/Creating). Default 0.02. */
  timeScale?: number;
  /** The engine container groups run on: a dockerode instance or a socket path. Default: the default engine. */
  docker?: Docker | string;
  /** Value of the `rdeploy-azure-double` label on every container the double starts. Default 'azure-double'. */
  label?: string;
  /**
   * The double pulls only from registries on loopback (it never sends traffic elsewhere), so an
   * image from any other registry fails as InaccessibleImage — unless this is set and the engine
   * already has the image, which is then used without a pull (a deviation, for tests' base images).
   */
  allowLocalImages?: boolean;
  /** Settings of user-assigned identities (how long a new one stays unknown to role assignments). */
  managedIdentity?: ManagedIdentityOptions;
  /** Settings of the Logic Apps part (identity replication delay, poll Retry-After, time scale). */
  logicApps?: LogicAppsOptions;
}

/** Who made a request: the object id behind the bearer token. */
export interface Principal {
  objectId: string;
  /** The application (client) id, for service principals and managed identities. */
  clientId?: string;
}

/** One request as a route handler sees it, after ARM's own checks passed. */
export interface ArmRequest {
  method: string;
  /** The decoded path, without query. */
  path: string;
  /** Named groups of the route's regex. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  principal: Principal;
  apiVersion: string;
  requestId: string;
}

export interface ArmReply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON; undefined sends no body. */
  body?: unknown;
}

export type ArmHandler = (request: ArmRequest) => ArmReply | Promise<ArmReply>;

export interface RouteOptions {
  /** The name calls() records and faults match, e.g. 'ContainerGroups_CreateOrUpdate'. */
  operation: string;
  /** The RBAC action the caller must hold at the scope, e.g. 'Microsoft.ContainerInstance/containerGroups/write'. */
  action?: string;
  /** The scope the action is checked at; default the request path (or, for an action route
   * like .../containerGroups/x/start, whatever scope() returns). */
  scope?: (request: Pick<ArmRequest, 'path' | 'params'>) => string;
}

export interface RecordedCall {
  operation: string;
  method: string;
  path: string;
  /** The api-version query parameter, '' when absent. */
  apiVersion: string;
  body: unknown;
  /** Object id of the caller; undefined when it had no valid token (or for Entra ID calls). */
  principal: string | undefined;
  status: number;
  at: number;
}

export type CallFilter = string | { operation?: string; method?: string; path?: RegExp } | ((call: RecordedCall) => boolean);

export type ArmFault =
  | { operation: string; kind: 'throttle'; retryAfterSeconds?: number }
  | { operation: string; kind: 'error'; status: number; code: string; message: string };

/** What an operation-status URL reports, polled each time a client asks. */
export type LroState =
  | { status: 'InProgress' }
  | { status: 'Succeeded' }
  | { status: 'Failed' | 'Canceled'; error: { code: string; message: string } };

export interface LongRunningOptions {
  /** PUT answers 201, DELETE and POST 202. */
  kind: 'PUT' | 'DELETE' | 'POST';
  /** Overrides that status (a PUT that updates an existing resource answers 200). */
  status?: number;
  /** The first answer's body (PUT: the resource as it is now). */
  body?: unknown;
  /** Asked on every poll; a final state is remembered. */
  poll: () => LroState;
  /** Answers GET on the Location URL once the operation is over (POST results; DELETE: 204). */
  result?: () => ArmReply;
}
