import {
  activeJobQuotaReached,
  BatchError,
  jobBeingDeleted,
  jobBeingTerminated,
  jobCompleted,
  jobExists,
  jobNotFound,
  jobScheduleWithSameIdExists,
  taskCompleted,
  taskExists,
  taskNotCompleted,
  taskNotFound,
  taskSucceeded,
} from '../data/errors';
import type { AccountState } from './Account';
import { Attempts, TASK_ENDED, type AttemptResult } from './Attempts';
import { checkId, newETag } from './common';
import { parseJobBody, type JobFields } from './jobBody';
import { parseTask } from './taskBody';
import type { AttemptEnd, JobRecord, JobState, NodeRecord, PoolRecord, TaskRecord } from './types';

/**
 * Jobs and their tasks: adding (ids unique ignoring case; a job's id may not be a schedule's; the
 * active job and schedule quota), the job's end (terminate, its Job Manager Task completing with
 * killJobOnCompletion, onAllTasksComplete, onTaskFailure), terminating, reactivating and deleting
 * tasks, and deletion. A task's runs are Attempts.ts's; running one is the runner's (run/);
 * choosing its node the scheduler's.
 */
export interface JobHooks {
  /** A task or job changed in a way that may let a task start. */
  changed(): void;
  /** The task's node has a slot free again. */
  taskLeftNode(pool: PoolRecord | undefined, node: NodeRecord | undefined): void;
  /** The job's tasks are gone: their files may go. */
  forgetTask(task: TaskRecord): void;
  /** A job made by a schedule has completed. */
  jobCompleted(job: JobRecord): void;
}

export type { AttemptResult } from './Attempts';

export const JOB_MANAGER_DEFAULTS = { killJobOnCompletion: true, runExclusive: true, allowLowPriorityNode: true };

export class Jobs {
  private readonly attempts: Attempts;

  constructor(
    private readonly account: AccountState,
    private readonly hooks: JobHooks,
  ) {
    this.attempts = new Attempts(account, hooks, (task, result) => this.taskCompleted(task, result));
  }

  get(id: string): JobRecord {
    const job = this.account.job(id);
    if (!job) throw jobNotFound();
    return job;
  }

  task(job: JobRecord, id: string): TaskRecord {
    const task = job.tasks.get(id.toLowerCase());
    if (!task) throw taskNotFound();
    return task;
  }

  /** Add Job: a job from BatchJobCreateContent. */
  create(body: unknown): JobRecord {
    const { id, fields } = parseJobBody(body);
    const jobId = checkId(id);
    if (this.account.job(jobId)) throw jobExists();
    if (this.account.schedule(jobId)) throw jobScheduleWithSameIdExists();
    return this.add(jobId, fields);
  }

  /** A job made from a fields set (Add Job, or a schedule's jobSpecification). */
  add(id: string, fields: JobFields, scheduleId?: string): JobRecord {
    if (this.account.activeJobsAndSchedules() >= this.account.settings.activeJobAndJobScheduleQuota) throw activeJobQuotaReached();
    const now = this.account.settings.now();
    const job: JobRecord = {
      id,
      ...fields,
      eTag: newETag(),
      lastModified: now,
      creationTime: now,
      state: 'active',
      stateTransitionTime: now,
      executionInfo: { startTime: now, poolId: fields.poolId },
      tasks: new Map(),
      ...(scheduleId ? { scheduleId } : {}),
    };
    this.account.jobs.set(id.toLowerCase(), job);
    if (job.jobManagerTask) {
      const manager = job.jobManagerTask;
      const { id: taskId, spec } = parseTask(manager, job, 'jobManagerTask.');
      const task = this.newTask(job, taskId, spec);
      task.isJobManager = true;
      task.killJobOnCompletion = (manager.killJobOnCompletion as boolean | undefined) ?? JOB_MANAGER_DEFAULTS.killJobOnCompletion;
      task.runExclusive = (manager.runExclusive as boolean | undefined) ?? JOB_MANAGER_DEFAULTS.runExclusive;
      task.allowLowPriorityNode = (manager.allowLowPriorityNode as boolean | undefined) ?? JOB_MANAGER_DEFAULTS.allowLowPriorityNode;
    }
    // "If a Job contains no Tasks, then all Tasks are considered complete."
    this.checkAllComplete(job);
    this.hooks.changed();
    return job;
  }

  /** Add Task. */
  addTask(job: JobRecord, body: unknown): TaskRecord {
    this.acceptsTasks(job);
    const { id, spec } = parseTask(body, job);
    if (job.tasks.has(id.toLowerCase())) throw taskExists();
    const task = this.newTask(job, id, spec);
    this.touch(job);
    this.hooks.changed();
    return task;
  }

  /** One entry of Add Task Collection: the task, or the error the service reports for it. */
  addOne(job: JobRecord, body: unknown): TaskRecord | BatchError {
    try {
      const { id, spec } = parseTask(body, job);
      if (job.tasks.has(id.toLowerCase())) return taskExists();
      return this.newTask(job, id, spec);
    } catch (e) {
      if (e instanceof BatchError) return e;
      throw e;
    }
  }

  acceptsTasks(job: JobRecord): void {
    if (job.state === 'completed') throw jobCompleted();
    if (job.state === 'terminating') throw jobBeingTerminated();
    if (job.state === 'deleting') throw jobBeingDeleted();
  }

  /** Terminate Job: running tasks end, active ones stay active and never run. */
  terminate(job: JobRecord, reason = 'UserTerminate'): void {
    this.acceptsTasks(job);
    this.setJobState(job, 'terminating');
    for (const task of job.tasks.values()) if (task.attempt) this.endAttempt(task, 'terminate');
    this.complete(job, reason);
  }

  delete(job: JobRecord): void {
    if (job.state === 'deleting') throw jobBeingDeleted();
    this.setJobState(job, 'deleting');
    for (const task of job.tasks.values()) {
      if (task.attempt) this.endAttempt(task, 'delete');
      this.hooks.forgetTask(task);
    }
    this.account.jobs.delete(job.id.toLowerCase());
    if (job.scheduleId) this.hooks.jobCompleted(job);
    this.hooks.changed();
  }

  terminateTask(job: JobRecord, task: TaskRecord): void {
    if (task.state === 'completed') throw taskCompleted();
    if (task.attempt) this.endAttempt(task, 'terminate');
    else this.attempts.finish(task, { result: 'failure', failureInfo: TASK_ENDED });
  }

  deleteTask(job: JobRecord, task: TaskRecord): void {
    if (task.attempt) this.endAttempt(task, 'delete');
    job.tasks.delete(task.id.toLowerCase());
    this.hooks.forgetTask(task);
    this.touch(job);
    this.checkAllComplete(job);
  }

  /** Reactivate Task: a failed completed task runs again with its retry count reset. */
  reactivate(job: JobRecord, task: TaskRecord): void {
    if (task.state !== 'completed') throw taskNotCompleted();
    if (task.executionInfo.result === 'success') throw taskSucceeded();
    this.acceptsTasks(job);
    task.executionInfo = { retryCount: 0, requeueCount: task.executionInfo.requeueCount };
    this.attempts.setState(task, 'active');
    this.hooks.changed();
  }

  /** The scheduler put the task on a node: it is running there now. */
  started(task: TaskRecord, pool: PoolRecord, node: NodeRecord, cancel: (how: AttemptEnd) => void): number {
    return this.attempts.started(task, pool, node, cancel);
  }

  /** The runner's report on an attempt (ignored when the attempt was ended from outside meanwhile). */
  attemptEnded(task: TaskRecord, number: number, result: AttemptResult): void {
    this.attempts.ended(task, number, result);
  }

  /** Ends a running attempt from outside: requeue (resize, removal), preempt, terminate or delete. */
  endAttempt(task: TaskRecord, how: AttemptEnd | 'preempt'): void {
    this.attempts.end(task, how);
  }

  tasksOn(node: NodeRecord): TaskRecord[] {
    return this.attempts.tasksOn(node);
  }

  /** onAllTasksComplete set by Update Job: terminatejob on a job whose tasks are all complete ends it now. */
  setOnAllTasksComplete(job: JobRecord, value: JobRecord['onAllTasksComplete']): void {
    job.onAllTasksComplete = value;
    this.checkAllComplete(job);
  }

  /** A task completed: a Job Manager Task (killJobOnCompletion), a failure (onTaskFailure) or the last task (onAllTasksComplete) may end its job. */
  private taskCompleted(task: TaskRecord, result: 'success' | 'failure'): void {
    const job = this.account.job(task.jobId);
    if (!job || job.state !== 'active') return;
    if (task.isJobManager && task.killJobOnCompletion) {
      this.terminate(job, 'JMComplete');
      return;
    }
    // onTaskFailure performexitoptionsjobaction: a failed task's default exit option terminates the job.
    if (result === 'failure' && job.onTaskFailure === 'performexitoptionsjobaction') {
      this.terminate(job, 'TaskFailed');
      return;
    }
    this.checkAllComplete(job);
  }

  private checkAllComplete(job: JobRecord): void {
    if (job.state !== 'active' || job.onAllTasksComplete !== 'terminatejob') return;
    if ([...job.tasks.values()].every((t) => t.state === 'completed')) {
      this.setJobState(job, 'terminating');
      this.complete(job, 'AllTasksComplete');
    }
  }

  private complete(job: JobRecord, reason: string): void {
    job.executionInfo.endTime = this.account.settings.now();
    job.executionInfo.terminateReason = reason;
    this.setJobState(job, 'completed');
    if (job.scheduleId) this.hooks.jobCompleted(job);
    this.hooks.changed();
  }

  private newTask(job: JobRecord, id: string, spec: TaskRecord['spec']): TaskRecord {
    const now = this.account.settings.now();
    const task: TaskRecord = {
      id,
      jobId: job.id,
      spec,
      isJobManager: false,
      killJobOnCompletion: false,
      runExclusive: false,
      allowLowPriorityNode: true,
      eTag: newETag(),
      creationTime: now,
      lastModified: now,
      state: 'active',
      stateTransitionTime: now,
      executionInfo: { retryCount: 0, requeueCount: 0 },
      sequence: this.account.nextSequence(),
    };
    job.tasks.set(id.toLowerCase(), task);
    return task;
  }

  private setJobState(job: JobRecord, state: JobState): void {
    const now = this.account.settings.now();
    job.previousState = job.state;
    job.previousStateTransitionTime = job.stateTransitionTime;
    job.state = state;
    job.stateTransitionTime = now;
    this.touch(job);
  }

  touch(job: JobRecord): void {
    job.eTag = newETag();
    job.lastModified = this.account.settings.now();
  }
}

