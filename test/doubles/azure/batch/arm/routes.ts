import { randomUUID } from 'node:crypto';
import type { ArmDouble } from '../../ArmDouble';
import { linkedAuthorizationFailed, userAssignedIdentityNotFound } from '../../aci/identity';
import { ArmError, resourceNotFound } from '../../errors';
import type { ArmHandler, ArmReply, ArmRequest, LroState } from '../../types';
import type { AccountService } from '../AccountService';
import { BatchError, invalidForCurrentState, missingProperty } from '../data/errors';
import { checkId } from '../model/common';
import { DEFAULT_EVALUATION_INTERVAL } from '../model/poolSpec';
import type { PoolIdentity, PoolRecord, PoolSpec } from '../model/types';
import { accountView } from './accountView';
import { armETag, armPoolView, parseArmPool, type ArmPoolBody } from './poolArm';

/**
 * Microsoft.Batch on the ARM double (2023-11-01, the version @azure/arm-batch 9.1.0 sends):
 * batchAccounts Get / List (by resource group, by subscription) for the accounts a test created,
 * and pools List / Create (PUT; on an existing pool, an update) / Update (PATCH) / Get / Delete
 * (202 + Location, a long-running operation) / disableAutoScale / stopResize, with RBAC actions.
 * Pool Create and Update answer 200 with the pool and its ETag at once, as the spec defines them
 * (not long-running). Errors of the Batch resource provider keep its codes and texts in ARM's
 * envelope, with `target: "BatchAccount"` and the values as details (code/message).
 */
export const BATCH_API_VERSIONS = ['2017-09-01', '2018-12-01', '2019-08-01', '2020-09-01', '2021-06-01', '2022-10-01', '2023-05-01', '2023-11-01', '2024-02-01', '2024-07-01'];
const NS = 'providers/Microsoft\\.Batch/batchAccounts';
const ACCOUNT = `^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/${NS}/(?<account>[^/]+)`;
const POOL = `${ACCOUNT}/pools/(?<pool>[^/]+)`;
const ACTION = 'Microsoft.Batch/batchAccounts';
const ASSIGN = 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action';

/** A Batch resource provider error in ARM's envelope. */
class BatchRpError extends ArmError {
  constructor(error: BatchError) {
    super(error.status, error.code, `${error.message}\nRequestId:${randomUUID()}\nTime:${new Date().toISOString().replace('Z', '0000Z')}`, error.headers, error.values.map((v) => ({ code: v.key, message: v.value })));
  }

  override body() {
    const base = super.body();
    return { error: { ...base.error, target: 'BatchAccount' } };
  }
}

export function registerBatchArm(arm: ArmDouble, accounts: () => AccountService[]): void {
  arm.registerApiVersions('Microsoft.Batch', BATCH_API_VERSIONS);
  const find = (r: ArmRequest): AccountService => {
    const svc = accounts().find((a) => a.state.name.toLowerCase() === r.params.account!.toLowerCase() && a.state.resourceGroup.toLowerCase() === r.params.rg!.toLowerCase());
    if (!svc) throw resourceNotFound('Microsoft.Batch/batchAccounts', r.params.account!, r.params.rg!);
    return svc;
  };
  const route = (method: string, pattern: string, operation: string, action: string, handler: ArmHandler, scope?: (r: Pick<ArmRequest, 'path' | 'params'>) => string) =>
    arm.route(method, new RegExp(pattern), wrap(handler), { operation, action, ...(scope ? { scope } : {}) });
  const accountScope = (r: Pick<ArmRequest, 'params'>) => `/subscriptions/${r.params.sub}/resourceGroups/${r.params.rg}/providers/Microsoft.Batch/batchAccounts/${r.params.account}`;

  route('GET', `${ACCOUNT}$`, 'BatchAccount_Get', `${ACTION}/read`, (r) => ({ status: 200, body: accountView(find(r).state) }));
  route('GET', `^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/${NS}$`, 'BatchAccount_ListByResourceGroup', `${ACTION}/read`, (r) => ({
    status: 200,
    body: { value: accounts().filter((a) => a.state.resourceGroup.toLowerCase() === r.params.rg!.toLowerCase()).map((a) => accountView(a.state)) },
  }));
  route('GET', `^/subscriptions/(?<sub>[^/]+)/${NS}$`, 'BatchAccount_List', `${ACTION}/read`, () => ({ status: 200, body: { value: accounts().map((a) => accountView(a.state)) } }));

  route('GET', `${ACCOUNT}/pools$`, 'Pool_ListByBatchAccount', `${ACTION}/pools/read`, (r) => {
    const svc = find(r);
    return { status: 200, body: { value: [...svc.state.pools.values()].map((p) => armPoolView(svc.state, p)) } };
  }, accountScope);

  route('GET', `${POOL}$`, 'Pool_Get', `${ACTION}/pools/read`, (r) => {
    const svc = find(r);
    const pool = svc.pools.get(r.params.pool!);
    return poolReply(svc, pool);
  });

  route('PUT', `${POOL}$`, 'Pool_Create', `${ACTION}/pools/write`, (r) => {
    const svc = find(r);
    const body = parseArmPool(r.body);
    const existing = svc.state.pool(r.params.pool!);
    const identities = resolveIdentities(arm, r, body);
    if (existing) {
      if (r.headers['if-none-match'] === '*') throw new BatchError(409, 'PoolExists', 'The specified pool already exists.');
      update(svc, existing, body, identities);
      return poolReply(svc, existing);
    }
    if (r.headers['if-match'] === '*') throw new BatchError(404, 'PoolNotFound', 'The specified pool does not exist.');
    const id = checkId(r.params.pool, 'poolName');
    const pool = svc.pools.create(id, newSpec(body, identities ?? []), r.params.rg!);
    return poolReply(svc, pool);
  });

  route('PATCH', `${POOL}$`, 'Pool_Update', `${ACTION}/pools/write`, (r) => {
    const svc = find(r);
    const pool = svc.pools.get(r.params.pool!);
    const body = parseArmPool(r.body);
    update(svc, pool, body, resolveIdentities(arm, r, body));
    return poolReply(svc, pool);
  });

  route('DELETE', `${POOL}$`, 'Pool_Delete', `${ACTION}/pools/delete`, (r) => {
    const svc = find(r);
    const pool = svc.state.pool(r.params.pool!);
    if (!pool) return { status: 204 };
    let state: LroState = { status: 'InProgress' };
    svc.pools.delete(pool).then(
      () => (state = { status: 'Succeeded' }),
      (e: unknown) => (state = { status: 'Failed', error: { code: 'InternalServerError', message: String(e) } }),
    );
    return arm.longRunning(r, { kind: 'DELETE', poll: () => state });
  });

  route('POST', `${POOL}/disableAutoScale$`, 'Pool_DisableAutoScale', `${ACTION}/pools/disableAutoscale/action`, (r) => {
    const svc = find(r);
    const pool = svc.pools.get(r.params.pool!);
    svc.pools.disableAutoScale(pool);
    return poolReply(svc, pool);
  });

  route('POST', `${POOL}/stopResize$`, 'Pool_StopResize', `${ACTION}/pools/stopResize/action`, (r) => {
    const svc = find(r);
    const pool = svc.pools.get(r.params.pool!);
    svc.pools.stopResize(pool);
    return poolReply(svc, pool);
  });
}

function wrap(handler: ArmHandler): ArmHandler {
  return async (r) => {
    try {
      return await handler(r);
    } catch (e) {
      if (e instanceof BatchError) throw new BatchRpError(e);
      throw e;
    }
  };
}

function poolReply(svc: AccountService, pool: PoolRecord): ArmReply {
  return { status: 200, headers: { ETag: armETag(pool) }, body: armPoolView(svc.state, pool) };
}

function newSpec(body: ArmPoolBody, identities: PoolIdentity[]): PoolSpec {
  const s = body.spec;
  if (!s.vmSize) throw missingProperty('properties.vmSize');
  if (!s.virtualMachineConfiguration) throw missingProperty('properties.deploymentConfiguration');
  const auto = body.scale?.auto;
  const fixed = body.scale?.fixed;
  return {
    ...(s.displayName !== undefined ? { displayName: s.displayName } : {}),
    vmSize: s.vmSize,
    virtualMachineConfiguration: s.virtualMachineConfiguration,
    resizeTimeout: fixed?.resizeTimeout ?? 'PT15M',
    targetDedicatedNodes: fixed?.dedicated ?? 0,
    targetLowPriorityNodes: fixed?.lowPriority ?? 0,
    enableAutoScale: auto !== undefined,
    ...(auto ? { autoScaleFormula: auto.formula, autoScaleEvaluationInterval: auto.interval ?? DEFAULT_EVALUATION_INTERVAL } : {}),
    taskSlotsPerNode: s.taskSlotsPerNode ?? 1,
    nodeFillType: s.nodeFillType ?? 'spread',
    enableInterNodeCommunication: s.enableInterNodeCommunication ?? false,
    metadata: s.metadata ?? [],
    ...(s.resourceTags ? { resourceTags: s.resourceTags } : {}),
    identities,
    ...(s.startTask ? { startTask: s.startTask } : {}),
    extra: s.extra ?? {},
  };
}

/** Update: what the body gives replaces; machine properties of a non-empty pool cannot change. */
function update(svc: AccountService, pool: PoolRecord, body: ArmPoolBody, identities: PoolIdentity[] | undefined): void {
  const s = body.spec;
  const machine = ['vmSize', 'deploymentConfiguration', 'taskSlotsPerNode', 'taskSchedulingPolicy', 'interNodeCommunication', 'resourceTags'].filter((k) => body.given.has(k));
  const changes = machine.filter((k) => JSON.stringify(armValue(pool, k)) !== JSON.stringify(armValue({ ...pool, spec: { ...pool.spec, ...s } }, k)));
  if (changes.length > 0 && pool.nodes.size > 0) throw invalidForCurrentState(`${changes.join(', ')} can be updated only when the pool is empty.`);
  const next: PoolSpec = { ...pool.spec, ...s, extra: { ...pool.spec.extra, ...(s.extra ?? {}) }, ...(identities ? { identities } : {}) };
  svc.pools.checkMachine(next);
  pool.spec = next;
  svc.pools.touch(pool);
  const fixed = body.scale?.fixed;
  const auto = body.scale?.auto;
  if (fixed) {
    if (pool.spec.enableAutoScale) svc.pools.disableAutoScale(pool);
    svc.pools.resize(pool, { dedicated: fixed.dedicated, lowPriority: fixed.lowPriority, ...(fixed.resizeTimeout ? { resizeTimeout: fixed.resizeTimeout } : {}), ...(fixed.dealloc ? { nodeDeallocationOption: fixed.dealloc } : {}) });
  } else if (auto) {
    svc.pools.enableAutoScale(pool, auto.formula, auto.interval);
  }
}

function armValue(pool: PoolRecord, key: string): unknown {
  const s = pool.spec;
  return { vmSize: s.vmSize, deploymentConfiguration: s.virtualMachineConfiguration, taskSlotsPerNode: s.taskSlotsPerNode, taskSchedulingPolicy: s.nodeFillType, interNodeCommunication: s.enableInterNodeCommunication, resourceTags: s.resourceTags }[key];
}

/**
 * The pool's user-assigned identities: the caller must be allowed to assign each (ARM's linked
 * check), and each must exist; shown with their principal and client ids.
 */
function resolveIdentities(arm: ArmDouble, r: ArmRequest, body: ArmPoolBody): PoolIdentity[] | undefined {
  const ids = body.identityIds;
  if (ids === undefined) return undefined;
  const refused = ids.filter((id) => !arm.rbac.allows(r.principal.objectId, ASSIGN, id));
  if (refused.length > 0) throw linkedAuthorizationFailed(r.principal.clientId ?? r.principal.objectId, r.principal.objectId, `${ACTION}/pools/write`, r.path, ASSIGN, refused);
  return ids.map((id) => {
    const record = arm.userAssignedIdentities.get(id);
    if (!record) throw userAssignedIdentityNotFound(id);
    return { resourceId: id, principalId: record.principalId, clientId: record.clientId };
  });
}
