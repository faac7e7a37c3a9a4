import { USER_ASSIGNED_ID } from '../../aci/identity';
import type { NodeDeallocationOption } from '../autoscale/evaluate';
import { invalidProperty, missingProperty } from '../data/errors';
import { registryView } from '../data/views';
import type { AccountState } from '../model/Account';
import { Fields, isObject, iso } from '../model/common';
import { counts } from '../model/nodes';
import { evaluationInterval, parseVmConfiguration } from '../model/poolSpec';
import type { PoolRecord, PoolSpec } from '../model/types';

/**
 * A pool as Microsoft.Batch's management plane (2023-11-01, @azure/arm-batch 9.1.0) writes it:
 * a ProxyResource (no `tags`: pools carry name/value `metadata`, and `resourceTags` only in
 * UserSubscription accounts) with `properties.deploymentConfiguration.virtualMachineConfiguration`
 * (nodeAgentSkuId, imageReference.id, containerConfiguration.type `DockerCompatible`),
 * `scaleSettings` (fixedScale | autoScale), `interNodeCommunication` Enabled/Disabled, PascalCase
 * enum values, and `identity` { type: UserAssigned, userAssignedIdentities: { id: {} } }.
 */
export interface ArmPoolBody {
  spec: Partial<PoolSpec>;
  /** Which scale setting the body gave, if any. */
  scale?: { fixed?: { dedicated: number; lowPriority: number; resizeTimeout?: string; dealloc?: NodeDeallocationOption }; auto?: { formula: string; interval?: string } };
  identityIds?: string[];
  given: Set<string>;
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function parseArmPool(body: unknown): ArmPoolBody {
  if (!isObject(body)) throw missingProperty('properties');
  const root = new Fields(body);
  const props = root.object('properties') ?? new Fields({}, 'properties');
  const given = new Set(Object.keys(props.json));
  const {
    displayName: _d,
    vmSize: _v,
    deploymentConfiguration: _dc,
    scaleSettings: _s,
    interNodeCommunication: _i,
    taskSlotsPerNode: _t,
    taskSchedulingPolicy: _p,
    metadata: _m,
    startTask: _st,
    resourceTags: _rt,
    ...extra
  } = props.json;
  const spec: Partial<PoolSpec> = { extra };
  if (given.has('displayName')) spec.displayName = props.string('displayName')!;
  if (given.has('vmSize')) spec.vmSize = props.string('vmSize')!;
  const vm = props.object('deploymentConfiguration')?.object('virtualMachineConfiguration');
  if (given.has('deploymentConfiguration')) {
    if (!vm) throw missingProperty('properties.deploymentConfiguration.virtualMachineConfiguration');
    const parsed = parseVmConfiguration(vm, 'nodeAgentSkuId', 'id');
    if (parsed.containerConfiguration) parsed.containerConfiguration.type = parsed.containerConfiguration.type.toLowerCase() === 'dockercompatible' ? 'dockerCompatible' : 'criCompatible';
    spec.virtualMachineConfiguration = parsed;
  }
  if (given.has('interNodeCommunication')) spec.enableInterNodeCommunication = props.oneOf('interNodeCommunication', ['Enabled', 'Disabled'] as const) === 'Enabled';
  if (given.has('taskSlotsPerNode')) spec.taskSlotsPerNode = props.int('taskSlotsPerNode', { min: 1, max: 256 })!;
  if (given.has('taskSchedulingPolicy')) spec.nodeFillType = (props.object('taskSchedulingPolicy')?.oneOf('nodeFillType', ['Spread', 'Pack'] as const) ?? 'Spread').toLowerCase() as 'spread' | 'pack';
  if (given.has('metadata')) spec.metadata = props.pairs('metadata', true) as Array<{ name: string; value: string }>;
  if (given.has('startTask')) spec.startTask = props.object('startTask')?.json ?? {};
  if (given.has('resourceTags')) {
    const tags = props.raw('resourceTags');
    if (!isObject(tags) || Object.values(tags).some((v) => typeof v !== 'string')) throw invalidProperty('properties.resourceTags', tags, 'The value must be an object of strings.');
    spec.resourceTags = tags as Record<string, string>;
  }
  const out: ArmPoolBody = { spec, given };
  const scale = props.object('scaleSettings');
  if (scale) {
    const fixed = scale.object('fixedScale');
    const auto = scale.object('autoScale');
    if (fixed && auto) throw invalidProperty('properties.scaleSettings', scale.json, 'fixedScale and autoScale are mutually exclusive.');
    if (auto) {
      const formula = auto.string('formula');
      if (!formula) throw missingProperty('properties.scaleSettings.autoScale.formula');
      const interval = auto.string('evaluationInterval');
      out.scale = { auto: { formula, ...(interval !== undefined ? { interval: evaluationInterval(interval, 'properties.scaleSettings.autoScale.evaluationInterval') } : {}) } };
    } else if (fixed) {
      const dealloc = fixed.oneOf('nodeDeallocationOption', ['Requeue', 'Terminate', 'TaskCompletion', 'RetainedData'] as const);
      const timeout = fixed.duration('resizeTimeout', { minMs: 5 * 60_000 });
      out.scale = {
        fixed: {
          dedicated: fixed.int('targetDedicatedNodes', { min: 0 }) ?? 0,
          lowPriority: fixed.int('targetLowPriorityNodes', { min: 0 }) ?? 0,
          ...(timeout !== undefined ? { resizeTimeout: timeout } : {}),
          ...(dealloc ? { dealloc: dealloc.toLowerCase() as NodeDeallocationOption } : {}),
        },
      };
    }
  }
  const identity = root.object('identity');
  if (identity) {
    const type = identity.oneOf('type', ['UserAssigned', 'None'] as const);
    if (!type) throw missingProperty('identity.type');
    const ids = isObject(identity.raw('userAssignedIdentities')) ? Object.keys(identity.raw('userAssignedIdentities') as object) : [];
    if (type === 'UserAssigned' && ids.length === 0) throw missingProperty('identity.userAssignedIdentities');
    for (const id of ids) if (!USER_ASSIGNED_ID.test(id)) throw invalidProperty('identity.userAssignedIdentities', id, 'The key must be the resource id of a user-assigned identity.');
    out.identityIds = type === 'None' ? [] : ids;
  }
  return out;
}

export function armPoolView(account: AccountState, pool: PoolRecord): Record<string, unknown> {
  const s = pool.spec;
  const vm = s.virtualMachineConfiguration;
  const { dedicated, lowPriority } = counts(pool);
  const run = pool.autoScaleRun;
  return {
    id: `${account.armId}/pools/${pool.id}`,
    name: pool.id,
    type: 'Microsoft.Batch/batchAccounts/pools',
    etag: armETag(pool),
    ...(s.identities.length ? { identity: { type: 'UserAssigned', userAssignedIdentities: Object.fromEntries(s.identities.map((i) => [i.resourceId, { principalId: i.principalId, clientId: i.clientId }])) } } : {}),
    properties: {
      ...(s.displayName !== undefined ? { displayName: s.displayName } : {}),
      lastModified: iso(pool.lastModified),
      creationTime: iso(pool.creationTime),
      provisioningState: pool.state === 'deleting' ? 'Deleting' : 'Succeeded',
      provisioningStateTransitionTime: iso(pool.stateTransitionTime),
      allocationState: pascal(pool.allocationState),
      allocationStateTransitionTime: iso(pool.allocationStateTransitionTime),
      vmSize: s.vmSize,
      interNodeCommunication: s.enableInterNodeCommunication ? 'Enabled' : 'Disabled',
      taskSlotsPerNode: s.taskSlotsPerNode,
      taskSchedulingPolicy: { nodeFillType: pascal(s.nodeFillType) },
      deploymentConfiguration: {
        virtualMachineConfiguration: {
          imageReference: {
            ...(vm.imageReference.publisher !== undefined ? { publisher: vm.imageReference.publisher } : {}),
            ...(vm.imageReference.offer !== undefined ? { offer: vm.imageReference.offer } : {}),
            ...(vm.imageReference.sku !== undefined ? { sku: vm.imageReference.sku } : {}),
            ...(vm.imageReference.version !== undefined ? { version: vm.imageReference.version } : {}),
            ...(vm.imageReference.virtualMachineImageId ? { id: vm.imageReference.virtualMachineImageId } : {}),
          },
          nodeAgentSkuId: vm.nodeAgentSKUId,
          ...(vm.containerConfiguration
            ? { containerConfiguration: { type: vm.containerConfiguration.type === 'dockerCompatible' ? 'DockerCompatible' : 'CriCompatible', containerImageNames: vm.containerConfiguration.containerImageNames, containerRegistries: vm.containerConfiguration.containerRegistries.map(registryView) } }
            : {}),
          ...vm.extra,
        },
      },
      scaleSettings: s.enableAutoScale
        ? { autoScale: { formula: s.autoScaleFormula, evaluationInterval: s.autoScaleEvaluationInterval } }
        : { fixedScale: { targetDedicatedNodes: s.targetDedicatedNodes, targetLowPriorityNodes: s.targetLowPriorityNodes, resizeTimeout: s.resizeTimeout } },
      ...(s.enableAutoScale && run
        ? { autoScaleRun: { evaluationTime: run.timestamp, ...(run.results ? { results: run.results } : {}), ...(run.error ? { error: { code: run.error.code, message: run.error.message, details: run.error.values.map((v) => ({ code: v.name, message: v.value })) } } : {}) } }
        : {}),
      currentDedicatedNodes: dedicated,
      currentLowPriorityNodes: lowPriority,
      ...(s.metadata.length ? { metadata: s.metadata } : {}),
      ...(s.startTask ? { startTask: s.startTask } : {}),
      ...(s.resourceTags ? { resourceTags: s.resourceTags } : {}),
      ...(pool.allocationState !== 'steady' || pool.resizeErrors
        ? {
            resizeOperationStatus: {
              startTime: iso(pool.allocationStateTransitionTime),
              targetDedicatedNodes: s.targetDedicatedNodes,
              targetLowPriorityNodes: s.targetLowPriorityNodes,
              nodeDeallocationOption: pascal(pool.nodeDeallocationOption === 'taskcompletion' ? 'taskCompletion' : pool.nodeDeallocationOption === 'retaineddata' ? 'retainedData' : pool.nodeDeallocationOption),
              resizeTimeout: s.resizeTimeout,
              ...(pool.resizeErrors ? { errors: pool.resizeErrors } : {}),
            },
          }
        : {}),
      currentNodeCommunicationMode: 'Simplified',
      ...s.extra,
    },
  };
}

/** The management plane's ETag: the pool's, weak. */
export function armETag(pool: PoolRecord): string {
  return `W/"${pool.eTag}"`;
}
