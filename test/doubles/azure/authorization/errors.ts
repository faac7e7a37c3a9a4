import { ArmError } from '../errors';

// Microsoft.Authorization's error answers, with the texts ARM sends (as quoted in
// Azure/azure-cli, hashicorp/terraform-provider-azurerm and Microsoft's troubleshooting docs).

export const roleAssignmentExists = () => new ArmError(409, 'RoleAssignmentExists', 'The role assignment already exists.');

export const roleAssignmentNotFound = (name: string) => new ArmError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`);

export const roleDefinitionDoesNotExist = (id: string) =>
  new ArmError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${id}' does not exist.`);

export const roleDefinitionNotFound = () => new ArmError(404, 'RoleDefinitionDoesNotExist', 'The specified role definition with ID does not exist.');

/** Entra ID has not (yet) replicated the principal to where ARM looks it up. */
export const principalNotFound = (principalId: string, tenantId: string) =>
  new ArmError(
    400,
    'PrincipalNotFound',
    `Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
  );

export const unmatchedPrincipalType = (principalId: string, actual: string, given: string) =>
  new ArmError(400, 'UnmatchedPrincipalType', `The PrincipalId '${principalId.replace(/-/g, '')}' has type '${actual}' , which is different from specified PrincipalType '${given}'.`);

export const invalidRoleAssignmentId = (name: string) =>
  new ArmError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);

export const updateNotPermitted = () =>
  new ArmError(400, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');

export const unsupportedFilter = (filter: string) => new ArmError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported.`);
