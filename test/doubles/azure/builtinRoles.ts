/**
 * Built-in role definitions the double knows, with their real ids and permissions as Microsoft
 * publishes them (learn.microsoft.com/azure/role-based-access-control/built-in-roles). Only the
 * control-plane `actions`/`notActions` matter to the double's RBAC check; data actions are kept
 * for the shape.
 */
export interface RolePermissions {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface BuiltinRole {
  id: string;
  roleName: string;
  description: string;
  permissions: RolePermissions;
}

const perms = (actions: string[], notActions: string[] = [], dataActions: string[] = []): RolePermissions => ({
  actions,
  notActions,
  dataActions,
  notDataActions: [],
});

export const BUILTIN_ROLES: readonly BuiltinRole[] = [
  {
    id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    roleName: 'Owner',
    description: 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
    permissions: perms(['*']),
  },
  {
    id: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    roleName: 'Contributor',
    description:
      'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
    permissions: perms(
      ['*'],
      [
        'Microsoft.Authorization/*/Delete',
        'Microsoft.Authorization/*/Write',
        'Microsoft.Authorization/elevateAccess/Action',
        'Microsoft.Blueprint/blueprintAssignments/write',
        'Microsoft.Blueprint/blueprintAssignments/delete',
        'Microsoft.Compute/galleries/share/action',
        'Microsoft.Purview/consents/write',
        'Microsoft.Purview/consents/delete',
        'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
        'Microsoft.Subscription/cancel/action',
        'Microsoft.Subscription/enable/action',
      ],
    ),
  },
  {
    id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    roleName: 'Reader',
    description: 'View all resources, but does not allow you to make any changes.',
    permissions: perms(['*/read']),
  },
  {
    id: '5d977122-f97e-4b4d-a52f-6b43003ddb4d',
    roleName: 'Azure Container Instances Contributor Role',
    description: 'Grants read/write access to container groups provided by Azure Container Instances',
    // Id and description verified; the action list follows what the role is documented to hold
    // (containerGroups/* plus the usual reads, no other provider) — the exact list is unverified.
    permissions: perms([
      'Microsoft.ContainerInstance/containerGroups/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Authorization/*/read',
      'Microsoft.Insights/alertRules/*',
    ]),
  },
  {
    id: 'f1a07417-d97a-45cb-824c-7a7467783830',
    roleName: 'Managed Identity Operator',
    description: 'Read and Assign User Assigned Identity',
    permissions: perms([
      'Microsoft.ManagedIdentity/userAssignedIdentities/*/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action',
      'Microsoft.Authorization/*/read',
      'Microsoft.Insights/alertRules/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Support/*',
    ]),
  },
  {
    id: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
    roleName: 'AcrPull',
    description: 'acr pull',
    permissions: perms(['Microsoft.ContainerRegistry/registries/pull/read']),
  },
  {
    id: '8311e382-0749-4cb8-b61a-304f252e45ec',
    roleName: 'AcrPush',
    description: 'acr push',
    permissions: perms(['Microsoft.ContainerRegistry/registries/pull/read', 'Microsoft.ContainerRegistry/registries/push/write']),
  },
  {
    id: 'c2f4ef07-c644-48eb-af81-4b1b4947fb11',
    roleName: 'AcrDelete',
    description: 'acr delete',
    permissions: perms(['Microsoft.ContainerRegistry/registries/artifacts/delete']),
  },
];
