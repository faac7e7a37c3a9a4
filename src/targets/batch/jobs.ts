import { randomBytes } from 'node:crypto';
import { BatchError, type BatchClient, type BatchTask } from '../../clouds/azure/batch';
import { azureFailure } from '../../clouds/azure/failure';
import { AppError } from '../../core/errors';
import { taggedFor, type Owner } from '../../core/owner';
import { PAYLOAD_ENV, resultFromLogs } from '../image/jobContainer';
import { ownerMetadata, type BatchTaskBody } from './bodies';
import { runJobId } from './names';

/*
 * The one-off jobs of invoke and map: a job on the deployment's pool carrying the owner's
 * metadata (destroy finds them by it), its tasks made from the deployment's task template, and a
 * task's answer read back from its stdout.txt, where the runtime's job mode framed it.
 */

/** Terminated jobs of the deployment kept for the tree and `rdeploy logs`; older ones are deleted as new ones start. */
export const KEPT_JOBS = 10;

/** The id of an invoke's or a map's job (a scheduled job's id is the schedule's). */
const RUN_JOB = /-(invoke|map)-[0-9a-z]{12}$/;

/** 12 characters, sortable by time: the run's id in its job's name. */
export const newRunId = (now = Date.now()): string => `${now.toString(36).slice(-8)}${randomBytes(2).toString('hex')}`;

/** The metadata as a tag map (Batch's name/value pairs), for ownership checks. */
export const metadataTags = (metadata: Array<{ name: string; value: string }> | undefined): Record<string, string> => Object.fromEntries((metadata ?? []).map((m) => [m.name, m.value]));

/**
 * The most payload a task carries: it travels in an environment variable, which Linux caps at
 * 128 KiB per variable (MAX_ARG_STRLEN), and Batch caps a task collection at 1 MB.
 */
export const MAX_PAYLOAD_BYTES = 120 * 1024;

/** Why a payload cannot go in a task, or undefined when it can. */
export function payloadTooLarge(payload: string): string | undefined {
  const bytes = Buffer.byteLength(payload);
  if (bytes <= MAX_PAYLOAD_BYTES) return undefined;
  return `The payload is ${(bytes / 1024).toFixed(0)} KiB; a Batch task carries at most ${MAX_PAYLOAD_BYTES / 1024} KiB (in an environment variable). Send fewer rows at once (rdeploy map: a smaller --chunk-rows).`;
}

/** One task of the template, with its id, payload and retries; a payload too large for a task is one sentence. */
export function taskFrom(template: BatchTaskBody, id: string, payload: string, retries: number): BatchTaskBody {
  const tooLarge = payloadTooLarge(payload);
  if (tooLarge) throw new AppError('payload-invalid', tooLarge);
  return {
    ...template,
    id,
    environmentSettings: template.environmentSettings.map((e) => (e.name === PAYLOAD_ENV ? { name: PAYLOAD_ENV, value: payload } : e)),
    constraints: { ...template.constraints, maxTaskRetryCount: retries },
  };
}

/**
 * Makes a job of the deployment on its pool. With `manager`, the job is made with that task as
 * its Job Manager, which ends the job when it completes (a job made empty with
 * onAllTasksComplete=terminatejob would end at once, having no tasks); without, the job waits
 * for tasks and whoever made it terminates it.
 */
export async function createRunJob(data: BatchClient, v: { owner: Owner; poolId: string; kind: 'invoke' | 'map'; manager?: BatchTaskBody; signal?: AbortSignal }): Promise<string> {
  const id = runJobId(v.owner.name, v.kind, newRunId());
  const jobManagerTask = v.manager && { ...v.manager, killJobOnCompletion: true, runExclusive: false, allowLowPriorityNode: true };
  try {
    await data.createJob({ id, displayName: `R Deploy: ${v.kind} ${v.owner.name}`, poolInfo: { poolId: v.poolId }, ...(jobManagerTask ? { jobManagerTask } : {}), metadata: ownerMetadata(v.owner) }, v.signal ? { signal: v.signal } : {});
  } catch (e) {
    throw azureFailure(`Starting a Batch job on ${v.poolId}`, e);
  }
  return id;
}

/** What a completed task answered: the framed result of its stdout.txt (undefined: none), its exit code and why it failed. */
export interface TaskAnswer {
  result?: string;
  exitCode?: number;
  /** Batch's failure (the container could not start, the image could not be pulled). */
  failure?: string;
  /** The last lines of its stderr.txt, when there was no result. */
  stderrTail?: string;
  attempts: number;
}

export async function taskAnswer(data: BatchClient, jobId: string, task: Pick<BatchTask, 'id' | 'executionInfo'>, signal?: AbortSignal): Promise<TaskAnswer> {
  const info = task.executionInfo;
  const attempts = (info?.retryCount ?? 0) + 1;
  const read = async (file: string) => {
    try {
      return Buffer.from((await data.readTaskFile(jobId, task.id, file, undefined, signal ? { signal } : {})).bytes).toString('utf8');
    } catch (e) {
      if (e instanceof BatchError && e.statusCode === 404) return undefined;
      throw azureFailure(`Reading ${file} of task ${task.id}`, e);
    }
  };
  const result = resultFromLogs((await read('stdout.txt')) ?? '');
  const failure = info?.failureInfo ? `${info.failureInfo.code ?? 'failure'}: ${info.failureInfo.message ?? ''}`.trim() : undefined;
  const stderrTail = result === undefined ? ((await read('stderr.txt')) ?? '').split(/\r?\n/).filter((l) => l.trim()).slice(-3).join(' | ') : undefined;
  return { ...(result !== undefined ? { result } : {}), ...(info?.exitCode !== undefined ? { exitCode: info.exitCode } : {}), ...(failure ? { failure } : {}), ...(stderrTail ? { stderrTail } : {}), attempts };
}

/** Deletes the deployment's terminated invoke and map jobs beyond the newest `keep` (they cost nothing, but clutter the account). */
export async function pruneRunJobs(data: BatchClient, owner: Owner, keep = KEPT_JOBS, signal?: AbortSignal): Promise<void> {
  try {
    const jobs = (await data.listJobs({ filter: "state eq 'completed'", ...(signal ? { signal } : {}) }))
      .filter((j) => RUN_JOB.test(j.id) && taggedFor(metadataTags(j.metadata), owner))
      .sort((a, b) => (b.creationTime ?? '').localeCompare(a.creationTime ?? ''));
    for (const j of jobs.slice(keep)) await data.deleteJob(j.id, signal ? { signal } : {}).catch(() => undefined);
  } catch {
    // Tidying only: a failure here never fails the invoke.
  }
}
