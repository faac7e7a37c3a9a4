import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchClient, BatchTask } from '../../clouds/azure/batch';
import { azureFailure } from '../../clouds/azure/failure';
import { AppError, cancelledError } from '../../core/errors';
import type { MapEvents, MapExecutor, MapExecutorOptions, MapTask, UnitOutcome } from '../../core/map';
import type { DeploymentRecord } from '../../core/records/record';
import type { TargetContext } from '../Target';
import { TASK_RETRIES } from './bodies';
import { recordDataPlane } from './clients';
import { batchRecordDetails } from './details';
import { recordedTask } from './invoke';
import { createRunJob, payloadTooLarge, pruneRunJobs, taskAnswer, taskFrom, type TaskAnswer } from './jobs';
import { chunkTaskId } from './names';
import { autoscaleNudger } from './nudge';
import { MAX_TASKS_PER_COLLECTION } from '../../clouds/azure/batch';

const POLL_MS = 2_000;
/** Tasks queued in Batch at once: enough for the formula to see the whole queue, few enough to list cheaply. */
const MAX_QUEUED = 1_000;
/** Task files read at once when many tasks complete together. */
const READS_AT_ONCE = 8;

/**
 * `rdeploy map` on Batch: one job on the deployment's pool, one task per chunk (or array
 * element) made from the deployment's task template, added in collections of up to 100 as the
 * input is read; the queue makes the autoscale formula grow the pool. Batch retries a task that
 * failed (`maxTaskRetryCount`) and requeues one whose Spot node was preempted; completed tasks
 * are found by listing (only when the job's counts say more completed), and each answer is read
 * from its stdout.txt. close() terminates the job, so no task keeps running.
 */
export async function batchMapExecutor(record: DeploymentRecord, options: MapExecutorOptions, ctx: TargetContext): Promise<MapExecutor> {
  const template = recordedTask(record);
  const { data, poolId } = await recordDataPlane({ ...ctx, record });
  const d = batchRecordDetails(record.details);
  const owner = { root: record.projectRoot, name: record.name };
  await pruneRunJobs(data, owner, undefined, ctx.signal);
  const lanes = (d.maxNodes ?? 1) * (d.taskSlotsPerNode ?? 1);
  const concurrency = Math.max(1, Math.min(MAX_QUEUED, options.estimatedUnits ?? MAX_QUEUED, Math.max(options.concurrency, lanes * 4)));
  let jobId: string | undefined;
  let ended = false;
  const end = async (reason: string) => {
    if (ended || !jobId) return;
    ended = true;
    await data.terminateJob(jobId, { terminateReason: reason }).catch(() => undefined);
  };
  return {
    description: `a Batch job on ${poolId} (${d.maxNodes ?? '?'} nodes at most, ${d.taskSlotsPerNode ?? 1} task${d.taskSlotsPerNode === 1 ? '' : 's'} each)`,
    concurrency,
    async run(tasks, events, signal) {
      jobId = await createRunJob(data, { owner, poolId, kind: 'map', signal });
      try {
        await runTasks(data, jobId, poolId, tasks, events, signal, (t) => taskFrom(template, chunkTaskId(t.index), t.payload, TASK_RETRIES.map), concurrency);
        await end('MapComplete');
      } catch (e) {
        if (signal.aborted) {
          await end('UserTerminate');
          throw cancelledError();
        }
        throw e instanceof AppError ? e : new AppError('invoke-failed', azureFailure(`Running the map's job ${jobId}`, e).message, { cause: e });
      }
    },
    close: () => end('UserTerminate'),
  };
}

async function runTasks(data: BatchClient, jobId: string, poolId: string, tasks: AsyncIterable<MapTask>, events: MapEvents, signal: AbortSignal, bodyOf: (t: MapTask) => ReturnType<typeof taskFrom>, room: number): Promise<void> {
  const iterator = tasks[Symbol.asyncIterator]();
  const pending = new Map<string, number>(); // task id → unit index
  let pulling: Promise<IteratorResult<MapTask>> | undefined;
  let inputDone = false;
  let completedSeen = 0;
  const nudge = autoscaleNudger(data, poolId);
  const opts = { signal };
  while (!inputDone || pending.size > 0) {
    if (signal.aborted) throw cancelledError();
    // Take what the input has ready (it holds back while earlier answers are unwritten: never wait on it while tasks run).
    const batch: MapTask[] = [];
    while (!inputDone && pending.size + batch.length < room && batch.length < MAX_TASKS_PER_COLLECTION) {
      pulling ??= iterator.next();
      const next = pending.size + batch.length === 0 ? await pulling : await Promise.race([pulling, sleep(20).then(() => undefined)]);
      if (!next) break;
      pulling = undefined;
      if (next.done) inputDone = true;
      else if (payloadTooLarge(next.value.payload)) {
        // Never sent: a task could not carry it; recorded at once, as any refused payload.
        events.started(next.value.index, 1);
        events.finished(next.value.index, { kind: 'failed', attempts: 1, error: { errorType: 'PayloadRefused', errorMessage: payloadTooLarge(next.value.payload)! } });
      } else batch.push(next.value);
    }
    if (batch.length) {
      const added = await data.addTasks(jobId, batch.map(bodyOf), opts);
      const byId = new Map(batch.map((t) => [chunkTaskId(t.index), t.index]));
      for (const id of [...added.added, ...added.existing]) {
        pending.set(id, byId.get(id)!);
        events.started(byId.get(id)!, 1);
      }
      for (const f of added.failed) {
        const index = byId.get(f.taskId)!;
        events.started(index, 1);
        events.finished(index, { kind: 'failed', attempts: 1, error: { errorType: 'TaskNotAdded', errorMessage: `Batch did not add the task: ${f.code} ${f.message}`.trim() } });
      }
    }
    if (pending.size === 0) continue;
    const counts = await data.getJobTaskCounts(jobId, opts);
    if (counts.taskCounts.completed > completedSeen) {
      const completed = await data.listTasks(jobId, { filter: "state eq 'completed'", select: ['id', 'executionInfo'] as const, signal });
      // What the list showed, not what the counts said: a list that lags the counts is asked again next time.
      completedSeen = completed.length;
      const done = completed.filter((t) => pending.has(t.id));
      for (let i = 0; i < done.length; i += READS_AT_ONCE) {
        await Promise.all(
          done.slice(i, i + READS_AT_ONCE).map(async (t) => {
            const index = pending.get(t.id)!;
            pending.delete(t.id);
            events.finished(index, outcomeOf(await taskAnswer(data, jobId, t as Pick<BatchTask, 'id' | 'executionInfo'>, signal)));
          }),
        );
      }
      if (done.length) continue;
    }
    if (counts.taskCounts.active > 0) await nudge();
    await Promise.race([sleep(POLL_MS, undefined, { signal }).catch(() => undefined), ...(pulling ? [pulling.then(() => undefined)] : [])]);
  }
}

/** A task's answer as the map records it: the handler's result or error, or a failure after Batch's retries. */
export function outcomeOf(a: TaskAnswer): UnitOutcome {
  if (a.result !== undefined) {
    let value: unknown = a.result;
    try {
      value = JSON.parse(a.result);
    } catch {
      // not JSON: kept as text
    }
    const err = value as { errorType?: unknown; errorMessage?: unknown } | null;
    if (a.exitCode === 0) return { kind: 'result', value, raw: a.result, attempts: a.attempts };
    if (err && typeof err === 'object' && typeof err.errorType === 'string' && err.errorType !== 'HandlerLoadError') {
      return { kind: 'error', error: { errorType: err.errorType, errorMessage: String(err.errorMessage ?? '') }, attempts: a.attempts };
    }
  }
  // A result that is no answer (a handler that could not be loaded) is the only account of why: taskAnswer read no stderr then.
  const said = a.result !== undefined ? notAnAnswer(a.result) : a.stderrTail;
  const why = a.failure ?? (a.exitCode !== undefined ? `exit ${a.exitCode}${said ? `: ${said}` : ''}` : 'no output');
  return { kind: 'failed', error: { errorType: 'TaskFailed', errorMessage: `the task ended without a result after ${a.attempts} attempt${a.attempts === 1 ? '' : 's'} (${why})` }, attempts: a.attempts };
}

/** What a task printed that is no answer, on one line: "HandlerLoadError: <message>", or the text itself, cut short. */
function notAnAnswer(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // not JSON: the text itself
  }
  const err = value as { errorType?: unknown; errorMessage?: unknown } | null | undefined;
  const said = err && typeof err === 'object' && typeof err.errorType === 'string' ? `${err.errorType}: ${String(err.errorMessage ?? '')}` : text;
  return said.replace(/\s+/g, ' ').trim().slice(0, 300);
}

