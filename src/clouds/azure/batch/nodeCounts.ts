import type { BatchNode, BatchNodeCounts } from './schemas';

/** Node counts of one pool, dedicated and Spot apart: the shape of List Pool Node Counts' entries. */
export interface PoolNodeCounts {
  dedicated: BatchNodeCounts;
  /** Spot nodes (the API still says low-priority). */
  lowPriority: BatchNodeCounts;
}

/** A node's state as Batch writes it ("waitingforstarttask") → the count's key ("waitingForStartTask"). */
const KEY_BY_STATE: Record<string, Exclude<keyof BatchNodeCounts, 'total'>> = {
  creating: 'creating',
  idle: 'idle',
  offline: 'offline',
  preempted: 'preempted',
  rebooting: 'rebooting',
  reimaging: 'reimaging',
  running: 'running',
  starting: 'starting',
  starttaskfailed: 'startTaskFailed',
  leavingpool: 'leavingPool',
  unknown: 'unknown',
  unusable: 'unusable',
  waitingforstarttask: 'waitingForStartTask',
  deallocated: 'deallocated',
  deallocating: 'deallocating',
  upgradingos: 'upgradingOS',
};

export const emptyNodeCounts = (): BatchNodeCounts => ({
  creating: 0,
  idle: 0,
  offline: 0,
  preempted: 0,
  rebooting: 0,
  reimaging: 0,
  running: 0,
  starting: 0,
  startTaskFailed: 0,
  leavingPool: 0,
  unknown: 0,
  unusable: 0,
  waitingForStartTask: 0,
  deallocated: 0,
  deallocating: 0,
  total: 0,
  upgradingOS: 0,
});

/**
 * Counts a pool's nodes by state from List Nodes: exact, where List Pool Node Counts may lag.
 * A node without `isDedicated` is counted as dedicated (Batch sets it on every node it lists);
 * a state Batch adds later counts in `total` only.
 */
export function nodeCounts(nodes: readonly Pick<BatchNode, 'state' | 'isDedicated'>[]): PoolNodeCounts {
  const counts: PoolNodeCounts = { dedicated: emptyNodeCounts(), lowPriority: emptyNodeCounts() };
  for (const node of nodes) {
    const side = node.isDedicated === false ? counts.lowPriority : counts.dedicated;
    side.total++;
    const key = KEY_BY_STATE[node.state.toLowerCase()];
    if (key) side[key]++;
  }
  return counts;
}
