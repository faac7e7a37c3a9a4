import type { ArmDouble } from './ArmDouble';

/**
 * The little of Microsoft.Resources that a deployer reads before it creates anything: the
 * subscriptions the caller can see, the resource groups of one (the seeded ones), one resource
 * group, and the subscription's locations (the double's own only).
 */
export function registerResources(double: ArmDouble): void {
  const sub = () => `/subscriptions/${double.subscriptionId}`;
  const group = (name: string) => ({
    id: `${sub()}/resourceGroups/${name}`,
    name,
    type: 'Microsoft.Resources/resourceGroups',
    location: double.location,
    properties: { provisioningState: 'Succeeded' },
  });

  double.route(
    'GET',
    /^\/subscriptions$/,
    (r) => {
      // A caller sees the subscriptions in which it holds some role.
      const visible = double.rbac.views().some((a) => a.principalId === r.principal.objectId.toLowerCase() && a.scope.toLowerCase().startsWith(sub()));
      const value = visible
        ? [{ id: sub(), authorizationSource: 'RoleBased', subscriptionId: double.subscriptionId, tenantId: double.tenantId, displayName: 'rdeploy test double', state: 'Enabled', subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' } }]
        : [];
      return { status: 200, body: { count: { type: 'Total', value: value.length }, value } };
    },
    { operation: 'Subscriptions_List' },
  );

  double.route(
    'GET',
    /^\/subscriptions\/(?<sub>[^/]+)\/resourcegroups$/,
    () => ({ status: 200, body: { value: double.resourceGroups().map(group) } }),
    { operation: 'ResourceGroups_List', action: 'Microsoft.Resources/subscriptions/resourceGroups/read' },
  );

  double.route(
    'GET',
    /^\/subscriptions\/(?<sub>[^/]+)\/resourcegroups\/(?<rg>[^/]+)$/,
    (r) => ({ status: 200, body: group(double.resourceGroups().find((g) => g === r.params.rg!.toLowerCase()) ?? r.params.rg!) }),
    { operation: 'ResourceGroups_Get', action: 'Microsoft.Resources/subscriptions/resourceGroups/read' },
  );

  double.route(
    'GET',
    /^\/subscriptions\/(?<sub>[^/]+)\/locations$/,
    () => ({
      status: 200,
      body: {
        value: [
          {
            id: `${sub()}/locations/${double.location}`,
            name: double.location,
            type: 'Region',
            displayName: double.location,
            regionalDisplayName: double.location,
            metadata: { regionType: 'Physical', regionCategory: 'Recommended' },
          },
        ],
      },
    }),
    { operation: 'Locations_List' },
  );
}
