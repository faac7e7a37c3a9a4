import { newETag } from './common';
import type { AccountState } from './Account';
import type { JobHooks } from './Jobs';
import type { AttemptEnd, NodeRecord, PoolRecord, TaskRecord, TaskState } from './types';

/**
 * A task's runs: the scheduler starts one on a node (running), the runner reports how it ended —
 * exit 0 completes it (success); another exit code makes it active again for a retry while
 * constraints.maxTaskRetryCount allows (-1: always), else completes it (failure, FailureExitCode);
 * an error before the command ran completes it with that error — and a run can be ended from
 * outside: requeued (a resize or removal: requeueCount counts it), preempted (not counted), or
 * terminated (TaskEnded). exitCode, result and failureInfo are shown only on completed tasks.
 */
export interface AttemptResult {
  kind: 'exit' | 'failed' | 'cancelled';
  exitCode?: number;
  containerId?: string;
  failureInfo?: TaskRecord['executionInfo']['failureInfo'];
}

export class Attempts {
  constructor(
    private readonly account: AccountState,
    private readonly hooks: JobHooks,
    private readonly completed: (task: TaskRecord, result: 'success' | 'failure') => void,
  ) {}

  /** The scheduler put the task on a node: it is running there now. */
  started(task: TaskRecord, pool: PoolRecord, node: NodeRecord, cancel: (how: AttemptEnd) => void): number {
    const number = (task.attempt?.number ?? 0) + 1;
    task.attempt = { number, cancel };
    task.nodeInfo = { poolId: pool.id, nodeId: node.id, affinityId: node.affinityId };
    task.executionInfo.startTime = this.account.settings.now();
    delete task.executionInfo.endTime;
    this.setState(task, 'running');
    return number;
  }

  /** The runner's report on an attempt (ignored when the attempt was ended from outside meanwhile). */
  ended(task: TaskRecord, number: number, result: AttemptResult): void {
    if (task.attempt?.number !== number || result.kind === 'cancelled') return;
    const { pool, node } = this.location(task);
    delete task.attempt;
    if (node) {
      node.running.delete(`${task.jobId}/${task.id}`.toLowerCase());
      node.totalTasksRun += 1;
      if (result.kind === 'exit' && result.exitCode === 0) node.totalTasksSucceeded += 1;
    }
    task.executionInfo.containerInfo = { ...(result.containerId ? { containerId: result.containerId } : {}), state: 'exited', error: '' };
    if (result.kind === 'failed') {
      if (result.exitCode !== undefined) task.executionInfo.exitCode = result.exitCode;
      this.finish(task, { result: 'failure', ...(result.failureInfo ? { failureInfo: result.failureInfo } : {}) });
    } else {
      task.executionInfo.exitCode = result.exitCode!;
      const max = task.spec.constraints.maxTaskRetryCount;
      if (result.exitCode === 0) this.finish(task, { result: 'success' });
      else if (max === -1 || task.executionInfo.retryCount < max) this.retry(task);
      else this.finish(task, { result: 'failure', failureInfo: FAILURE_EXIT_CODE });
    }
    this.hooks.taskLeftNode(pool, node);
  }

  /** Ends a running attempt from outside: requeue (resize, removal), preempt, terminate or delete. */
  end(task: TaskRecord, how: AttemptEnd | 'preempt'): void {
    const attempt = task.attempt;
    if (!attempt) return;
    const { pool, node } = this.location(task);
    delete task.attempt;
    node?.running.delete(`${task.jobId}/${task.id}`.toLowerCase());
    attempt.cancel(how === 'preempt' ? 'requeue' : how);
    const now = this.account.settings.now();
    if (how === 'requeue' || how === 'preempt') {
      if (how === 'requeue') {
        task.executionInfo.requeueCount += 1;
        task.executionInfo.lastRequeueTime = now;
      }
      this.setState(task, 'active');
    } else if (how === 'terminate') {
      this.finish(task, { result: 'failure', failureInfo: TASK_ENDED });
    }
    this.hooks.taskLeftNode(pool, node);
  }

  tasksOn(node: NodeRecord): TaskRecord[] {
    const keys = new Set(node.running.keys());
    return [...this.account.jobs.values()].flatMap((j) => [...j.tasks.values()]).filter((t) => keys.has(`${t.jobId}/${t.id}`.toLowerCase()));
  }

  private retry(task: TaskRecord): void {
    task.executionInfo.retryCount += 1;
    task.executionInfo.lastRetryTime = this.account.settings.now();
    this.setState(task, 'active');
  }

  /** exitCode, result and failureInfo describe a completed task only (BatchTaskExecutionInfo). */
  setState(task: TaskRecord, state: TaskState): void {
    const now = this.account.settings.now();
    task.previousState = task.state;
    task.previousStateTransitionTime = task.stateTransitionTime;
    task.state = state;
    task.stateTransitionTime = now;
    task.eTag = newETag();
    task.lastModified = now;
    if (state !== 'completed') {
      delete task.executionInfo.exitCode;
      delete task.executionInfo.result;
      delete task.executionInfo.failureInfo;
      delete task.executionInfo.endTime;
    }
  }

  finish(task: TaskRecord, outcome: { result: 'success' | 'failure'; failureInfo?: TaskRecord['executionInfo']['failureInfo'] }): void {
    task.executionInfo.endTime = this.account.settings.now();
    task.executionInfo.result = outcome.result;
    if (outcome.failureInfo) task.executionInfo.failureInfo = outcome.failureInfo;
    this.setState(task, 'completed');
    this.completed(task, outcome.result);
  }

  private location(task: TaskRecord): { pool?: PoolRecord; node?: NodeRecord } {
    if (!task.nodeInfo) return {};
    const pool = this.account.pool(task.nodeInfo.poolId);
    return { ...(pool ? { pool } : {}), ...(pool?.nodes.get(task.nodeInfo.nodeId) ? { node: pool.nodes.get(task.nodeInfo.nodeId)! } : {}) };
  }
}

/** failureInfo of a task whose last try exited non-zero (as the service reports it). */
export const FAILURE_EXIT_CODE = {
  category: 'usererror' as const,
  code: 'FailureExitCode',
  message: 'The task process exited with an unexpected exit code',
  details: [{ name: 'Message', value: 'The task process exited with an unexpected exit code' }],
};

/** failureInfo of a task ended by a user request ("Batch status and error codes": TaskEnded). */
export const TASK_ENDED = { category: 'usererror' as const, code: 'TaskEnded', message: 'Task was ended by user request.' };
