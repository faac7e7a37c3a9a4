import type { ArmDouble } from '../ArmDouble';
import { AccountState } from './model/Account';
import { Jobs } from './model/Jobs';
import { Metrics } from './model/metrics';
import { Pools } from './model/Pools';
import { Schedules } from './model/Schedules';
import { NodeDisks } from './run/files';
import { Scheduler } from './run/Scheduler';
import { TaskRunner } from './run/TaskRunner';

/**
 * One account's services wired together: pools (and nodes), jobs (and tasks), schedules, the
 * metric recorder, the node disks, the task runner and the scheduler. Both planes' routes call
 * into this.
 */
export class AccountService {
  readonly metrics: Metrics;
  readonly pools: Pools;
  readonly jobs: Jobs;
  readonly schedules: Schedules;
  readonly disks: NodeDisks;
  readonly runner: TaskRunner;
  readonly scheduler: Scheduler;

  constructor(
    arm: ArmDouble,
    readonly state: AccountState,
  ) {
    this.metrics = new Metrics(state);
    this.disks = new NodeDisks(state.name);
    this.runner = new TaskRunner(arm, state, this.disks);
    this.pools = new Pools(state, this.metrics, {
      prepareNode: (pool, node, signal) => this.runner.prepareNode(pool, node, signal),
      endTasksOnNode: (_pool, node, how) => {
        for (const task of this.jobs.tasksOn(node)) this.jobs.endAttempt(task, how);
      },
      changed: () => this.scheduler.kick(),
    });
    this.jobs = new Jobs(state, {
      changed: () => this.scheduler.kick(),
      taskLeftNode: (pool, node) => {
        if (pool && node) this.pools.taskEnded(pool, node);
        this.scheduler.kick();
      },
      forgetTask: (task) => {
        const dir = task.directory;
        // Once its container is gone: removing the directory under a container makes it fail to start.
        if (dir) void this.runner.idle(task).then(() => this.disks.remove(dir));
      },
      jobCompleted: (job) => this.schedules.jobEnded(job),
    });
    this.schedules = new Schedules(state, this.jobs);
    this.scheduler = new Scheduler(state, this.jobs, this.runner);
  }

  /** Ends every running task, removes the containers and the node disks, stops the timers. */
  async stop(): Promise<void> {
    this.scheduler.stop();
    this.metrics.stop();
    this.pools.stopAll();
    for (const job of this.state.jobs.values()) for (const task of job.tasks.values()) if (task.attempt) this.jobs.endAttempt(task, 'delete');
    await this.runner.settle();
    await this.runner.removeAll();
    await this.disks.removeAll();
  }
}
