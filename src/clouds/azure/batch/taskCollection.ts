import { MAX_TASKS_PER_COLLECTION } from './requests';
import type { BatchTaskCreateResult } from './schemas';
import type { BatchTaskCreateOptions } from './types';

/**
 * Batch refuses a collection of 1 MB or more (RequestBodyTooLarge); the envelope and JSON
 * separators stay well inside this margin.
 */
export const MAX_COLLECTION_BYTES = 1_000_000 - 4_096;

/**
 * Tasks in collections of at most 100 and under 1 MB each, in order. A task too large on its
 * own goes alone, and Batch's refusal of it is reported for it.
 */
export function chunkTasks(tasks: readonly BatchTaskCreateOptions[], maxCount = MAX_TASKS_PER_COLLECTION, maxBytes = MAX_COLLECTION_BYTES): BatchTaskCreateOptions[][] {
  const chunks: BatchTaskCreateOptions[][] = [];
  let current: BatchTaskCreateOptions[] = [];
  let bytes = 0;
  for (const task of tasks) {
    const size = Buffer.byteLength(JSON.stringify(task)) + 1;
    if (current.length && (current.length >= maxCount || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(task);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** What became of each task of an addTasks call. */
export interface AddTasksResult {
  /** Added now. */
  added: string[];
  /**
   * Refused as TaskExists: added by an earlier attempt (a rerun, or a retried request whose first
   * answer was lost) or a duplicate id. Task ids that encode their input make this "already done".
   */
  existing: string[];
  /** Refused for this task, with Batch's code and message. */
  failed: { taskId: string; status: string; code: string; message: string }[];
}

/** The code Batch gives a task id the job already has. */
export const TASK_EXISTS = 'TaskExists';

/**
 * Sorts one collection's per-task results into `into`; server errors ("can be retried without
 * modification") are handed back to be sent again, unless this was the last attempt.
 */
export function sortResults(results: readonly BatchTaskCreateResult[], into: AddTasksResult, lastAttempt: boolean): BatchTaskCreateResult[] {
  const retry: BatchTaskCreateResult[] = [];
  for (const r of results) {
    const status = r.status.toLowerCase();
    if (status === 'success') into.added.push(r.taskId);
    else if (r.error?.code === TASK_EXISTS) into.existing.push(r.taskId);
    else if (status === 'servererror' && !lastAttempt) retry.push(r);
    else into.failed.push({ taskId: r.taskId, status: r.status, code: r.error?.code ?? 'Unknown', message: r.error?.message?.value?.trim() || 'Batch gave no message.' });
  }
  return retry;
}
