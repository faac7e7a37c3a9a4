import type { AccountState } from '../model/Account';
import { iso } from '../model/common';
import { counts, usedSlots } from '../model/nodes';
import type { ContainerRegistryRef, NodeRecord, PoolRecord, TaskRecord } from '../model/types';

/**
 * Pools and nodes as the data plane shows them (BatchPool, BatchNode, BatchPoolNodeCounts,
 * 2025-06-01). Registry passwords are never shown.
 */
export function registryView(r: ContainerRegistryRef): Record<string, unknown> {
  return {
    ...(r.registryServer ? { registryServer: r.registryServer } : {}),
    ...(r.username ? { username: r.username } : {}),
    ...(r.identityReference ? { identityReference: r.identityReference } : {}),
  };
}

export function poolView(account: AccountState, pool: PoolRecord): Record<string, unknown> {
  const s = pool.spec;
  const vm = s.virtualMachineConfiguration;
  const { dedicated, lowPriority } = counts(pool);
  return {
    id: pool.id,
    ...(s.displayName !== undefined ? { displayName: s.displayName } : {}),
    url: `${account.url}/pools/${pool.id}`,
    eTag: pool.eTag,
    lastModified: iso(pool.lastModified),
    creationTime: iso(pool.creationTime),
    state: pool.state,
    stateTransitionTime: iso(pool.stateTransitionTime),
    allocationState: pool.allocationState,
    allocationStateTransitionTime: iso(pool.allocationStateTransitionTime),
    vmSize: s.vmSize,
    virtualMachineConfiguration: {
      imageReference: { ...vm.imageReference, ...(vm.imageReference.version === 'latest' || !vm.imageReference.version ? { exactVersion: '2026.0901.01' } : {}) },
      nodeAgentSKUId: vm.nodeAgentSKUId,
      ...(vm.containerConfiguration
        ? { containerConfiguration: { type: vm.containerConfiguration.type, containerImageNames: vm.containerConfiguration.containerImageNames, containerRegistries: vm.containerConfiguration.containerRegistries.map(registryView) } }
        : {}),
      ...vm.extra,
    },
    resizeTimeout: s.resizeTimeout,
    ...(pool.resizeErrors && pool.allocationState === 'steady' ? { resizeErrors: pool.resizeErrors } : {}),
    ...(s.resourceTags ? { resourceTags: s.resourceTags } : {}),
    currentDedicatedNodes: dedicated,
    currentLowPriorityNodes: lowPriority,
    targetDedicatedNodes: s.targetDedicatedNodes,
    targetLowPriorityNodes: s.targetLowPriorityNodes,
    enableAutoScale: s.enableAutoScale,
    ...(s.enableAutoScale ? { autoScaleFormula: s.autoScaleFormula, autoScaleEvaluationInterval: s.autoScaleEvaluationInterval } : {}),
    ...(s.enableAutoScale && pool.autoScaleRun ? { autoScaleRun: pool.autoScaleRun } : {}),
    enableInterNodeCommunication: s.enableInterNodeCommunication,
    ...(s.startTask ? { startTask: s.startTask } : {}),
    taskSlotsPerNode: s.taskSlotsPerNode,
    taskSchedulingPolicy: { nodeFillType: s.nodeFillType },
    ...(s.metadata.length ? { metadata: s.metadata } : {}),
    ...(s.identities.length ? { identity: { type: 'UserAssigned', userAssignedIdentities: s.identities } } : {}),
    currentNodeCommunicationMode: 'simplified',
    ...s.extra,
  };
}

export function nodeView(account: AccountState, pool: PoolRecord, node: NodeRecord, recent: TaskRecord[]): Record<string, unknown> {
  const vm = pool.spec.virtualMachineConfiguration;
  return {
    id: node.id,
    url: `${account.url}/pools/${pool.id}/nodes/${node.id}`,
    state: node.state,
    schedulingState: node.schedulingState,
    stateTransitionTime: iso(node.stateTransitionTime),
    lastBootTime: iso(node.lastBootTime),
    allocationTime: iso(node.allocationTime),
    ipAddress: node.ipAddress,
    affinityId: node.affinityId,
    vmSize: pool.spec.vmSize,
    totalTasksRun: node.totalTasksRun,
    runningTasksCount: node.running.size,
    runningTaskSlotsCount: usedSlots(node),
    totalTasksSucceeded: node.totalTasksSucceeded,
    ...(recent.length
      ? { recentTasks: recent.map((t) => ({ taskUrl: `${account.url}/jobs/${t.jobId}/tasks/${t.id}`, jobId: t.jobId, taskId: t.id, taskState: t.state, executionInfo: { retryCount: t.executionInfo.retryCount, requeueCount: t.executionInfo.requeueCount, ...(t.executionInfo.startTime ? { startTime: iso(t.executionInfo.startTime) } : {}) } })) }
      : {}),
    ...(node.errors.length ? { errors: node.errors } : {}),
    isDedicated: node.dedicated,
    nodeAgentInfo: { version: '1.12.17', lastUpdateTime: iso(node.allocationTime) },
    virtualMachineInfo: { imageReference: { ...vm.imageReference } },
  };
}

const NODE_STATES = ['creating', 'idle', 'offline', 'preempted', 'rebooting', 'reimaging', 'running', 'starting', 'startTaskFailed', 'leavingPool', 'unknown', 'unusable', 'waitingForStartTask', 'deallocated', 'deallocating', 'upgradingOS'];

export function nodeCountsView(pool: PoolRecord): Record<string, unknown> {
  const tally = (dedicated: boolean) => {
    const c: Record<string, number> = Object.fromEntries(NODE_STATES.map((s) => [s, 0]));
    const nodes = [...pool.nodes.values()].filter((n) => n.dedicated === dedicated);
    for (const n of nodes) {
      const key = n.state === 'leavingpool' ? 'leavingPool' : n.state;
      c[key] = (c[key] ?? 0) + 1;
    }
    return { ...c, total: nodes.length };
  };
  return { poolId: pool.id, dedicated: tally(true), lowPriority: tally(false) };
}
