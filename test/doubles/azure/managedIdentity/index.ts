import type { ArmDouble } from '../ArmDouble';
import { resourceNotFound } from '../errors';
import type { ArmRequest } from '../types';
import { identityView, UserAssignedIdentities, type ManagedIdentityOptions, type UserAssignedIdentityRecord } from './UserAssignedIdentities';

export { UserAssignedIdentities, identityView, type ManagedIdentityOptions, type UserAssignedIdentityRecord } from './UserAssignedIdentities';

/** The api-versions Microsoft.ManagedIdentity serves (2023-01-31 is @azure/arm-msi 2.2.0's). */
export const MANAGED_IDENTITY_API_VERSIONS = ['2015-08-31-preview', '2018-11-30', '2021-09-30-preview', '2022-01-31-preview', '2023-01-31', '2023-07-31-preview', '2024-11-30', '2025-01-31-preview'];

const NS = 'providers/Microsoft\\.ManagedIdentity/userAssignedIdentities';
const ITEM = new RegExp(`^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/${NS}/(?<name>[^/]+)$`);
const ACTION = 'Microsoft.ManagedIdentity/userAssignedIdentities';

/** userAssignedIdentities: PUT (201/200), PATCH, GET, DELETE (200/204), list by resource group and by subscription. */
export function registerManagedIdentity(double: ArmDouble, options?: ManagedIdentityOptions): UserAssignedIdentities {
  double.registerApiVersions('Microsoft.ManagedIdentity', MANAGED_IDENTITY_API_VERSIONS);
  const store = new UserAssignedIdentities(double, options);
  const find = (r: ArmRequest): UserAssignedIdentityRecord => {
    const record = store.get(store.idOf(r.params.rg!, r.params.name!));
    if (!record) throw resourceNotFound('Microsoft.ManagedIdentity/userAssignedIdentities', r.params.name!, r.params.rg!);
    return record;
  };

  double.route(
    'PUT',
    ITEM,
    (r) => {
      const { record, created } = store.put(r.params.rg!, r.params.name!, r.body);
      return { status: created ? 201 : 200, body: identityView(record) };
    },
    { operation: 'UserAssignedIdentities_CreateOrUpdate', action: `${ACTION}/write` },
  );
  double.route('PATCH', ITEM, (r) => ({ status: 200, body: identityView(store.patch(find(r), r.body)) }), {
    operation: 'UserAssignedIdentities_Update',
    action: `${ACTION}/write`,
  });
  double.route('GET', ITEM, (r) => ({ status: 200, body: identityView(find(r)) }), { operation: 'UserAssignedIdentities_Get', action: `${ACTION}/read` });
  double.route(
    'DELETE',
    ITEM,
    (r) => {
      const record = store.get(store.idOf(r.params.rg!, r.params.name!));
      if (!record) return { status: 204 };
      store.delete(record);
      return { status: 200 };
    },
    { operation: 'UserAssignedIdentities_Delete', action: `${ACTION}/delete` },
  );
  double.route(
    'GET',
    new RegExp(`^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/${NS}$`),
    (r) => ({ status: 200, body: { value: store.list(r.params.rg!).map(identityView) } }),
    { operation: 'UserAssignedIdentities_ListByResourceGroup', action: `${ACTION}/read` },
  );
  double.route('GET', new RegExp(`^/subscriptions/(?<sub>[^/]+)/${NS}$`), () => ({ status: 200, body: { value: store.list().map(identityView) } }), {
    operation: 'UserAssignedIdentities_ListBySubscription',
    action: `${ACTION}/read`,
  });
  return store;
}
