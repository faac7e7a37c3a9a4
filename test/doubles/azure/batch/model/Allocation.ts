import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeDeallocationOption } from '../autoscale/evaluate';
import type { AccountState } from './Account';
import { newNode, removalOrder, setState } from './nodes';
import type { PoolHooks } from './Pools';
import type { NodeRecord, PoolRecord } from './types';

/**
 * A pool's nodes coming and going: each kind (dedicated, Spot) is brought to its target — new
 * nodes start (`starting`), get the pool's images and join as `idle`; surplus nodes leave in the
 * service's order, their running tasks requeued or terminated as the deallocation option says, or
 * (taskcompletion, retaineddata) the node waits for them — and the allocation state is `resizing`
 * until no node is on its way in or out. Spot preemption and recovery are here too.
 */
export class Allocation {
  constructor(
    private readonly account: AccountState,
    private readonly hooks: PoolHooks,
    private readonly touch: (pool: PoolRecord) => void,
  ) {}

  /** Test hook: the Spot node is preempted; its running tasks go back to the queue. */
  preempt(pool: PoolRecord, node: NodeRecord): void {
    if (node.dedicated) throw new Error(`preemptNode: node '${node.id}' is dedicated; only Spot (low-priority) nodes are preempted`);
    if (node.state === 'preempted') return;
    if (node.running.size > 0) this.hooks.endTasksOnNode(pool, node, 'preempt');
    setState(node, 'preempted', this.account.settings.now());
    this.hooks.changed();
  }

  /** Test hook: a preempted Spot node comes back (starting, then idle). */
  recover(pool: PoolRecord, node: NodeRecord): void {
    if (node.state !== 'preempted') throw new Error(`recoverNode: node '${node.id}' is ${node.state}, not preempted`);
    this.startNode(pool, node);
  }

  /** A task on the node ended: a node that waits to leave leaves once it is empty. */
  taskEnded(pool: PoolRecord, node: NodeRecord): void {
    const now = this.account.settings.now();
    if (node.running.size === 0) {
      if (node.leaving) this.drop(pool, node);
      else if (node.state === 'running') setState(node, 'idle', now);
    }
    this.settle(pool);
  }

  applyTargets(pool: PoolRecord, dedicated: number, lowPriority: number, dealloc: NodeDeallocationOption): void {
    const changed = dedicated !== pool.spec.targetDedicatedNodes || lowPriority !== pool.spec.targetLowPriorityNodes;
    pool.spec.targetDedicatedNodes = dedicated;
    pool.spec.targetLowPriorityNodes = lowPriority;
    pool.nodeDeallocationOption = dealloc;
    if (changed) this.touch(pool);
    delete pool.resizeErrors;
    this.reconcile(pool);
  }

  /** Adds or removes nodes until each kind matches its target. */
  reconcile(pool: PoolRecord): void {
    for (const dedicated of [true, false]) {
      const target = dedicated ? pool.spec.targetDedicatedNodes : pool.spec.targetLowPriorityNodes;
      const nodes = [...pool.nodes.values()].filter((n) => n.dedicated === dedicated && !n.leaving);
      for (let i = nodes.length; i < target; i += 1) {
        const node = newNode(dedicated, this.account.settings.now(), pool.nodes.size);
        pool.nodes.set(node.id, node);
        this.setAllocation(pool, 'resizing');
        this.startNode(pool, node);
      }
      for (const node of removalOrder(nodes).slice(0, Math.max(0, nodes.length - target))) {
        this.setAllocation(pool, 'resizing');
        this.remove(pool, node);
      }
    }
    this.settle(pool);
  }

  private startNode(pool: PoolRecord, node: NodeRecord): void {
    const abort = new AbortController();
    node.startup = abort;
    setState(node, 'starting', this.account.settings.now());
    void (async () => {
      await sleep(this.account.scaled(this.account.settings.nodeStartMs), undefined, { signal: abort.signal, ref: false });
      const error = await this.hooks.prepareNode(pool, node, abort.signal);
      if (abort.signal.aborted) return;
      const now = this.account.settings.now();
      node.lastBootTime = now;
      if (error) node.errors = [error];
      setState(node, error ? 'unusable' : 'idle', now);
      delete node.startup;
      this.settle(pool);
      this.hooks.changed();
    })().catch(() => undefined);
  }

  private remove(pool: PoolRecord, node: NodeRecord): void {
    node.startup?.abort();
    if (node.running.size === 0 || node.state === 'preempted') {
      this.drop(pool, node);
      return;
    }
    const how = pool.nodeDeallocationOption;
    if (how === 'requeue' || how === 'terminate') {
      this.hooks.endTasksOnNode(pool, node, how);
      this.drop(pool, node);
      return;
    }
    // taskcompletion / retaineddata: no new tasks; the node leaves when its tasks have ended.
    node.leaving = true;
  }

  private drop(pool: PoolRecord, node: NodeRecord): void {
    setState(node, 'leavingpool', this.account.settings.now());
    pool.nodes.delete(node.id);
    this.settle(pool);
  }

  /** Steady again once no node is starting or waiting to leave. */
  settle(pool: PoolRecord): void {
    if (pool.allocationState === 'steady') return;
    const busy = [...pool.nodes.values()].some((n) => n.state === 'starting' || n.leaving);
    if (!busy) this.setAllocation(pool, 'steady');
  }

  setAllocation(pool: PoolRecord, state: PoolRecord['allocationState']): void {
    if (pool.allocationState === state) return;
    pool.allocationState = state;
    pool.allocationStateTransitionTime = this.account.settings.now();
  }
}
