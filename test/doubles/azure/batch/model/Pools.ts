import { setTimeout as sleep } from 'node:timers/promises';
import { evaluateFormula, type NodeDeallocationOption } from '../autoscale/evaluate';
import {
  BatchError,
  invalidAutoScaleSettings,
  invalidForCurrentState,
  invalidProperty,
  poolBeingDeleted,
  poolBeingResized,
  poolExists,
  poolNotFound,
  tooManyEnableAutoScaleRequests,
} from '../data/errors';
import type { AccountState } from './Account';
import { durationMs, newETag } from './common';
import { Allocation } from './Allocation';
import type { Metrics } from './metrics';
import { counts, setState } from './nodes';
import { checkFormulaText, checkImage, checkScaleSettings, DEFAULT_EVALUATION_INTERVAL, evaluationInterval } from './poolSpec';
import type { AutoScaleRunView, NodeRecord, PoolRecord, PoolSpec } from './types';

/**
 * Pools and their nodes: creation with the service's checks, resizing (nodes start in
 * `starting`, join as `idle` once the pool's container images are prefetched; a shrink removes
 * nodes by the deallocation option: requeue or terminate their tasks, or wait for them), automatic
 * scaling (the formula runs at once when enabled and then every evaluation interval × timeScale;
 * Enable AutoScale at most once per 30 s per pool and never while the pool resizes; Evaluate
 * AutoScale only where autoscale is on), Spot preemption, and deletion.
 */
export interface PoolHooks {
  /** Prefetches the pool's images onto a node; resolves with the node's error when it cannot. */
  prepareNode(pool: PoolRecord, node: NodeRecord, signal: AbortSignal): Promise<NodeRecord['errors'][number] | undefined>;
  /** Ends the node's running tasks: requeued (as a resize or removal asks), requeued after preemption, or terminated. */
  endTasksOnNode(pool: PoolRecord, node: NodeRecord, how: 'requeue' | 'preempt' | 'terminate'): void;
  /** Something changed that may let a task start. */
  changed(): void;
}

export class Pools {
  private readonly allocation: Allocation;

  constructor(
    private readonly account: AccountState,
    private readonly metrics: Metrics,
    private readonly hooks: PoolHooks,
  ) {
    this.allocation = new Allocation(account, hooks, (pool) => this.touch(pool));
  }

  get(id: string): PoolRecord {
    const pool = this.account.pool(id);
    if (!pool) throw poolNotFound();
    return pool;
  }

  create(id: string, spec: PoolSpec, resourceGroup: string): PoolRecord {
    if (this.account.pool(id)) throw poolExists();
    if (this.account.pools.size >= this.account.settings.poolQuota) throw new BatchError(409, 'PoolQuotaReached', 'Pool quota for the account has been reached.');
    this.checkSpec(spec);
    const now = this.account.settings.now();
    const pool: PoolRecord = {
      id,
      spec,
      eTag: newETag(),
      lastModified: now,
      creationTime: now,
      state: 'active',
      stateTransitionTime: now,
      allocationState: 'steady',
      allocationStateTransitionTime: now,
      nodes: new Map(),
      nodeDeallocationOption: 'requeue',
      resourceGroup,
    };
    if (spec.enableAutoScale) spec.autoScaleEvaluationInterval ??= DEFAULT_EVALUATION_INTERVAL;
    this.account.pools.set(id.toLowerCase(), pool);
    this.metrics.start();
    if (spec.enableAutoScale) this.startAutoScale(pool);
    else this.allocation.reconcile(pool);
    return pool;
  }

  /** The checks of a pool's specification that do not depend on its current state. */
  checkSpec(spec: PoolSpec): void {
    this.checkMachine(spec);
    checkScaleSettings(spec);
  }

  /** The image and the tags: what an update of the pool's machines is checked for. */
  checkMachine(spec: PoolSpec): void {
    checkImage(spec.virtualMachineConfiguration, this.account.settings.supportedImages, this.account.settings.now());
    if (spec.resourceTags && this.account.poolAllocationMode !== 'UserSubscription') {
      throw invalidProperty('resourceTags', spec.resourceTags, "resourceTags can only be specified when the Batch account was created with the poolAllocationMode property set to 'UserSubscription'.");
    }
  }

  touch(pool: PoolRecord): void {
    pool.eTag = newETag();
    pool.lastModified = this.account.settings.now();
  }

  /** Resize Pool (data plane) or a fixedScale change (management plane). */
  resize(pool: PoolRecord, targets: { dedicated?: number; lowPriority?: number; resizeTimeout?: string; nodeDeallocationOption?: NodeDeallocationOption }): void {
    this.mutable(pool);
    if (pool.spec.enableAutoScale) throw invalidForCurrentState('The pool has automatic scaling enabled; disable it before resizing.');
    if (pool.allocationState !== 'steady') throw poolBeingResized();
    if (targets.resizeTimeout !== undefined) pool.spec.resizeTimeout = targets.resizeTimeout;
    this.allocation.applyTargets(pool, targets.dedicated ?? pool.spec.targetDedicatedNodes, targets.lowPriority ?? pool.spec.targetLowPriorityNodes, targets.nodeDeallocationOption ?? 'requeue');
  }

  stopResize(pool: PoolRecord): void {
    this.mutable(pool);
    if (pool.allocationState !== 'resizing') return;
    this.allocation.setAllocation(pool, 'stopping');
    const { dedicated, lowPriority } = counts(pool);
    pool.spec.targetDedicatedNodes = dedicated;
    pool.spec.targetLowPriorityNodes = lowPriority;
    pool.resizeErrors = [{ code: 'ResizeStopped', message: 'Desired number of dedicated nodes could not be allocated due to a stop resize operation' }];
    this.touch(pool);
    this.allocation.settle(pool);
  }

  enableAutoScale(pool: PoolRecord, formula: string | undefined, interval: string | undefined): void {
    this.mutable(pool);
    if (pool.allocationState !== 'steady') throw poolBeingResized();
    const now = this.account.settings.now();
    if (pool.lastEnableAutoScale !== undefined && now - pool.lastEnableAutoScale < this.account.settings.enableAutoScaleIntervalMs) throw tooManyEnableAutoScaleRequests();
    if (!pool.spec.enableAutoScale && formula === undefined) throw invalidAutoScaleSettings('autoScaleFormula is required when automatic scaling is not yet enabled on the pool.');
    if (pool.spec.enableAutoScale && formula === undefined && interval === undefined) throw invalidAutoScaleSettings('Specify autoScaleFormula, autoScaleEvaluationInterval or both.');
    if (formula !== undefined) checkFormulaText(formula);
    if (interval !== undefined) evaluationInterval(interval, 'autoScaleEvaluationInterval');
    pool.lastEnableAutoScale = now;
    pool.spec.enableAutoScale = true;
    if (formula !== undefined) pool.spec.autoScaleFormula = formula;
    pool.spec.autoScaleEvaluationInterval = interval ?? pool.spec.autoScaleEvaluationInterval ?? DEFAULT_EVALUATION_INTERVAL;
    this.touch(pool);
    this.startAutoScale(pool);
  }

  disableAutoScale(pool: PoolRecord): void {
    this.mutable(pool);
    this.stopAutoScale(pool);
    pool.spec.enableAutoScale = false;
    delete pool.spec.autoScaleFormula;
    delete pool.spec.autoScaleEvaluationInterval;
    delete pool.autoScaleRun;
    this.touch(pool);
  }

  /** Evaluate AutoScale: the formula's run on this pool now, not applied. */
  evaluate(pool: PoolRecord, formula: string): AutoScaleRunView {
    if (pool.state === 'deleting') throw poolBeingDeleted();
    if (!pool.spec.enableAutoScale) throw invalidForCurrentState('Automatic scaling must be enabled on the pool to evaluate a formula.');
    checkFormulaText(formula);
    return this.run(pool, formula).view;
  }

  /** One automatic scaling run: evaluates the pool's formula and applies its targets unless it failed. */
  runAutoScale(pool: PoolRecord): void {
    if (!pool.spec.enableAutoScale || !pool.spec.autoScaleFormula || pool.state === 'deleting') return;
    const { view, outcome } = this.run(pool, pool.spec.autoScaleFormula);
    pool.autoScaleRun = view;
    if (outcome.error) return;
    this.allocation.applyTargets(pool, outcome.targetDedicatedNodes, outcome.targetLowPriorityNodes, outcome.nodeDeallocationOption);
  }

  /** Starts deleting: tasks on its nodes are requeued, the nodes leave, then the pool is gone. */
  delete(pool: PoolRecord): Promise<void> {
    if (pool.state === 'deleting') throw poolBeingDeleted();
    const now = this.account.settings.now();
    pool.state = 'deleting';
    pool.stateTransitionTime = now;
    this.stopAutoScale(pool);
    this.touch(pool);
    for (const node of pool.nodes.values()) {
      node.startup?.abort();
      if (node.running.size > 0) this.hooks.endTasksOnNode(pool, node, 'requeue');
      setState(node, 'leavingpool', now);
    }
    return (async () => {
      await sleep(this.account.scaled(30_000), undefined, { ref: false });
      pool.nodes.clear();
      this.account.pools.delete(pool.id.toLowerCase());
      this.metrics.forget(pool.id);
      this.hooks.changed();
    })();
  }




  /** Test hook: the Spot node is preempted; its running tasks go back to the queue. */
  preempt(pool: PoolRecord, node: NodeRecord): void {
    this.allocation.preempt(pool, node);
  }

  /** Test hook: a preempted Spot node comes back (starting, then idle). */
  recover(pool: PoolRecord, node: NodeRecord): void {
    this.allocation.recover(pool, node);
  }

  /** A task on the node ended: a node that waits to leave leaves once it is empty. */
  taskEnded(pool: PoolRecord, node: NodeRecord): void {
    this.allocation.taskEnded(pool, node);
  }

  stopAll(): void {
    for (const pool of this.account.pools.values()) {
      this.stopAutoScale(pool);
      for (const node of pool.nodes.values()) node.startup?.abort();
    }
  }








  private run(pool: PoolRecord, formula: string) {
    const now = this.account.settings.now();
    const { dedicated, lowPriority } = counts(pool);
    const outcome = evaluateFormula(formula, {
      targetDedicatedNodes: pool.spec.targetDedicatedNodes,
      targetLowPriorityNodes: pool.spec.targetLowPriorityNodes,
      currentDedicatedNodes: dedicated,
      currentLowPriorityNodes: lowPriority,
      taskSlotsPerNode: pool.spec.taskSlotsPerNode,
      samples: (metric) => this.metrics.history(pool.id, metric),
      now,
    });
    const view: AutoScaleRunView = { timestamp: new Date(now).toISOString(), results: outcome.results, ...(outcome.error ? { error: outcome.error } : {}) };
    return { view, outcome };
  }

  private startAutoScale(pool: PoolRecord): void {
    this.stopAutoScale(pool);
    this.runAutoScale(pool);
    const every = durationMs(pool.spec.autoScaleEvaluationInterval ?? DEFAULT_EVALUATION_INTERVAL)!;
    pool.autoScaleTimer = setInterval(() => this.runAutoScale(pool), Math.max(50, this.account.scaled(every)));
    pool.autoScaleTimer.unref();
  }

  private stopAutoScale(pool: PoolRecord): void {
    if (pool.autoScaleTimer) clearInterval(pool.autoScaleTimer);
    delete pool.autoScaleTimer;
  }

  private mutable(pool: PoolRecord): void {
    if (pool.state === 'deleting') throw poolBeingDeleted();
  }
}
