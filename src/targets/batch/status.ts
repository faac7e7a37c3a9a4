import { nodeCounts, type BatchNodeCounts } from '../../clouds/azure/batch';
import { azureFailure } from '../../clouds/azure/failure';
import type { Status } from '../../core/deployment';
import type { DeploymentRecord } from '../../core/records/record';
import type { RunSummary, TargetContext } from '../Target';
import { recordDataPlane } from './clients';
import { batchRecordDetails } from './details';
import { deploymentJobs } from './logs';

const isGone = (e: unknown) => (e as { statusCode?: number } | null)?.statusCode === 404;

/** "2 running, 1 idle" of the states with nodes in them. */
function countsText(c: BatchNodeCounts): string {
  return Object.entries(c)
    .filter(([state, n]) => state !== 'total' && n > 0)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
}

/** The pool's nodes by state (dedicated and Spot), what its formula last decided, and the schedule's next run. */
export async function batchStatus(record: DeploymentRecord, ctx: TargetContext): Promise<Status> {
  const { data, poolId } = await recordDataPlane({ ...ctx, record });
  const d = batchRecordDetails(record.details);
  let pool;
  try {
    pool = await data.getPool(poolId);
  } catch (e) {
    if (isGone(e)) return { state: 'missing', detail: `the pool ${poolId} no longer exists in ${d.account ?? 'the account'}` };
    throw azureFailure(`Reading the pool ${poolId}`, e);
  }
  const counts = nodeCounts(await data.listNodes(poolId, { select: ['state', 'isDedicated'] as const }));
  const nodes = [countsText(counts.dedicated) && `dedicated: ${countsText(counts.dedicated)}`, countsText(counts.lowPriority) && `Spot: ${countsText(counts.lowPriority)}`].filter(Boolean).join('; ') || 'no nodes';
  const formula = pool.autoScaleRun?.error ? `autoscale error ${pool.autoScaleRun.error.code ?? ''}: ${pool.autoScaleRun.error.message ?? ''}` : pool.autoScaleRun?.results ? `autoscale: ${targets(pool.autoScaleRun.results)}` : '';
  let next = '';
  if (d.jobScheduleId) {
    try {
      const s = await data.getJobSchedule(d.jobScheduleId);
      next = s.executionInfo?.nextRunTime ? `next run ${new Date(s.executionInfo.nextRunTime).toISOString()}` : `schedule ${s.state}`;
    } catch (e) {
      next = isGone(e) ? 'the job schedule is gone' : '';
    }
  }
  const detail = [`${pool.allocationState ?? pool.state} · ${nodes}`, formula, next].filter(Boolean).join(' · ');
  if (pool.state !== 'active') return { state: 'stopped', detail };
  if (pool.allocationState === 'resizing') return { state: 'starting', detail };
  return { state: 'running', detail };
}

/** "$TargetDedicatedNodes=2;$TargetLowPriorityNodes=0;…" → "2 dedicated, 0 Spot". */
function targets(results: string): string {
  const value = (name: string) => results.split(';').map((p) => p.split('=')).find(([k]) => k?.trim() === name)?.[1];
  return `${value('$TargetDedicatedNodes') ?? '?'} dedicated, ${value('$TargetLowPriorityNodes') ?? '?'} Spot`;
}

const RUN_STATUS: Record<string, RunSummary['status']> = { active: 'Running', terminating: 'Running', disabling: 'Running', disabled: 'Paused', enabling: 'Running', deleting: 'Cancelled' };

/** The deployment's recent jobs (scheduled, invoke, map), newest first, each task's state when asked. */
export async function batchRuns(record: DeploymentRecord, opts: { top: number; withActions?: boolean }, ctx: TargetContext): Promise<RunSummary[]> {
  const { data } = await recordDataPlane({ ...ctx, record });
  const owner = { root: record.projectRoot, name: record.name };
  try {
    const jobs = (await deploymentJobs(data, owner, ctx.signal)).reverse().slice(0, opts.top);
    const out: RunSummary[] = [];
    for (const job of jobs) {
      const tasks = await data.listTasks(job.id, { select: ['id', 'state', 'executionInfo'] as const });
      const failed = tasks.some((t) => t.executionInfo?.result === 'failure');
      const status: RunSummary['status'] = job.state === 'completed' ? (job.executionInfo?.terminateReason === 'UserTerminate' ? 'Cancelled' : failed ? 'Failed' : 'Succeeded') : (RUN_STATUS[job.state] ?? 'Running');
      const start = job.executionInfo?.startTime ?? job.creationTime;
      const end = job.executionInfo?.endTime;
      out.push({
        id: job.id,
        status,
        ...(start ? { startTime: new Date(start).toISOString() } : {}),
        ...(end ? { endTime: new Date(end).toISOString() } : {}),
        ...(start && end ? { durationMs: Date.parse(end) - Date.parse(start) } : {}),
        trigger: /-invoke-/.test(job.id) ? 'invoke' : /-map-/.test(job.id) ? 'map' : 'schedule',
        ...(opts.withActions ? { actions: tasks.map((t) => ({ name: t.id, status: t.state === 'completed' ? (t.executionInfo?.result === 'failure' ? `Failed (exit ${t.executionInfo.exitCode ?? '?'})` : 'Succeeded') : t.state })) } : {}),
      });
    }
    return out;
  } catch (e) {
    throw azureFailure(`Reading the jobs of ${record.name}`, e);
  }
}
