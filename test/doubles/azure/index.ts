/**
 * A TEST DOUBLE of Azure Resource Manager and of the slice of Microsoft Entra ID its clients use,
 * for tests that drive the real @azure/identity, @azure/arm-authorization and
 * @azure/arm-containerinstance clients. It serves HTTPS on 127.0.0.1 (port 0) with the
 * certificate of test/support/azureTls.ts, which vitest.config.mts makes trusted through
 * NODE_EXTRA_CA_CERTS. Nothing here talks to Azure.
 *
 * Covers:
 * - Entra ID: the tenant's OpenID configuration and the v2.0 token endpoint (client_credentials
 *   with a client secret; AADSTS errors); cloud metadata (GET /metadata/endpoints).
 * - ARM's checks before a provider: bearer token minted by this double (right audience, not
 *   expired), api-version present and served by the provider, subscription and resource group
 *   exist, RBAC (role assignments at or above the scope whose role allows the action), with ARM's
 *   error codes and texts; x-ms-request-id / x-ms-correlation-request-id on every answer.
 * - Recording (calls/resetCalls), faults (throttle as 429 with Retry-After, or any error),
 *   long-running operations (201/202 + Azure-AsyncOperation/Location, polled status).
 * - Microsoft.Authorization: built-in role definitions (real ids and actions), role assignments
 *   (create/get/delete/list with atScope()/principalId filters, RoleAssignmentExists,
 *   PrincipalNotFound while a new principal replicates).
 * - Microsoft.ContainerInstance: container groups that run as real containers on the local
 *   Docker engine (see aci/); a group's user-assigned identities (the caller needs
 *   userAssignedIdentities/assign/action on each: LinkedAuthorizationFailed) and image registry
 *   credentials that pull as one of them through an AcrDouble (aci/acrLogin.ts).
 * - Microsoft.ManagedIdentity: userAssignedIdentities CRUD and lists (2023-01-31), each a principal
 *   in the directory with a replication delay (managedIdentity/), as `arm.userAssignedIdentities`.
 * - Microsoft.ContainerRegistry: registries list/get for those an AcrDouble seeded
 *   (containerRegistry/, acr/ for the registry itself), as `arm.containerRegistries`.
 * - Microsoft.Logic: workflows, their endpoint and runs (see logic/), as `arm.logic`.
 *
 * Does not cover: certificate or managed-identity credentials (tokens for a managed identity are
 * minted with tokenFor()), token signature formats (tokens are HMAC-signed JWT shapes), ARM
 * templates/deployments, resource locks, policy, tags API, paging (lists fit one page), other
 * providers, registry or identity creation through other providers' templates, federated
 * identity credentials, data-plane role actions, deny assignments, conditions on role assignments, and
 * regional capacity or quota limits.
 */
export { ArmDouble } from './ArmDouble';
export { ArmError } from './errors';
export { AcrDouble, NULL_GUID, type AcrCall, type AcrDoubleOptions, type AcrFault } from './acr';
export type { RegistryRecord } from './containerRegistry';
export type { ManagedIdentityOptions, UserAssignedIdentityRecord } from './managedIdentity';
export { BUILTIN_ROLES, type BuiltinRole, type RolePermissions } from './builtinRoles';
export type { RoleAssignmentView } from './rbac';
export type { PrincipalOptions } from './principals';
export type { ContainerGroupView } from './aci';
export type { LogicAppsDouble, LogicAppsOptions } from './logic';
export { BatchAccountDouble, BatchDouble, BATCH_AUDIENCE, DEFAULT_SUPPORTED_IMAGES, evaluateFormula } from './batch';
export type { BatchAccountOptions, BatchCall, BatchCallFilter, BatchFault, BatchOptions, MetricName, NodeSummary, SupportedImage, TaskSummary } from './batch';
export type {
  ArmDoubleOptions,
  ArmFault,
  ArmHandler,
  ArmReply,
  ArmRequest,
  CallFilter,
  LongRunningOptions,
  LroState,
  Principal,
  RecordedCall,
  RouteOptions,
  ServicePrincipal,
} from './types';
