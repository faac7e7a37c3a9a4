import { randomBytes } from 'node:crypto';
import type { NodeRecord, NodeState, PoolRecord } from './types';

/**
 * Compute nodes as data: ids shaped like the service's (`tvmps_<64 hex>_d` for dedicated, `_p`
 * for Spot), the state they are in, and which of them a shrinking pool gives up first
 * (preempted, unusable, starting, idle, then running ones with the fewest tasks).
 */
export function newNode(dedicated: boolean, now: number, index: number): NodeRecord {
  return {
    id: `tvmps_${randomBytes(32).toString('hex')}_${dedicated ? 'd' : 'p'}`,
    dedicated,
    state: 'starting',
    schedulingState: 'enabled',
    stateTransitionTime: now,
    allocationTime: now,
    lastBootTime: now,
    ipAddress: `10.0.0.${4 + (index % 250)}`,
    affinityId: `TVM:tvmps_${randomBytes(8).toString('hex')}_${dedicated ? 'd' : 'p'}`,
    totalTasksRun: 0,
    totalTasksSucceeded: 0,
    running: new Map(),
    images: new Set(),
    errors: [],
  };
}

export function setState(node: NodeRecord, state: NodeState, now: number): void {
  if (node.state === state) return;
  node.state = state;
  node.stateTransitionTime = now;
}

export function usedSlots(node: NodeRecord): number {
  return [...node.running.values()].reduce((a, b) => a + b, 0);
}

/** Whether the scheduler may start a task needing `slots` on the node. */
export function canRun(pool: PoolRecord, node: NodeRecord, slots: number): boolean {
  return (node.state === 'idle' || node.state === 'running') && node.schedulingState === 'enabled' && !node.leaving && usedSlots(node) + slots <= pool.spec.taskSlotsPerNode;
}

const REMOVAL_ORDER: NodeState[] = ['preempted', 'unusable', 'starting', 'idle', 'running', 'leavingpool'];

export function removalOrder(nodes: NodeRecord[]): NodeRecord[] {
  return [...nodes].sort((a, b) => REMOVAL_ORDER.indexOf(a.state) - REMOVAL_ORDER.indexOf(b.state) || a.running.size - b.running.size);
}

export function counts(pool: PoolRecord): { dedicated: number; lowPriority: number } {
  const nodes = [...pool.nodes.values()];
  return { dedicated: nodes.filter((n) => n.dedicated).length, lowPriority: nodes.filter((n) => !n.dedicated).length };
}
