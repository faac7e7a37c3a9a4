import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchClient, BatchJob } from '../../clouds/azure/batch';
import { azureFailure } from '../../clouds/azure/failure';
import type { LogEvent } from '../../core/deployment';
import { taggedFor, type Owner } from '../../core/owner';
import type { DeploymentRecord } from '../../core/records/record';
import { RESULT_MARK } from '../image/jobContainer';
import type { LogOptions, TargetContext } from '../Target';
import { recordDataPlane } from './clients';
import { metadataTags } from './jobs';

/** Jobs whose finished tasks a plain `rdeploy logs` shows. */
const RECENT_JOBS = 3;
/** Tasks per job shown (a map has one per chunk: the last few say enough). */
const TASKS_PER_JOB = 5;
const LOOK_MS = 2_000;
const FILES = [
  { file: 'stdout.txt', stream: 'stdout' },
  { file: 'stderr.txt', stream: 'stderr' },
] as const;

/** The deployment's jobs (invoke, map and scheduled ones carry its metadata), oldest first. */
export async function deploymentJobs(data: BatchClient, owner: Owner, signal?: AbortSignal): Promise<BatchJob[]> {
  const jobs = await data.listJobs(signal ? { signal } : {});
  return jobs.filter((j) => taggedFor(metadataTags(j.metadata), owner)).sort((a, b) => (a.creationTime ?? '').localeCompare(b.creationTime ?? ''));
}

/**
 * The logs of the deployment's tasks. Past: stdout.txt and stderr.txt of the latest jobs'
 * finished tasks. With follow: every task that runs, its files read as they grow with ranged
 * reads (tailTaskFile), each line once, until cancelled.
 */
export async function* batchLogs(record: DeploymentRecord, opts: LogOptions, ctx: TargetContext): AsyncIterable<LogEvent> {
  const { data } = await recordDataPlane({ ...ctx, record });
  const owner = { root: record.projectRoot, name: record.name };
  const signal = opts.signal ?? ctx.signal;
  const past: LogEvent[] = [];
  const shown = new Set<string>();
  try {
    for (const job of (await deploymentJobs(data, owner, signal)).slice(-RECENT_JOBS)) {
      const tasks = (await data.listTasks(job.id, { select: ['id', 'state', 'executionInfo'] as const, ...(signal ? { signal } : {}) })).filter((t) => t.state === 'completed').slice(-TASKS_PER_JOB);
      for (const t of tasks) {
        shown.add(`${job.id}/${t.id}`);
        const at = t.executionInfo?.endTime ?? job.creationTime ?? new Date().toISOString();
        past.push({ timestamp: at, stream: 'stdout', message: `--- ${job.id} / ${t.id} (exit ${t.executionInfo?.exitCode ?? '?'}) ---` });
        for (const { file, stream } of FILES) {
          const text = await data.readTaskFile(job.id, t.id, file, undefined, signal ? { signal } : {}).then((r) => Buffer.from(r.bytes).toString('utf8')).catch(() => '');
          for (const line of lines(text)) past.push({ timestamp: at, stream, message: line });
        }
      }
    }
  } catch (e) {
    throw azureFailure(`Reading the task files of ${record.name}`, e);
  }
  const tail = opts.tail === undefined ? past : opts.tail <= 0 ? [] : past.slice(-opts.tail);
  yield* tail;
  if (!opts.follow) return;
  yield* followTasks(data, owner, shown, signal);
}

/** Every running task's files as they grow, merged as the lines come. */
async function* followTasks(data: BatchClient, owner: Owner, shown: Set<string>, signal?: AbortSignal): AsyncIterable<LogEvent> {
  const queue: LogEvent[] = [];
  let wake: (() => void) | undefined;
  const push = (e: LogEvent) => {
    queue.push(e);
    wake?.();
  };
  const tails = new Set<string>();
  // A minute early: the service's clock and ours may differ a little.
  const since = new Date(Date.now() - 60_000).toISOString();
  const tailFile = async (jobId: string, taskId: string, file: string, stream: 'stdout' | 'stderr') => {
    let partial = '';
    try {
      for await (const chunk of data.tailTaskFile(jobId, taskId, file, { ...(signal ? { signal } : {}), pollMs: LOOK_MS })) {
        const text = partial + chunk.text;
        const parts = text.split(/\r?\n/);
        partial = parts.pop() ?? '';
        for (const line of parts) if (!line.startsWith(RESULT_MARK)) push({ timestamp: new Date().toISOString(), stream, message: line });
      }
      if (partial && !partial.startsWith(RESULT_MARK)) push({ timestamp: new Date().toISOString(), stream, message: partial });
    } catch {
      // the task or its node went away: nothing more to read
    }
  };
  const look = async () => {
    while (!signal?.aborted) {
      try {
        // Active jobs, and those made since the follow began (a short task may be done before a look sees it run).
        const jobs = (await deploymentJobs(data, owner, signal)).filter((j) => j.state === 'active' || (j.creationTime ?? '') >= since);
        for (const job of jobs) {
          for (const t of await data.listTasks(job.id, { filter: "state ne 'active'", select: ['id', 'state'] as const, ...(signal ? { signal } : {}) })) {
            const key = `${job.id}/${t.id}`;
            if (tails.has(key) || shown.has(key)) continue;
            tails.add(key);
            push({ timestamp: new Date().toISOString(), stream: 'stdout', message: `--- ${job.id} / ${t.id} ---` });
            for (const { file, stream } of FILES) void tailFile(job.id, t.id, file, stream);
          }
        }
      } catch {
        // a look that failed is tried again at the next one
      }
      await sleep(LOOK_MS, undefined, signal ? { signal } : {}).catch(() => undefined);
    }
    wake?.();
  };
  void look();
  while (!signal?.aborted) {
    if (queue.length === 0) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    while (queue.length) yield queue.shift()!;
  }
}

/** A file's lines without the framed result (a machine line; the JSON line above it says the same). */
const lines = (text: string): string[] => text.split(/\r?\n/).filter((l, i, all) => !(l === '' && i === all.length - 1) && !l.startsWith(RESULT_MARK));
