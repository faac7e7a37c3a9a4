import type { ArmDouble } from '../ArmDouble';
import type { ArmRequest } from '../types';
import type { ContainerGroups } from './ContainerGroups';
import { containerNotFound, groupNotFound } from './errors';
import type { GroupRecord } from './group';
import { linkedAuthorizationFailed, userAssignedIdentityNotFound } from './identity';
import { parseGroup, type GroupSpec } from './spec';
import { groupBody } from './view';

const NS = 'providers/Microsoft\\.ContainerInstance';
const GROUP = `^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/${NS}/containerGroups/(?<name>[^/]+)`;
const ACTION = 'Microsoft.ContainerInstance/containerGroups';

/** Container Instances' REST surface (2023-05-01): containerGroups CRUD, lists, start/stop, logs. */
export function registerRoutes(double: ArmDouble, groups: ContainerGroups): void {
  const idOf = (r: Pick<ArmRequest, 'params'>) =>
    `/subscriptions/${double.subscriptionId}/resourceGroups/${r.params.rg}/providers/Microsoft.ContainerInstance/containerGroups/${r.params.name}`;
  const groupScope = (r: Pick<ArmRequest, 'params'>) => idOf(r);
  const find = (r: ArmRequest): GroupRecord => {
    const rec = groups.get(idOf(r));
    if (!rec || rec.resourceGroup.toLowerCase() !== r.params.rg!.toLowerCase()) throw groupNotFound(r.params.name!, r.params.rg!);
    return rec;
  };
  const engine = groups.engine;

  double.route(
    'PUT',
    new RegExp(`${GROUP}$`),
    async (r) => {
      const spec = parseGroup(r.params.name!, r.body);
      checkLinkedIdentities(double, r, idOf(r), spec);
      const { rec, created } = await groups.put(idOf(r), r.params.name!, r.params.rg!, spec);
      return double.longRunning(r, { kind: 'PUT', status: created ? 201 : 200, body: await groupBody(rec, engine, false), poll: () => groups.creation(rec) });
    },
    { operation: 'ContainerGroups_CreateOrUpdate', action: `${ACTION}/write`, scope: groupScope },
  );

  double.route('GET', new RegExp(`${GROUP}$`), async (r) => ({ status: 200, body: await groupBody(find(r), engine, true) }), {
    operation: 'ContainerGroups_Get',
    action: `${ACTION}/read`,
    scope: groupScope,
  });

  double.route(
    'DELETE',
    new RegExp(`${GROUP}$`),
    (r) => {
      const rec = groups.get(idOf(r));
      if (!rec) return { status: 204 };
      return double.longRunning(r, { kind: 'DELETE', poll: groups.delete(rec) });
    },
    { operation: 'ContainerGroups_Delete', action: `${ACTION}/delete`, scope: groupScope },
  );

  double.route(
    'POST',
    new RegExp(`${GROUP}/stop$`),
    async (r) => {
      await groups.stopGroup(find(r));
      return { status: 204 };
    },
    { operation: 'ContainerGroups_Stop', action: `${ACTION}/stop/action`, scope: groupScope },
  );

  double.route(
    'POST',
    new RegExp(`${GROUP}/start$`),
    async (r) => {
      const rec = find(r);
      await groups.startGroup(rec);
      return double.longRunning(r, { kind: 'POST', poll: () => ({ status: 'Succeeded' }) });
    },
    { operation: 'ContainerGroups_Start', action: `${ACTION}/start/action`, scope: groupScope },
  );

  double.route(
    'GET',
    new RegExp(`${GROUP}/containers/(?<container>[^/]+)/logs$`),
    async (r) => {
      const rec = find(r);
      const container = rec.spec.containers.find((c) => c.name === r.params.container);
      if (!container) throw containerNotFound(r.params.container!, rec.name);
      const id = rec.dockerIds.get(container.name);
      const tail = r.query.get('tail');
      const content = id
        ? await engine.logs(id, { ...(tail !== null && /^\d+$/.test(tail) ? { tail: Number(tail) } : {}), timestamps: r.query.get('timestamps') === 'true' })
        : '';
      return { status: 200, body: { content } };
    },
    { operation: 'Containers_ListLogs', action: `${ACTION}/containers/logs/read`, scope: groupScope },
  );

  const list = async (filter: (rec: GroupRecord) => boolean) => ({
    status: 200,
    body: { value: await Promise.all([...groups.groups.values()].filter(filter).map((rec) => groupBody(rec, engine, false))) },
  });
  double.route('GET', new RegExp(`^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/${NS}/containerGroups$`), (r) => list((g) => g.resourceGroup.toLowerCase() === r.params.rg!.toLowerCase()), {
    operation: 'ContainerGroups_ListByResourceGroup',
    action: `${ACTION}/read`,
  });
  double.route('GET', new RegExp(`^/subscriptions/(?<sub>[^/]+)/${NS}/containerGroups$`), () => list(() => true), {
    operation: 'ContainerGroups_List',
    action: `${ACTION}/read`,
  });
}

const ASSIGN = 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action';

/**
 * ARM's linked-resource check: to put user-assigned identities on a group the caller must be
 * allowed to assign each of them (Managed Identity Operator, Owner, Contributor…); then each
 * must exist.
 */
function checkLinkedIdentities(double: ArmDouble, r: ArmRequest, groupId: string, spec: GroupSpec): void {
  const ids = spec.identity?.userAssigned ?? [];
  const refused = ids.filter((id) => !double.rbac.allows(r.principal.objectId, ASSIGN, id));
  if (refused.length > 0) {
    throw linkedAuthorizationFailed(r.principal.clientId ?? r.principal.objectId, r.principal.objectId, `${ACTION}/write`, groupId, ASSIGN, refused);
  }
  const missing = ids.find((id) => !double.userAssignedIdentities.get(id));
  if (missing) throw userAssignedIdentityNotFound(missing);
}
