import { AppError } from '../../../core/errors';
import type {
  BatchJobCreateOptions,
  BatchJobScheduleCreateOptions,
  BatchNodeRemoveOptions,
  BatchPoolEnableAutoScaleOptions,
  BatchPoolResizeOptions,
  BatchTaskCreateOptions,
  ListOptions,
} from './types';

/*
 * Every Batch data-plane request the Batch target makes, as data: method, account-relative path,
 * query and the operation's own headers and body, taken from the 2025-06-01 REST API
 * (BatchService.json, stable/2025-06-01). `send()` (transport.ts) adds what every request
 * carries: the bearer token, client-request-id, return-client-request-id and ocp-date.
 */

/** The data-plane version: the first without the ".NN.0" suffix; the ones before it are retiring. */
export const BATCH_API_VERSION = '2025-06-01';

/**
 * The body type Batch documents for its POST operations ("MinimalMetadata"). Create job and
 * create task document plain JSON; Batch takes this one for them too, and one type for all is
 * what its own SDKs send.
 */
export const BATCH_JSON = 'application/json; odata=minimalmetadata';

export type BatchMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface BatchRequest {
  method: BatchMethod;
  /** Account-relative, each segment escaped: "/pools/p1/resize". */
  path: string;
  /** Always holds api-version; OData keys keep their "$". */
  query: Record<string, string>;
  /** The operation's own headers (content-type of a body, ocp-range). */
  headers: Record<string, string>;
  body?: unknown;
}

/** The most tasks one Add Task Collection request may carry. */
export const MAX_TASKS_PER_COLLECTION = 100;
/** The most nodes one Remove Nodes request may name. */
export const MAX_NODES_PER_REMOVE = 100;

const seg = (id: string) => encodeURIComponent(id);
/** A task file path keeps its folders: "wd/out.json" → "wd/out.json", each part escaped. */
const filePathSegments = (filePath: string) => filePath.replace(/^\/+/, '').split('/').map(seg).join('/');

function request(method: BatchMethod, path: string, query: Record<string, string | number | boolean | undefined> = {}, body?: unknown, headers: Record<string, string> = {}): BatchRequest {
  const q: Record<string, string> = { 'api-version': BATCH_API_VERSION };
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q[k] = String(v);
  return { method, path, query: q, headers: body === undefined ? headers : { 'content-type': BATCH_JSON, ...headers }, ...(body === undefined ? {} : { body }) };
}

function listQuery(opts: ListOptions = {}): Record<string, string | number | undefined> {
  if (opts.maxResults !== undefined && !(Number.isInteger(opts.maxResults) && opts.maxResults >= 1 && opts.maxResults <= 1000)) {
    throw new AppError('internal', `maxResults must be a whole number from 1 to 1000, not ${opts.maxResults}.`);
  }
  return { maxresults: opts.maxResults, $filter: opts.filter, $select: opts.select?.length ? opts.select.join(',') : undefined };
}

export const batchRequests = {
  /** Account – List Supported Images: GET /supportedimages. */
  listSupportedImages: (opts: Omit<ListOptions, 'select'> = {}) => request('GET', '/supportedimages', listQuery(opts)),
  /** Pools – List Pool Node Counts: GET /nodecounts. */
  listPoolNodeCounts: (opts: Omit<ListOptions, 'select'> = {}) => request('GET', '/nodecounts', listQuery(opts)),

  getPool: (poolId: string, opts: Pick<ListOptions, 'select'> = {}) => request('GET', `/pools/${seg(poolId)}`, listQuery(opts)),
  listPools: (opts: ListOptions = {}) => request('GET', '/pools', listQuery(opts)),
  /** At most once per 30 s per pool, and never while it resizes (Batch answers 409). */
  enablePoolAutoScale: (poolId: string, body: BatchPoolEnableAutoScaleOptions) => request('POST', `/pools/${seg(poolId)}/enableautoscale`, {}, body),
  /** Needs autoscale enabled on the pool; the formula is evaluated, not applied. */
  evaluatePoolAutoScale: (poolId: string, autoScaleFormula: string) => request('POST', `/pools/${seg(poolId)}/evaluateautoscale`, {}, { autoScaleFormula }),
  disablePoolAutoScale: (poolId: string) => request('POST', `/pools/${seg(poolId)}/disableautoscale`),
  /** Only while the pool's allocation state is steady and autoscale is off. */
  resizePool: (poolId: string, body: BatchPoolResizeOptions) => request('POST', `/pools/${seg(poolId)}/resize`, {}, body),
  removeNodes: (poolId: string, body: BatchNodeRemoveOptions) => {
    if (body.nodeList.length === 0 || body.nodeList.length > MAX_NODES_PER_REMOVE) {
      throw new AppError('internal', `Remove Nodes takes 1 to ${MAX_NODES_PER_REMOVE} nodes per request, not ${body.nodeList.length}.`);
    }
    return request('POST', `/pools/${seg(poolId)}/removenodes`, {}, body);
  },
  listNodes: (poolId: string, opts: ListOptions = {}) => request('GET', `/pools/${seg(poolId)}/nodes`, listQuery(opts)),

  createJobSchedule: (body: BatchJobScheduleCreateOptions) => request('POST', '/jobschedules', {}, body),
  getJobSchedule: (id: string, opts: Pick<ListOptions, 'select'> = {}) => request('GET', `/jobschedules/${seg(id)}`, listQuery(opts)),
  listJobSchedules: (opts: ListOptions = {}) => request('GET', '/jobschedules', listQuery(opts)),
  /** HEAD: 200 if it exists, 404 if not. */
  jobScheduleExists: (id: string) => request('HEAD', `/jobschedules/${seg(id)}`),
  /** Deletes its jobs and tasks too. `force` deletes before the nodes have processed it. */
  deleteJobSchedule: (id: string, opts: { force?: boolean } = {}) => request('DELETE', `/jobschedules/${seg(id)}`, { force: opts.force }),
  terminateJobSchedule: (id: string, opts: { force?: boolean } = {}) => request('POST', `/jobschedules/${seg(id)}/terminate`, { force: opts.force }),

  createJob: (body: BatchJobCreateOptions) => request('POST', '/jobs', {}, body),
  getJob: (id: string, opts: Pick<ListOptions, 'select'> = {}) => request('GET', `/jobs/${seg(id)}`, listQuery(opts)),
  listJobs: (opts: ListOptions = {}) => request('GET', '/jobs', listQuery(opts)),
  listJobsFromSchedule: (scheduleId: string, opts: ListOptions = {}) => request('GET', `/jobschedules/${seg(scheduleId)}/jobs`, listQuery(opts)),
  /** Task counts by state; Batch says they may lag, a list query is exact. */
  getJobTaskCounts: (id: string) => request('GET', `/jobs/${seg(id)}/taskcounts`),
  deleteJob: (id: string, opts: { force?: boolean } = {}) => request('DELETE', `/jobs/${seg(id)}`, { force: opts.force }),
  /** The body is optional; its terminateReason becomes the job's terminationReason (default "UserTerminate"). */
  terminateJob: (id: string, opts: { terminateReason?: string; force?: boolean } = {}) =>
    request('POST', `/jobs/${seg(id)}/terminate`, { force: opts.force }, opts.terminateReason === undefined ? undefined : { terminateReason: opts.terminateReason }),

  createTask: (jobId: string, body: BatchTaskCreateOptions) => request('POST', `/jobs/${seg(jobId)}/tasks`, {}, body),
  /** Add Task Collection: 1 to 100 tasks, under 1 MB serialised. */
  createTaskCollection: (jobId: string, tasks: readonly BatchTaskCreateOptions[]) => {
    if (tasks.length === 0 || tasks.length > MAX_TASKS_PER_COLLECTION) {
      throw new AppError('internal', `Add Task Collection takes 1 to ${MAX_TASKS_PER_COLLECTION} tasks per request, not ${tasks.length}.`);
    }
    return request('POST', `/jobs/${seg(jobId)}/addtaskcollection`, {}, { value: tasks });
  },
  getTask: (jobId: string, taskId: string, opts: Pick<ListOptions, 'select'> = {}) => request('GET', `/jobs/${seg(jobId)}/tasks/${seg(taskId)}`, listQuery(opts)),
  listTasks: (jobId: string, opts: ListOptions = {}) => request('GET', `/jobs/${seg(jobId)}/tasks`, listQuery(opts)),
  /** HEAD: the file's length, times and whether it is a directory, in headers. */
  getTaskFileProperties: (jobId: string, taskId: string, filePath: string) => request('HEAD', `/jobs/${seg(jobId)}/tasks/${seg(taskId)}/files/${filePathSegments(filePath)}`),
  /** The bytes `start` to `end`, both inclusive (ocp-range), or the whole file. */
  getTaskFile: (jobId: string, taskId: string, filePath: string, range?: ByteRange) =>
    request('GET', `/jobs/${seg(jobId)}/tasks/${seg(taskId)}/files/${filePathSegments(filePath)}`, {}, undefined, range ? { 'ocp-range': ocpRange(range) } : {}),
};

/** Inclusive byte offsets, as in HTTP ranges. */
export interface ByteRange {
  start: number;
  end: number;
}

export function ocpRange({ start, end }: ByteRange): string {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new AppError('internal', `A byte range needs 0 ≤ start ≤ end, not ${start}-${end}.`);
  }
  return `bytes=${start}-${end}`;
}
