import type { BatchClient, BatchJob, BatchJobSchedule, BatchNode, BatchPool, BatchTask, BatchTaskCountsResult } from '../../../../src/clouds/azure/batch';
import { BatchError } from '../../../../src/clouds/azure/batch';
import type { AddTasksResult } from '../../../../src/clouds/azure/batch/taskCollection';
import type { BatchJobCreateOptions, BatchPoolEnableAutoScaleOptions, BatchTaskCreateOptions } from '../../../../src/clouds/azure/batch/types';
import type { DeploymentRecord } from '../../../../src/core/records/record';
import { taskBody } from '../../../../src/targets/batch/bodies';
import { RESULT_MARK } from '../../../../src/targets/image/jobContainer';

/**
 * A TEST DOUBLE of the Batch data plane as the target sees it: the BatchClient methods the live
 * operations call (pools, nodes, job schedules, jobs, tasks, task files), answering with
 * BatchClient's parsed shapes and throwing BatchErrors with the service's codes, statuses and
 * texts ("Batch status and error codes"; the same as test/doubles/azure/batch). Jobs, tasks and
 * files are data: nothing runs. The test says when tasks complete and what they answered
 * (complete(), or `autoComplete` tasks each time a job's counts are read, in the order `pick`
 * chooses, as a pool running them would), records every call (`calls`) and can make any method
 * fail (`fail`). For unit tests; the e2e tests drive the real client against the HTTP double.
 */
export class FakeBatchData {
  readonly calls: { method: string; args: unknown[] }[] = [];
  pool: BatchPool;
  nodes: Pick<BatchNode, 'id' | 'state' | 'isDedicated'>[] = [];
  readonly schedules = new Map<string, BatchJobSchedule>();
  readonly jobs = new Map<string, { job: BatchJob; tasks: Map<string, FakeTask> }>();
  /** Tasks completed each time a job's counts are read (0: only by complete()). */
  autoComplete = 0;
  /** Which active tasks complete first (default: in the order they were added). */
  pick: (active: FakeTask[]) => FakeTask[] = (active) => active;
  /** What a task answers when it completes by autoComplete (default: exit 0 with the payload framed). */
  answer: (task: BatchTaskCreateOptions) => TaskRun = (task) => ({ exitCode: 0, stdout: framed(payloadOf(task)) });
  /** Task ids Add Task Collection refuses, with Batch's per-task error. */
  readonly refuse = new Map<string, { code: string; message: string }>();
  private readonly faults = new Map<string, unknown>();
  private clock = Date.parse('2026-10-14T10:00:00Z');

  constructor(poolId = 'rdeploy-churn') {
    this.pool = { id: poolId, state: 'active', allocationState: 'steady', currentDedicatedNodes: 0, currentLowPriorityNodes: 0, targetDedicatedNodes: 0, targetLowPriorityNodes: 0, enableAutoScale: true, autoScaleFormula: '$TargetDedicatedNodes = 0;', autoScaleEvaluationInterval: 'PT15M' };
  }

  /** The double as the client the target's code takes. */
  get client(): BatchClient {
    return this as unknown as BatchClient;
  }

  /** The next calls of `method` throw `error`: each of the next `times` (default: every one). */
  fail(method: string, error: unknown, times = Infinity): void {
    this.faults.set(method, { error, times });
  }

  callsOf(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Completes a task with what it answered, writing its stdout.txt and stderr.txt. */
  complete(jobId: string, taskId: string, run: TaskRun): void {
    const t = this.job(jobId).tasks.get(taskId);
    if (!t) throw new Error(`the double has no task ${taskId} in ${jobId}`);
    t.task.state = 'completed';
    t.task.executionInfo = {
      startTime: this.now(),
      endTime: this.now(),
      exitCode: run.exitCode,
      result: run.exitCode === 0 && !run.failureInfo ? 'success' : 'failure',
      retryCount: run.retryCount ?? 0,
      requeueCount: 0,
      ...(run.failureInfo ? { failureInfo: { category: 'usererror', ...run.failureInfo } } : {}),
    };
    if (run.stdout !== undefined) t.files.set('stdout.txt', run.stdout);
    if (run.stderr !== undefined) t.files.set('stderr.txt', run.stderr);
  }

  // BatchClient ---------------------------------------------------------------------------

  async getPool(poolId: string): Promise<BatchPool> {
    this.call('getPool', poolId);
    if (poolId !== this.pool.id) throw notFound('PoolNotFound', 'The specified pool does not exist.');
    return structuredClone(this.pool);
  }

  async enablePoolAutoScale(poolId: string, body: BatchPoolEnableAutoScaleOptions): Promise<void> {
    this.call('enablePoolAutoScale', poolId, body);
    if (poolId !== this.pool.id) throw notFound('PoolNotFound', 'The specified pool does not exist.');
  }

  async listNodes(poolId: string, opts: { select?: readonly string[] } = {}): Promise<Partial<BatchNode>[]> {
    this.call('listNodes', poolId, opts);
    if (poolId !== this.pool.id) throw notFound('PoolNotFound', 'The specified pool does not exist.');
    return this.nodes.map((n) => selected(n, opts.select));
  }

  async getJobSchedule(id: string): Promise<BatchJobSchedule> {
    this.call('getJobSchedule', id);
    const s = this.schedules.get(id);
    if (!s) throw notFound('JobScheduleNotFound', 'The specified job schedule does not exist.');
    return structuredClone(s);
  }

  async createJob(body: BatchJobCreateOptions, opts: { signal?: AbortSignal } = {}): Promise<void> {
    this.call('createJob', body, opts);
    if (this.jobs.has(body.id)) throw new BatchError('JobExists', 'The specified job already exists.', 409);
    this.jobs.set(body.id, {
      job: { id: body.id, state: 'active', creationTime: this.now(), poolInfo: { poolId: body.poolInfo.poolId }, executionInfo: { startTime: this.now(), poolId: body.poolInfo.poolId }, ...(body.metadata ? { metadata: body.metadata } : {}) },
      tasks: new Map(),
    });
    // A Job Manager task is made with its job (invoke's one task).
    if (body.jobManagerTask) {
      const manager = body.jobManagerTask as BatchTaskCreateOptions;
      this.jobs.get(body.id)!.tasks.set(manager.id, { body: manager, task: { id: manager.id, state: 'active', creationTime: this.now(), commandLine: manager.commandLine }, files: new Map() });
    }
  }

  async getTask(jobId: string, taskId: string, opts: { select?: readonly string[]; signal?: AbortSignal } = {}): Promise<Partial<BatchTask>> {
    this.call('getTask', jobId, taskId, opts);
    const t = this.job(jobId).tasks.get(taskId);
    if (!t) throw notFound('TaskNotFound', 'The specified task does not exist.');
    return selected(structuredClone(t.task), opts.select);
  }

  async addTasks(jobId: string, tasks: readonly BatchTaskCreateOptions[], opts: { signal?: AbortSignal } = {}): Promise<AddTasksResult> {
    this.call('addTasks', jobId, tasks, opts);
    const j = this.job(jobId);
    if (j.job.state === 'completed') throw new BatchError('JobCompleted', 'The specified job is already in a completed state.', 409);
    const result: AddTasksResult = { added: [], existing: [], failed: [] };
    for (const body of tasks) {
      const refusal = this.refuse.get(body.id);
      if (refusal) result.failed.push({ taskId: body.id, status: 'clienterror', ...refusal });
      else if (j.tasks.has(body.id)) result.existing.push(body.id);
      else {
        j.tasks.set(body.id, { body, task: { id: body.id, state: 'active', creationTime: this.now(), commandLine: body.commandLine }, files: new Map() });
        result.added.push(body.id);
      }
    }
    return result;
  }

  async getJobTaskCounts(jobId: string): Promise<BatchTaskCountsResult> {
    this.call('getJobTaskCounts', jobId);
    const j = this.job(jobId);
    if (this.autoComplete > 0 && j.job.state === 'active') {
      const active = [...j.tasks.values()].filter((t) => t.task.state === 'active');
      for (const t of this.pick(active).slice(0, this.autoComplete)) this.complete(jobId, t.task.id, this.answer(t.body));
    }
    const all = [...j.tasks.values()].map((t) => t.task);
    const count = (f: (t: BatchTask) => boolean) => all.filter(f).length;
    const completed = count((t) => t.state === 'completed');
    const succeeded = count((t) => t.executionInfo?.result === 'success');
    return { taskCounts: { active: count((t) => t.state === 'active'), running: count((t) => t.state === 'running'), completed, succeeded, failed: completed - succeeded } };
  }

  async listTasks(jobId: string, opts: { filter?: string; select?: readonly string[]; signal?: AbortSignal } = {}): Promise<Partial<BatchTask>[]> {
    this.call('listTasks', jobId, opts);
    const j = this.job(jobId);
    const keep = stateFilter(opts.filter);
    return [...j.tasks.values()].map((t) => t.task).filter(keep).map((t) => selected(structuredClone(t), opts.select));
  }

  async readTaskFile(jobId: string, taskId: string, filePath: string): Promise<{ bytes: Uint8Array; status: number }> {
    this.call('readTaskFile', jobId, taskId, filePath);
    const t = this.job(jobId).tasks.get(taskId);
    if (!t) throw notFound('TaskNotFound', 'The specified task does not exist.');
    const text = t.files.get(filePath);
    if (text === undefined) throw notFound('FileNotFound', 'The specified file does not exist.');
    return { bytes: new Uint8Array(Buffer.from(text, 'utf8')), status: 200 };
  }

  async terminateJob(id: string, opts: { terminateReason?: string } = {}): Promise<void> {
    this.call('terminateJob', id, opts);
    const j = this.job(id);
    if (j.job.state === 'completed') throw new BatchError('JobCompleted', 'The specified job is already in a completed state.', 409);
    j.job.state = 'completed';
    j.job.executionInfo = { ...j.job.executionInfo, endTime: this.now(), terminateReason: opts.terminateReason ?? 'UserTerminate' };
  }

  async listJobs(opts: { filter?: string; signal?: AbortSignal } = {}): Promise<BatchJob[]> {
    this.call('listJobs', opts);
    const keep = stateFilter(opts.filter);
    return [...this.jobs.values()].map((j) => structuredClone(j.job)).filter(keep);
  }

  async deleteJob(id: string): Promise<void> {
    this.call('deleteJob', id);
    this.job(id);
    this.jobs.delete(id);
  }

  /** Adds a job as the service would list it (a scheduled one, another deployment's, an old run). */
  addJob(job: BatchJob): void {
    this.jobs.set(job.id, { job, tasks: new Map() });
  }

  // ---------------------------------------------------------------------------------------

  private job(id: string) {
    const j = this.jobs.get(id);
    if (!j) throw notFound('JobNotFound', 'The specified job does not exist.');
    return j;
  }

  private call(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const fault = this.faults.get(method) as { error: unknown; times: number } | undefined;
    if (fault && fault.times > 0) {
      fault.times--;
      throw fault.error;
    }
  }

  /** One second later each time: creation times order as calls do. */
  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }
}

export interface FakeTask {
  body: BatchTaskCreateOptions;
  task: BatchTask;
  files: Map<string, string>;
}

/** How a task ended: its exit code, its output files and Batch's failure information. */
export interface TaskRun {
  exitCode: number;
  stdout?: string;
  stderr?: string;
  retryCount?: number;
  failureInfo?: { code: string; message: string };
}

/** A stdout.txt as the runtime's job mode writes it: what the handler printed, then the result framed in base64. */
export const framed = (result: string, printed = '[rdeploy] job (pid 9) scoring\n'): string => `${printed}${RESULT_MARK}${Buffer.from(result, 'utf8').toString('base64')}]\n`;

/** The RDEPLOY_PAYLOAD of a task. */
export const payloadOf = (task: BatchTaskCreateOptions): string => task.environmentSettings?.find((e) => e.name === 'RDEPLOY_PAYLOAD')?.value ?? '';

const notFound = (code: string, message: string) => new BatchError(code, message, 404);

/** The one $filter the target sends: "state eq '<state>'" (anything else is refused, as a filter the double cannot read). */
function stateFilter(filter: string | undefined): (x: { state: string }) => boolean {
  if (filter === undefined) return () => true;
  const m = /^state eq '([a-z]+)'$/.exec(filter);
  if (!m) throw new BatchError('InvalidQueryParameterValue', 'Value for one of the query parameters specified in the request URI is invalid.', 400, [{ key: 'QueryParameterName', value: '$filter' }]);
  return (x) => x.state === m[1];
}

/** $select: only the fields asked for (all without one). */
function selected<T extends object>(value: T, select: readonly string[] | undefined): Partial<T> {
  if (!select) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => select.includes(k))) as Partial<T>;
}

/** The task template a deploy of "churn" records. */
export const TEMPLATE = taskBody({ id: 'invoke', payload: '{}', image: 'myreg.azurecr.io/rdeploy/churn@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', registry: 'myreg.azurecr.io', identityId: '/subscriptions/s/resourceGroups/ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/rdeploy-churn-pull', retries: 0 });

/** The record of a running batch deployment "churn" on the pool rdeploy-churn, with these details added. */
export const churnRecord = (details: Record<string, unknown> = {}): DeploymentRecord => ({
  version: 1,
  name: 'churn',
  target: 'batch',
  status: 'running',
  projectRoot: '/home/ana/churn',
  handler: 'score.R',
  createdAt: '2026-10-14T09:00:00Z',
  updatedAt: '2026-10-14T09:00:00Z',
  resources: [],
  details: { accountEndpoint: 'mlbatch.westeurope.batch.azure.com', poolId: 'rdeploy-churn', maxNodes: 4, taskSlotsPerNode: 1, task: TEMPLATE, ...details },
});
