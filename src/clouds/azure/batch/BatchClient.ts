import { z } from 'zod';
import { AppError } from '../../../core/errors';
import { batchRequests, type BatchRequest, type ByteRange } from './requests';
import {
  AutoScaleRunSchema,
  JobScheduleSchema,
  JobSchema,
  NodeSchema,
  PoolNodeCountsSchema,
  PoolSchema,
  SupportedImageSchema,
  TaskCollectionResultSchema,
  TaskCountsResultSchema,
  TaskSchema,
  type AutoScaleRun,
  type BatchJob,
  type BatchJobSchedule,
  type BatchNode,
  type BatchPool,
  type BatchPoolNodeCounts,
  type BatchTask,
  type BatchTaskCountsResult,
  type BatchTaskCreateResult,
  type SupportedImage,
  type TaskFileProperties,
} from './schemas';
import { tailTaskFile, type TailChunk, type TailOptions } from './tail';
import { chunkTasks, sortResults, type AddTasksResult } from './taskCollection';
import { BatchTransport, parseJson, parseShape, type BatchConnection } from './transport';
import type {
  BatchJobCreateOptions,
  BatchJobScheduleCreateOptions,
  BatchNodeRemoveOptions,
  BatchPoolEnableAutoScaleOptions,
  BatchPoolResizeOptions,
  BatchTaskCreateOptions,
  ListOptions,
} from './types';

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * The Batch data plane at 2025-06-01, as far as the Batch target needs it: images, pools and
 * their nodes, job schedules, jobs, tasks and task files. Each method builds its request with
 * `batchRequests` (data, asserted by tests), sends it through one pipeline and parses the answer
 * at the boundary. Refusals are BatchErrors; the caller adds what it was doing (azureFailure).
 */
export class BatchClient {
  private readonly t: BatchTransport;

  constructor(connection: BatchConnection) {
    this.t = new BatchTransport(connection);
  }

  /** The account's https origin. */
  get endpoint(): string {
    return this.t.origin;
  }

  // Images and node counts ------------------------------------------------------------------

  /** Every image Batch supports for this account's region, e.g. filter "verificationType eq 'verified'". */
  listSupportedImages(filter?: string, opts: CallOptions = {}): Promise<SupportedImage[]> {
    return this.t.listAll(batchRequests.listSupportedImages(filter ? { filter } : {}), SupportedImageSchema, 'Listing the images Batch supports', opts);
  }

  /** Node counts by state per pool, e.g. filter "poolId eq 'p1'". Batch says they may lag; nodeCounts(listNodes) is exact. */
  listPoolNodeCounts(filter?: string, opts: CallOptions = {}): Promise<BatchPoolNodeCounts[]> {
    return this.t.listAll(batchRequests.listPoolNodeCounts(filter ? { filter } : {}), PoolNodeCountsSchema, 'Listing node counts', opts);
  }

  // Pools -----------------------------------------------------------------------------------

  async getPool(poolId: string, opts: CallOptions = {}): Promise<BatchPool> {
    return this.json(batchRequests.getPool(poolId), PoolSchema, `Reading the pool ${poolId}`, opts);
  }

  listPools(opts: ListOptions & CallOptions = {}): Promise<BatchPool[]> {
    return this.t.listAll(batchRequests.listPools(opts), PoolSchema, 'Listing pools', opts);
  }

  /** At most once every 30 s per pool and never during a resize (Batch answers 409 otherwise). */
  async enablePoolAutoScale(poolId: string, body: BatchPoolEnableAutoScaleOptions, opts: CallOptions = {}): Promise<void> {
    await this.t.send(batchRequests.enablePoolAutoScale(poolId, body), opts);
  }

  /** The formula's result on the pool now, without applying it; the pool must have autoscale on. */
  async evaluatePoolAutoScale(poolId: string, autoScaleFormula: string, opts: CallOptions = {}): Promise<AutoScaleRun> {
    return this.json(batchRequests.evaluatePoolAutoScale(poolId, autoScaleFormula), AutoScaleRunSchema, `Evaluating the autoscale formula on ${poolId}`, opts);
  }

  async disablePoolAutoScale(poolId: string, opts: CallOptions = {}): Promise<void> {
    await this.t.send(batchRequests.disablePoolAutoScale(poolId), opts);
  }

  async resizePool(poolId: string, body: BatchPoolResizeOptions, opts: CallOptions = {}): Promise<void> {
    await this.t.send(batchRequests.resizePool(poolId, body), opts);
  }

  /** At most 100 nodes, and only while the pool is steady (a second request would meet a resizing pool). */
  async removeNodes(poolId: string, body: BatchNodeRemoveOptions, opts: CallOptions = {}): Promise<void> {
    await this.t.send(batchRequests.removeNodes(poolId, body), opts);
  }

  listNodes(poolId: string, opts?: Omit<ListOptions, 'select'> & CallOptions): Promise<BatchNode[]>;
  listNodes<K extends keyof BatchNode & string>(poolId: string, opts: Omit<ListOptions, 'select'> & { select: readonly K[] } & CallOptions): Promise<Pick<BatchNode, K>[]>;
  listNodes(poolId: string, opts: ListOptions & CallOptions = {}): Promise<Partial<BatchNode>[]> {
    return this.t.listAll(batchRequests.listNodes(poolId, opts), selected(NodeSchema, opts.select), `Listing the nodes of ${poolId}`, opts);
  }

  // Job schedules ---------------------------------------------------------------------------

  async createJobSchedule(body: BatchJobScheduleCreateOptions, opts: CallOptions = {}): Promise<void> {
    await this.t.send(batchRequests.createJobSchedule(body), opts);
  }

  async getJobSchedule(id: string, opts: CallOptions = {}): Promise<BatchJobSchedule> {
    return this.json(batchRequests.getJobSchedule(id), JobScheduleSchema, `Reading the job schedule ${id}`, opts);
  }

  listJobSchedules(opts: ListOptions & CallOptions = {}): Promise<BatchJobSchedule[]> {
    return this.t.listAll(batchRequests.listJobSchedules(opts), JobScheduleSchema, 'Listing job schedules', opts);
  }

  async jobScheduleExists(id: string, opts: CallOptions = {}): Promise<boolean> {
    const answer = await this.t.send(batchRequests.jobScheduleExists(id), { ...opts, allow: [404] });
    return answer.status !== 404;
  }

  /** Also deletes the schedule's jobs and their tasks. */
  async deleteJobSchedule(id: string, opts: CallOptions & { force?: boolean } = {}): Promise<void> {
    await this.t.send(batchRequests.deleteJobSchedule(id, opts), opts);
  }

  async terminateJobSchedule(id: string, opts: CallOptions & { force?: boolean } = {}): Promise<void> {
    await this.t.send(batchRequests.terminateJobSchedule(id, opts), opts);
  }

  // Jobs ------------------------------------------------------------------------------------

  async createJob(body: BatchJobCreateOptions, opts: CallOptions = {}): Promise<void> {
    await this.t.send(batchRequests.createJob(body), opts);
  }

  async getJob(id: string, opts: CallOptions = {}): Promise<BatchJob> {
    return this.json(batchRequests.getJob(id), JobSchema, `Reading the job ${id}`, opts);
  }

  /** The account's jobs, or those a schedule made (`jobScheduleId`), e.g. filter "state eq 'active'". */
  listJobs(opts: Omit<ListOptions, 'select'> & CallOptions & { jobScheduleId?: string } = {}): Promise<BatchJob[]> {
    const req = opts.jobScheduleId ? batchRequests.listJobsFromSchedule(opts.jobScheduleId, opts) : batchRequests.listJobs(opts);
    return this.t.listAll(req, JobSchema, opts.jobScheduleId ? `Listing the jobs of schedule ${opts.jobScheduleId}` : 'Listing jobs', opts);
  }

  /** Counts of the job's tasks by state (may lag a little): progress without listing every task. */
  async getJobTaskCounts(id: string, opts: CallOptions = {}): Promise<BatchTaskCountsResult> {
    return this.json(batchRequests.getJobTaskCounts(id), TaskCountsResultSchema, `Counting the tasks of ${id}`, opts);
  }

  async deleteJob(id: string, opts: CallOptions & { force?: boolean } = {}): Promise<void> {
    await this.t.send(batchRequests.deleteJob(id, opts), opts);
  }

  async terminateJob(id: string, opts: CallOptions & { terminateReason?: string; force?: boolean } = {}): Promise<void> {
    await this.t.send(batchRequests.terminateJob(id, opts), opts);
  }

  // Tasks -----------------------------------------------------------------------------------

  async createTask(jobId: string, task: BatchTaskCreateOptions, opts: CallOptions = {}): Promise<void> {
    await this.t.send(batchRequests.createTask(jobId, task), opts);
  }

  /**
   * Adds any number of tasks: collections of at most 100 (and under 1 MB), one after another.
   * Tasks refused with a server error are sent again (`serverErrorRetries`, default 2); every
   * other refusal is reported for its task. A refusal of a whole collection (JobNotFound, …) is
   * thrown: the collections before it stay added, and a rerun with the same ids finds them in
   * `existing`.
   */
  async addTasks(jobId: string, tasks: readonly BatchTaskCreateOptions[], opts: CallOptions & { serverErrorRetries?: number } = {}): Promise<AddTasksResult> {
    const result: AddTasksResult = { added: [], existing: [], failed: [] };
    const byId = new Map(tasks.map((t) => [t.id, t]));
    const retries = opts.serverErrorRetries ?? 2;
    let pending = [...tasks];
    for (let attempt = 0; pending.length > 0; attempt++) {
      const again: BatchTaskCreateResult[] = [];
      for (const chunk of chunkTasks(pending)) {
        const answer = await this.t.send(batchRequests.createTaskCollection(jobId, chunk), opts);
        const results = parseShape(TaskCollectionResultSchema, parseJson(answer.text), `Adding tasks to ${jobId}`).value ?? [];
        // A task the answer does not mention is not known to be added: like a server error, send it again.
        const answered = new Set(results.map((r) => r.taskId));
        const unanswered = chunk.filter((t) => !answered.has(t.id)).map((t): BatchTaskCreateResult => ({ status: 'servererror', taskId: t.id, error: { code: 'NoResult', message: { value: 'Batch answered the collection without a result for this task.' } } }));
        again.push(...sortResults([...results, ...unanswered], result, attempt >= retries));
      }
      pending = again.map((r) => byId.get(r.taskId)).filter((t): t is BatchTaskCreateOptions => t !== undefined);
    }
    return result;
  }

  getTask(jobId: string, taskId: string, opts?: CallOptions): Promise<BatchTask>;
  getTask<K extends keyof BatchTask & string>(jobId: string, taskId: string, opts: { select: readonly K[] } & CallOptions): Promise<Pick<BatchTask, K>>;
  async getTask(jobId: string, taskId: string, opts: { select?: readonly string[] } & CallOptions = {}): Promise<Partial<BatchTask>> {
    return this.json(batchRequests.getTask(jobId, taskId, opts), selected(TaskSchema, opts.select), `Reading the task ${taskId} of ${jobId}`, opts);
  }

  /** E.g. filter "state eq 'completed'", select ['id', 'state', 'executionInfo']. */
  listTasks(jobId: string, opts?: Omit<ListOptions, 'select'> & CallOptions): Promise<BatchTask[]>;
  listTasks<K extends keyof BatchTask & string>(jobId: string, opts: Omit<ListOptions, 'select'> & { select: readonly K[] } & CallOptions): Promise<Pick<BatchTask, K>[]>;
  listTasks(jobId: string, opts: ListOptions & CallOptions = {}): Promise<Partial<BatchTask>[]> {
    return this.t.listAll(batchRequests.listTasks(jobId, opts), selected(TaskSchema, opts.select), `Listing the tasks of ${jobId}`, opts);
  }

  /** The file's length and times, from a HEAD (no body is read). */
  async getTaskFileProperties(jobId: string, taskId: string, filePath: string, opts: CallOptions = {}): Promise<TaskFileProperties> {
    const answer = await this.t.send(batchRequests.getTaskFileProperties(jobId, taskId, filePath), opts);
    const length = Number(answer.header('content-length'));
    if (!Number.isSafeInteger(length) || length < 0) throw new AppError('deploy-failed', `Reading ${filePath} of task ${taskId}: Batch gave no file length.`);
    const optional = (key: keyof TaskFileProperties, header: string) => (answer.header(header) ? { [key]: answer.header(header) } : {});
    return {
      contentLength: length,
      isDirectory: answer.header('ocp-batch-file-isdirectory')?.toLowerCase() === 'true',
      ...optional('lastModified', 'last-modified'),
      ...optional('creationTime', 'ocp-creation-time'),
      ...optional('mode', 'ocp-batch-file-mode'),
      ...optional('url', 'ocp-batch-file-url'),
    };
  }

  /**
   * A task file's bytes, or the bytes `range.start` to `range.end` (inclusive). Batch answers a
   * range with 206 (its spec says 200); a 200 carrying the whole file is cut to the range.
   */
  async readTaskFile(jobId: string, taskId: string, filePath: string, range?: ByteRange, opts: CallOptions = {}): Promise<{ bytes: Uint8Array; status: number }> {
    const answer = await this.t.send(batchRequests.getTaskFile(jobId, taskId, filePath, range), { ...opts, binary: true });
    let bytes = answer.bytes ?? new Uint8Array();
    if (range) {
      const wanted = range.end - range.start + 1;
      if (bytes.length > wanted) bytes = answer.status === 200 ? bytes.subarray(range.start, range.end + 1) : bytes.subarray(0, wanted);
    }
    return { bytes, status: answer.status };
  }

  /** The file as it grows, until its task has completed (see tail.ts). */
  tailTaskFile(jobId: string, taskId: string, filePath: string, opts: TailOptions = {}): AsyncGenerator<TailChunk> {
    return tailTaskFile(this, jobId, taskId, filePath, opts);
  }

  private async json<S extends z.ZodType>(req: BatchRequest, schema: S, what: string, opts: CallOptions): Promise<z.infer<S>> {
    const answer = await this.t.send(req, opts);
    return parseShape(schema, parseJson(answer.text), what);
  }
}

/** A $select answer has only the properties asked for: parse those alone. */
function selected<S extends z.ZodObject>(schema: S, select: readonly string[] | undefined): z.ZodType<Partial<z.infer<S>>> {
  if (!select?.length) return schema as unknown as z.ZodType<Partial<z.infer<S>>>;
  const mask = Object.fromEntries(select.filter((k) => k in schema.shape).map((k) => [k, true] as const));
  return schema.pick(mask as never) as unknown as z.ZodType<Partial<z.infer<S>>>;
}
