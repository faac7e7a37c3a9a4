import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchClient } from '../../clouds/azure/batch';
import { azureFailure } from '../../clouds/azure/failure';
import type { InvokeResult } from '../../core/deployment';
import { AppError, cancelledError } from '../../core/errors';
import type { DeploymentRecord } from '../../core/records/record';
import type { TargetContext } from '../Target';
import { TASK_RETRIES, type BatchTaskBody } from './bodies';
import { recordDataPlane } from './clients';
import { batchRecordDetails } from './details';
import { createRunJob, pruneRunJobs, taskAnswer, taskFrom, type TaskAnswer } from './jobs';
import { INVOKE_TASK_ID } from './names';
import { autoscaleNudger } from './nudge';

/** How often a running task is looked at. */
const POLL_MS = 2_000;
/** How often the pool is asked why a waiting task has no node. */
const POOL_LOOK_MS = 20_000;

/** Batch's reason the pool could not grow (its resize errors), or undefined. */
async function resizeRefusal(data: BatchClient, poolId: string): Promise<string | undefined> {
  try {
    const pool = await data.getPool(poolId);
    const errors = pool.resizeErrors ?? [];
    const nodes = (pool.currentDedicatedNodes ?? 0) + (pool.currentLowPriorityNodes ?? 0);
    // Only a steady pool with no node and the reason it got none: a past error of a pool with nodes is history.
    return errors.length && nodes === 0 && pool.allocationState === 'steady' ? errors.map((e) => `${e.code ?? 'ResizeError'}: ${(e.message ?? '').trim()}`).join('; ') : undefined;
  } catch {
    return undefined; // a hint only: the task's own state decides
  }
}

/** The task template the deploy recorded (the real image and identity). */
export function recordedTask(record: DeploymentRecord): BatchTaskBody {
  const task = batchRecordDetails(record.details).task as BatchTaskBody | undefined;
  if (!task) throw new AppError('invoke-failed', `"${record.name}" has no Batch task template yet (its status is ${record.status}). Deploy it with \`rdeploy deploy --target batch\`.`);
  return task;
}

/**
 * One call: a job on the deployment's pool with one task carrying the payload, waited for, and
 * the answer read from the task's stdout.txt. A handler error is an answer (exit 1 with the
 * error JSON); no answer at all is one sentence with Batch's reason. Cancelling terminates the
 * job, so nothing keeps running on the pool.
 */
export async function invokeBatch(record: DeploymentRecord, payload: string, ctx: TargetContext): Promise<InvokeResult> {
  const scoped = { ...ctx, record };
  const template = recordedTask(record);
  const { data, poolId } = await recordDataPlane(scoped);
  const owner = { root: record.projectRoot, name: record.name };
  await pruneRunJobs(data, owner, undefined, ctx.signal);
  const started = performance.now();
  // The task is the job's manager: made with the job, and the job ends with it.
  const manager = taskFrom(template, INVOKE_TASK_ID, payload, TASK_RETRIES.invoke);
  let jobId: string;
  try {
    jobId = await createRunJob(data, { owner, poolId, kind: 'invoke', manager, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  } catch (e) {
    throw new AppError('invoke-failed', (e as Error).message, { cause: e });
  }
  const answer = await waitForTask(data, jobId, INVOKE_TASK_ID, poolId, ctx);
  return invokeResult(answer, jobId, Math.round(performance.now() - started));
}

/** The answer as an invoke's result; one sentence when the task gave none. */
export function invokeResult(a: TaskAnswer, runId: string, durationMs: number): InvokeResult {
  if (a.result === undefined) {
    const why = a.failure ?? (a.exitCode !== undefined ? `exit ${a.exitCode}${a.stderrTail ? `: ${a.stderrTail}` : ''}` : 'no output');
    throw new AppError('invoke-failed', `The task of ${runId} ended without a result (${why}). \`rdeploy logs\` shows its output.`);
  }
  let body: unknown = a.result;
  try {
    body = JSON.parse(a.result);
  } catch {
    // not JSON: the raw text is the answer
  }
  return { ok: a.exitCode === 0, body, raw: a.result, durationMs, runId };
}

/** Polls the task until it has completed, saying where it is; cancellation terminates the job. */
async function waitForTask(data: BatchClient, jobId: string, taskId: string, poolId: string, ctx: TargetContext): Promise<TaskAnswer> {
  let said = '';
  let lookedAtPool = 0;
  const nudge = autoscaleNudger(data, poolId);
  try {
    for (;;) {
      if (ctx.signal?.aborted) throw cancelledError();
      const task = await data.getTask(jobId, taskId, { select: ['id', 'state', 'executionInfo'] as const, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      if (task.state === 'completed') return await taskAnswer(data, jobId, task, ctx.signal);
      if (task.state === 'active' && Date.now() - lookedAtPool >= POOL_LOOK_MS) {
        lookedAtPool = Date.now();
        const refused = await resizeRefusal(data, poolId);
        if (refused) {
          // The pool cannot grow (a quota, an image, a size): waiting would never end.
          await data.terminateJob(jobId, { terminateReason: 'PoolCannotGrow' }).catch(() => undefined);
          throw new AppError('invoke-failed', `The pool ${poolId} cannot get a node: ${refused} The task was not run.`);
        }
      }
      const nudged = task.state === 'active' && (await nudge());
      const now = task.state === 'active' ? `Waiting for a node of ${poolId}${nudged ? ' (asked the pool to grow now)' : ''}` : `Running on ${poolId}`;
      if (now !== said) ctx.progress?.report({ message: (said = now) });
      await sleep(POLL_MS, undefined, ctx.signal ? { signal: ctx.signal } : {});
    }
  } catch (e) {
    if (ctx.signal?.aborted) {
      // Stopped by the user: the task must not go on using the pool.
      await data.terminateJob(jobId, { terminateReason: 'UserTerminate' }).catch(() => undefined);
      throw cancelledError();
    }
    if (e instanceof AppError) throw e;
    throw new AppError('invoke-failed', azureFailure(`Waiting for the task of ${jobId}`, e).message, { cause: e });
  }
}
