import type { ArmDouble } from '../ArmDouble';
import type { BuiltinRole } from '../builtinRoles';
import { roleDefinitionNotFound, unsupportedFilter } from './errors';

const SCOPE = '(?<scope>(?:/.*)?)';
const scopeOf = (r: { params: Record<string, string> }) => r.params.scope || '/';

export function registerRoleDefinitions(double: ArmDouble): void {
  const view = (role: BuiltinRole, scope: string) => ({
    id: double.rbac.roleDefinitionId(role, scope),
    type: 'Microsoft.Authorization/roleDefinitions',
    name: role.id,
    properties: {
      roleName: role.roleName,
      type: 'BuiltInRole',
      description: role.description,
      assignableScopes: ['/'],
      permissions: [role.permissions],
      createdOn: '2015-02-02T21:55:09.8806423Z',
      updatedOn: '2021-11-11T20:13:47.8628684Z',
      createdBy: null,
      updatedBy: null,
    },
  });

  double.route(
    'GET',
    new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleDefinitions$`),
    (r) => {
      const scope = scopeOf(r);
      const filter = r.query.get('$filter');
      let roles = double.rbac.allRoles();
      if (filter) {
        const byName = /^roleName\s+eq\s+'(.*)'$/i.exec(filter.trim());
        const byType = /^type\s+eq\s+'(.*)'$/i.exec(filter.trim());
        if (byName) roles = roles.filter((role) => role.roleName.toLowerCase() === byName[1]!.toLowerCase());
        else if (byType) roles = byType[1]!.toLowerCase() === 'builtinrole' ? roles : [];
        else throw unsupportedFilter(filter);
      }
      return { status: 200, body: { value: roles.map((role) => view(role, scope)) } };
    },
    { operation: 'RoleDefinitions_List', action: 'Microsoft.Authorization/roleDefinitions/read', scope: scopeOf },
  );

  double.route(
    'GET',
    new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleDefinitions/(?<id>[^/]+)$`),
    (r) => {
      const role = double.rbac.role(r.params.id!);
      if (!role || role.id !== r.params.id!.toLowerCase()) throw roleDefinitionNotFound();
      return { status: 200, body: view(role, scopeOf(r)) };
    },
    { operation: 'RoleDefinitions_Get', action: 'Microsoft.Authorization/roleDefinitions/read', scope: scopeOf },
  );
}
