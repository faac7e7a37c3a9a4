import type { AccountState } from '../model/Account';
import type { Jobs } from '../model/Jobs';
import { canRun, usedSlots } from '../model/nodes';
import type { JobRecord, NodeRecord, PoolRecord, TaskRecord } from '../model/types';
import type { TaskRunner } from './TaskRunner';

/**
 * Puts active tasks on nodes, as the service's scheduler does: jobs by priority, then each job's
 * Job Manager Task first and other tasks oldest first; a task needs `requiredSlots` free slots on
 * an idle or running node with scheduling enabled (a Job Manager Task with runExclusive needs a
 * whole node, and with allowLowPriorityNode false a dedicated one); a job with maxParallelTasks
 * runs at most that many at once. With nodeFillType `spread` the emptiest node is chosen, with
 * `pack` the fullest that fits. Concurrency is thus nodes × taskSlotsPerNode of the pool as it is.
 */
export class Scheduler {
  private pending = false;
  private stopped = false;

  constructor(
    private readonly account: AccountState,
    private readonly jobs: Jobs,
    private readonly runner: TaskRunner,
  ) {}

  /** Schedules a dispatch pass (several changes in one tick make one pass). */
  kick(): void {
    if (this.pending || this.stopped) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.dispatch();
    });
  }

  stop(): void {
    this.stopped = true;
  }

  private dispatch(): void {
    const jobs = [...this.account.jobs.values()].filter((j) => j.state === 'active').sort((a, b) => b.priority - a.priority || a.creationTime - b.creationTime);
    for (const job of jobs) {
      const pool = this.account.pool(job.poolId);
      if (!pool || pool.state !== 'active') continue;
      const tasks = [...job.tasks.values()].filter((t) => t.state === 'active').sort((a, b) => Number(b.isJobManager) - Number(a.isJobManager) || a.sequence - b.sequence);
      let running = [...job.tasks.values()].filter((t) => t.state === 'running' || t.state === 'preparing').length;
      for (const task of tasks) {
        if (job.maxParallelTasks !== -1 && running >= job.maxParallelTasks) break;
        const slots = task.runExclusive ? pool.spec.taskSlotsPerNode : task.spec.requiredSlots;
        const node = this.pick(pool, task, slots);
        if (!node) continue;
        this.place(task, job, pool, node, slots);
        running += 1;
      }
    }
  }

  private pick(pool: PoolRecord, task: TaskRecord, slots: number): NodeRecord | undefined {
    const fits = [...pool.nodes.values()].filter((n) => canRun(pool, n, slots) && (task.allowLowPriorityNode || n.dedicated) && (!task.runExclusive || n.running.size === 0));
    if (fits.length === 0) return undefined;
    const pack = pool.spec.nodeFillType === 'pack';
    return fits.sort((a, b) => (pack ? usedSlots(b) - usedSlots(a) : usedSlots(a) - usedSlots(b)))[0];
  }

  private place(task: TaskRecord, job: JobRecord, pool: PoolRecord, node: NodeRecord, slots: number): void {
    node.running.set(`${task.jobId}/${task.id}`.toLowerCase(), slots);
    if (node.state === 'idle') {
      node.state = 'running';
      node.stateTransitionTime = this.account.settings.now();
    }
    const attempt = this.runner.start(task, job, pool, node);
    const number = this.jobs.started(task, pool, node, attempt.cancel);
    void attempt.done.then((result) => this.jobs.attemptEnded(task, number, result));
  }
}
