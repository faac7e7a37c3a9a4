import { ArmError, invalidRequestContent } from '../errors';
import type { RegistryCredential } from './spec';

/**
 * A container group's `identity` block (2023-05-01): SystemAssigned, UserAssigned, both, or None;
 * user-assigned identities by resource id, each of which the caller must be allowed to assign
 * (routes.ts) and which an image registry credential may name to pull with (ContainerGroups.ts).
 */
export interface GroupIdentitySpec {
  systemAssigned: boolean;
  /** Resource ids of user-assigned identities, as the caller wrote them. */
  userAssigned: string[];
}

const TYPES = new Map([
  ['systemassigned', { system: true, user: false }],
  ['userassigned', { system: false, user: true }],
  ['systemassigned, userassigned', { system: true, user: true }],
  ['systemassigned,userassigned', { system: true, user: true }],
  ['none', { system: false, user: false }],
]);

/** `/subscriptions/S/resourceGroups/G/providers/Microsoft.ManagedIdentity/userAssignedIdentities/N`, any letter case. */
export const USER_ASSIGNED_ID = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+$/i;

export function parseIdentity(raw: unknown): GroupIdentitySpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw invalidRequestContent("Error converting value to type 'Microsoft.Azure.CloudConsole.Providers.Common.Entities.ContainerGroupIdentity'. Path 'identity'");
  const type = typeof raw.type === 'string' ? TYPES.get(raw.type.trim().toLowerCase()) : undefined;
  if (!type) {
    throw invalidRequestContent(`Error converting value ${JSON.stringify(raw.type ?? null)} to type 'Microsoft.Azure.CloudConsole.Providers.Common.Entities.ResourceIdentityType'. Path 'identity.type'`);
  }
  const ids = isObject(raw.userAssignedIdentities) ? Object.keys(raw.userAssignedIdentities) : [];
  if (type.user && ids.length === 0) throw userAssignedMissing();
  if (!type.user && ids.length > 0) throw userAssignedNotAllowed();
  for (const id of ids) if (!USER_ASSIGNED_ID.test(id)) throw invalidUserAssignedId(id);
  if (!type.system && !type.user) return undefined;
  return { systemAssigned: type.system, userAssigned: ids };
}

/** Each credential that names an identity must name one of the group's user-assigned identities. */
export function checkCredentialIdentities(group: string, identity: GroupIdentitySpec | undefined, credentials: RegistryCredential[]): void {
  for (const c of credentials) {
    if (c.identity === undefined) continue;
    const listed = identity?.userAssigned.some((id) => sameId(id, c.identity!)) ?? false;
    if (!listed) throw invalidImageRegistryIdentity(group);
  }
}

/** Resource ids compare case-insensitively. */
export const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The linked scope as ARM prints it in LinkedAuthorizationFailed: 'resourcegroups' in lower case. */
export const linkedScope = (id: string) => id.replace(/\/resourceGroups\//i, '/resourcegroups/');

/** (verified: MicrosoftDocs/azure-docs#117644, a system-assigned identity named in imageRegistryCredentials) */
export const invalidImageRegistryIdentity = (group: string) =>
  new ArmError(400, 'InvalidImageRegistryIdentity', `The identity in the 'imageRegistryCredentials' of container group '${group}' not found in container group identity list`);

/** ARM's check of linked resources (verified: the text of Azure/aad-pod-identity#443, #613, azure-cli-extensions#9990). */
export const linkedAuthorizationFailed = (client: string, objectId: string, action: string, scope: string, linkedAction: string, linked: string[]) =>
  new ArmError(
    403,
    'LinkedAuthorizationFailed',
    `The client '${client}' with object id '${objectId}' has permission to perform action '${action}' on scope '${scope}'; however, it does not have permission to perform action '${linkedAction}' on the linked scope(s) '${linked.map(linkedScope).join(',')}' or the linked scope(s) are invalid.`,
  );

/** (unverified wording) */
export const userAssignedIdentityNotFound = (id: string) =>
  new ArmError(400, 'InvalidUserAssignedIdentity', `The user assigned identity '${id}' could not be found. Please make sure it exists and retry.`);

/** (unverified wording) */
const userAssignedMissing = () =>
  new ArmError(400, 'BadRequest', "The 'userAssignedIdentities' property must be specified and not empty when the identity type is 'UserAssigned'.");

/** (unverified wording) */
const userAssignedNotAllowed = () =>
  new ArmError(400, 'BadRequest', "The 'userAssignedIdentities' property can only be specified when the identity type includes 'UserAssigned'.");

/** (unverified wording) */
const invalidUserAssignedId = (id: string) =>
  new ArmError(400, 'InvalidIdentityResourceId', `The user assigned identity resource id '${id}' is invalid. It must be of the form '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}'.`);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
