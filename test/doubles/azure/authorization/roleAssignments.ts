import type { ArmDouble } from '../ArmDouble';
import { invalidRequestContent } from '../errors';
import { covers, normalizeScope, type RoleAssignmentRecord } from '../rbac';
import {
  invalidRoleAssignmentId,
  principalNotFound,
  roleAssignmentExists,
  roleAssignmentNotFound,
  roleDefinitionDoesNotExist,
  unmatchedPrincipalType,
  unsupportedFilter,
  updateNotPermitted,
} from './errors';

const SCOPE = '(?<scope>(?:/.*)?)';
const scopeOf = (r: { params: Record<string, string> }) => normalizeScope(r.params.scope || '/');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRINCIPAL_TYPES = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'];

export function registerRoleAssignments(double: ArmDouble): void {
  const view = (a: RoleAssignmentRecord) => ({
    properties: {
      roleDefinitionId: a.roleDefinitionId,
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      condition: null,
      conditionVersion: null,
      createdOn: a.createdOn,
      updatedOn: a.createdOn,
      createdBy: a.createdBy ?? null,
      updatedBy: a.createdBy ?? null,
      delegatedManagedIdentityResourceId: null,
      description: a.description ?? null,
    },
    id: `${a.scope === '/' ? '' : a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name: a.name,
  });
  const item = new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleAssignments/(?<name>[^/]+)$`);
  const find = (scope: string, name: string) => {
    const a = double.rbac.assignments.get(name.toLowerCase());
    return a && a.scope.toLowerCase() === scope.toLowerCase() ? a : undefined;
  };

  double.route(
    'PUT',
    item,
    (r) => {
      const scope = scopeOf(r);
      const name = r.params.name!;
      if (!GUID.test(name)) throw invalidRoleAssignmentId(name);
      const props = (r.body as { properties?: Record<string, unknown> } | undefined)?.properties;
      if (!props || typeof props !== 'object') throw invalidRequestContent("Required property 'properties' not found in JSON. Path '', line 1, position 2.");
      const { roleDefinitionId, principalId, principalType, description } = props;
      if (typeof roleDefinitionId !== 'string') throw invalidRequestContent("Required property 'roleDefinitionId' not found in JSON. Path 'properties'.");
      if (typeof principalId !== 'string') throw invalidRequestContent("Required property 'principalId' not found in JSON. Path 'properties'.");
      if (principalType !== undefined && (typeof principalType !== 'string' || !PRINCIPAL_TYPES.includes(principalType))) {
        throw invalidRequestContent(`Error converting value "${String(principalType)}" to type 'Microsoft.Azure.Authorization.Contracts.Common.PrincipalType'. Path 'properties.principalType'`);
      }
      const role = double.rbac.role(roleDefinitionId.split('/').pop()!);
      if (!role || !/roleDefinitions\/[^/]+$/i.test(roleDefinitionId)) throw roleDefinitionDoesNotExist(roleDefinitionId.split('/').pop()!);
      const entry = double.directory.get(principalId);
      const replicated = double.directory.replicated(principalId);
      // With principalType set, ARM skips its directory lookup: a principal that exists but has
      // not replicated yet can be assigned (Microsoft's advice for new managed identities).
      if (!replicated && !(principalType !== undefined && entry)) throw principalNotFound(principalId, double.tenantId);
      if (entry && principalType !== undefined && replicated && entry.principalType !== principalType) {
        throw unmatchedPrincipalType(principalId, entry.principalType, principalType);
      }
      const existing = double.rbac.assignments.get(name.toLowerCase());
      const same = (a: RoleAssignmentRecord) =>
        a.principalId === principalId.toLowerCase() && a.scope.toLowerCase() === scope.toLowerCase() && a.roleDefinitionId.toLowerCase().endsWith(role.id);
      if (existing && !same(existing)) throw updateNotPermitted();
      if ([...double.rbac.assignments.values()].some(same)) throw roleAssignmentExists();
      const record = double.rbac.assign(principalId, role.id, scope, principalType ?? entry?.principalType ?? 'ServicePrincipal', name);
      record.createdBy = r.principal.objectId;
      if (typeof description === 'string') record.description = description;
      return { status: 201, body: view(record) };
    },
    { operation: 'RoleAssignments_Create', action: 'Microsoft.Authorization/roleAssignments/write', scope: scopeOf },
  );

  double.route(
    'GET',
    item,
    (r) => {
      const a = find(scopeOf(r), r.params.name!);
      if (!a) throw roleAssignmentNotFound(r.params.name!);
      return { status: 200, body: view(a) };
    },
    { operation: 'RoleAssignments_Get', action: 'Microsoft.Authorization/roleAssignments/read', scope: scopeOf },
  );

  double.route(
    'DELETE',
    item,
    (r) => {
      const a = find(scopeOf(r), r.params.name!);
      if (!a) return { status: 204 };
      double.rbac.assignments.delete(a.name.toLowerCase());
      return { status: 200, body: view(a) };
    },
    { operation: 'RoleAssignments_Delete', action: 'Microsoft.Authorization/roleAssignments/delete', scope: scopeOf },
  );

  double.route(
    'GET',
    new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleAssignments$`),
    (r) => {
      const scope = scopeOf(r);
      const filter = parseFilter(r.query.get('$filter'));
      const value = [...double.rbac.assignments.values()]
        .filter((a) => covers(a.scope, scope) || (!filter.atScope && covers(scope, a.scope)))
        .filter((a) => filter.principalId === undefined || a.principalId === filter.principalId)
        .map(view);
      return { status: 200, body: { value } };
    },
    { operation: 'RoleAssignments_ListForScope', action: 'Microsoft.Authorization/roleAssignments/read', scope: scopeOf },
  );
}

/** `atScope()`, `principalId eq '…'`, `assignedTo('…')`, joined by `and`. */
function parseFilter(filter: string | null): { atScope: boolean; principalId?: string } {
  const out: { atScope: boolean; principalId?: string } = { atScope: false };
  if (!filter) return out;
  for (const clause of filter.split(/\s+and\s+/i)) {
    const c = clause.trim();
    let m: RegExpExecArray | null;
    if (/^atScope\(\)$/i.test(c)) out.atScope = true;
    else if ((m = /^principalId\s+eq\s+'([^']+)'$/i.exec(c))) out.principalId = m[1]!.toLowerCase();
    else if ((m = /^assignedTo\('([^']+)'\)$/i.exec(c))) out.principalId = m[1]!.toLowerCase();
    else throw unsupportedFilter(filter);
  }
  return out;
}
