import { randomUUID } from 'node:crypto';
import { BUILTIN_ROLES, type BuiltinRole } from './builtinRoles';

/**
 * Role definitions and assignments, and the check ARM makes with them before it lets a request
 * reach a resource provider: some assignment of the caller at the request's scope or above
 * grants a role whose actions match the operation's action and whose notActions do not.
 */
export interface RoleAssignmentRecord {
  /** The assignment's name (a GUID). */
  name: string;
  /** Where it applies: '/subscriptions/…[/resourceGroups/…[/providers/…]]'. */
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: string;
  description?: string;
  createdOn: string;
  createdBy?: string;
}

/** A role assignment as tests see it. */
export interface RoleAssignmentView {
  name: string;
  scope: string;
  roleName: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: string;
}

export class Rbac {
  private readonly roles = new Map<string, BuiltinRole>();
  readonly assignments = new Map<string, RoleAssignmentRecord>();

  constructor(private readonly subscriptionId: string) {
    for (const role of BUILTIN_ROLES) this.roles.set(role.id, role);
  }

  /** Adds a role definition (a custom role, or a built-in the double does not seed). */
  addRole(role: BuiltinRole): void {
    this.roles.set(role.id.toLowerCase(), role);
  }

  allRoles(): BuiltinRole[] {
    return [...this.roles.values()];
  }

  /** A role by its GUID, by its full id ('/subscriptions/…/roleDefinitions/GUID'), or by name. */
  role(idOrName: string): BuiltinRole | undefined {
    const guid = idOrName.split('/').pop()!.toLowerCase();
    return this.roles.get(guid) ?? [...this.roles.values()].find((r) => r.roleName.toLowerCase() === idOrName.toLowerCase());
  }

  /** The full id ARM shows for a role definition: subscription-qualified inside a subscription. */
  roleDefinitionId(role: BuiltinRole, scope: string): string {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
    return `${sub ? `/subscriptions/${sub}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`;
  }

  assign(principalId: string, roleIdOrName: string, scope: string, principalType = 'ServicePrincipal', name: string = randomUUID()): RoleAssignmentRecord {
    const role = this.role(roleIdOrName);
    if (!role) throw new Error(`no role definition '${roleIdOrName}'`);
    const record: RoleAssignmentRecord = {
      name,
      scope: normalizeScope(scope),
      roleDefinitionId: this.roleDefinitionId(role, `/subscriptions/${this.subscriptionId}`),
      principalId: principalId.toLowerCase(),
      principalType,
      createdOn: new Date().toISOString(),
    };
    this.assignments.set(name.toLowerCase(), record);
    return record;
  }

  /** Whether any assignment of the principal at or above `scope` allows `action`. */
  allows(principalId: string, action: string, scope: string): boolean {
    const oid = principalId.toLowerCase();
    return [...this.assignments.values()].some((a) => {
      if (a.principalId !== oid || !covers(a.scope, scope)) return false;
      const role = this.role(a.roleDefinitionId);
      if (!role) return false;
      const { actions, notActions } = role.permissions;
      return actions.some((p) => actionMatches(p, action)) && !notActions.some((p) => actionMatches(p, action));
    });
  }

  views(): RoleAssignmentView[] {
    return [...this.assignments.values()].map((a) => ({
      name: a.name,
      scope: a.scope,
      roleName: this.role(a.roleDefinitionId)?.roleName ?? '(deleted role)',
      roleDefinitionId: a.roleDefinitionId,
      principalId: a.principalId,
      principalType: a.principalType,
    }));
  }
}

// RBAC patterns: case-insensitive, `*` matches any run of characters (slashes included), and a
// whole segment `/*/` may also match a single slash: Managed Identity Operator's
// 'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action' grants
// 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', as it does in Azure.
export function actionMatches(pattern: string, action: string): boolean {
  const escape = (part: string) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const source = pattern
    .split('/*/')
    .map((chunk) => chunk.split('*').map(escape).join('.*'))
    .join('(?:/.*/|/)');
  return new RegExp(`^${source}$`, 'i').test(action);
}

/** Whether an assignment at `outer` applies at `inner`: same scope or an ancestor, by whole segments. */
export function covers(outer: string, inner: string): boolean {
  const o = normalizeScope(outer).toLowerCase();
  const i = normalizeScope(inner).toLowerCase();
  return o === '/' || i === o || i.startsWith(`${o}/`);
}

export function normalizeScope(scope: string): string {
  const trimmed = scope.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}
