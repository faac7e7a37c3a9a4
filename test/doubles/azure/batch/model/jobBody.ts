import { invalidProperty, missingProperty } from '../data/errors';
import type { AccountState } from './Account';
import { checkId, Fields, isObject, iso, MAX_DURATION } from './common';
import type { JobRecord } from './types';

/**
 * Jobs as BatchJobCreateContent and BatchJobSpecification (a schedule's template) send them and
 * BatchJob shows them. The pool is named by poolInfo.poolId; auto pools are refused with a reason
 * naming the double. A Job Manager Task is validated here and becomes the job's first task.
 */
export type JobFields = Omit<JobRecord, 'id' | 'eTag' | 'lastModified' | 'creationTime' | 'state' | 'stateTransitionTime' | 'executionInfo' | 'tasks' | 'scheduleId'>;

export function parseJobBody(body: unknown, prefix = ''): { id?: unknown; fields: JobFields } {
  if (!isObject(body)) throw missingProperty(`${prefix}poolInfo`);
  const f = new Fields(body, prefix.replace(/\.$/, ''));
  const {
    id,
    displayName: _d,
    usesTaskDependencies: _u,
    priority: _p,
    allowTaskPreemption: _a,
    maxParallelTasks: _m,
    constraints: _c,
    jobManagerTask: _j,
    commonEnvironmentSettings: _e,
    poolInfo: _pi,
    onAllTasksComplete: _o,
    onTaskFailure: _of,
    metadata: _md,
    ...extra
  } = body;
  const poolInfo = f.object('poolInfo');
  if (!poolInfo) throw missingProperty(`${prefix}poolInfo`);
  if (poolInfo.has('autoPoolSpecification')) throw invalidProperty(`${prefix}poolInfo.autoPoolSpecification`, poolInfo.raw('autoPoolSpecification'), 'Auto pools are not served by the Azure Batch test double; name an existing pool with poolId.');
  const poolId = poolInfo.string('poolId');
  if (!poolId) throw missingProperty(`${prefix}poolInfo.poolId`);
  const maxParallelTasks = f.int('maxParallelTasks') ?? -1;
  if (maxParallelTasks === 0 || maxParallelTasks < -1) throw invalidProperty(`${prefix}maxParallelTasks`, maxParallelTasks, 'The value of maxParallelTasks must be -1 or greater than 0.');
  const constraints = f.object('constraints');
  const manager = f.object('jobManagerTask');
  if (manager) checkJobManager(manager);
  return {
    id,
    fields: {
      ...(f.string('displayName') !== undefined ? { displayName: f.string('displayName')! } : {}),
      priority: f.int('priority', { min: -1000, max: 1000 }) ?? 0,
      allowTaskPreemption: f.bool('allowTaskPreemption') ?? false,
      maxParallelTasks,
      usesTaskDependencies: f.bool('usesTaskDependencies') ?? false,
      constraints: { maxWallClockTime: constraints?.duration('maxWallClockTime') ?? MAX_DURATION, maxTaskRetryCount: constraints?.int('maxTaskRetryCount', { min: -1 }) ?? 0 },
      ...(manager ? { jobManagerTask: manager.json } : {}),
      commonEnvironmentSettings: f.pairs('commonEnvironmentSettings', false) ?? [],
      poolId,
      onAllTasksComplete: f.oneOf('onAllTasksComplete', ['noaction', 'terminatejob'] as const) ?? 'noaction',
      onTaskFailure: f.oneOf('onTaskFailure', ['noaction', 'performexitoptionsjobaction'] as const) ?? 'noaction',
      metadata: (f.pairs('metadata', true) ?? []) as Array<{ name: string; value: string }>,
      extra,
    },
  };
}

function checkJobManager(m: Fields): void {
  checkId(m.raw('id'), `${m.path}.id`);
  if (m.string('commandLine') === undefined) throw missingProperty(`${m.path}.commandLine`);
}

export function jobView(account: AccountState, job: JobRecord): Record<string, unknown> {
  return {
    id: job.id,
    ...(job.displayName !== undefined ? { displayName: job.displayName } : {}),
    usesTaskDependencies: job.usesTaskDependencies,
    url: `${account.url}/jobs/${job.id}`,
    eTag: job.eTag,
    lastModified: iso(job.lastModified),
    creationTime: iso(job.creationTime),
    state: job.state,
    stateTransitionTime: iso(job.stateTransitionTime),
    ...(job.previousState ? { previousState: job.previousState, previousStateTransitionTime: iso(job.previousStateTransitionTime!) } : {}),
    priority: job.priority,
    allowTaskPreemption: job.allowTaskPreemption,
    maxParallelTasks: job.maxParallelTasks,
    constraints: job.constraints,
    ...(job.jobManagerTask ? { jobManagerTask: withoutPassword(job.jobManagerTask) } : {}),
    ...(job.commonEnvironmentSettings.length ? { commonEnvironmentSettings: job.commonEnvironmentSettings } : {}),
    poolInfo: { poolId: job.poolId },
    onAllTasksComplete: job.onAllTasksComplete,
    onTaskFailure: job.onTaskFailure,
    ...(job.metadata.length ? { metadata: job.metadata } : {}),
    ...job.extra,
    executionInfo: {
      startTime: iso(job.executionInfo.startTime),
      ...(job.executionInfo.endTime !== undefined ? { endTime: iso(job.executionInfo.endTime) } : {}),
      poolId: job.executionInfo.poolId,
      ...(job.executionInfo.terminateReason ? { terminateReason: job.executionInfo.terminateReason } : {}),
    },
  };
}

/** A task definition as shown back: the service never returns a container registry's password. */
export function withoutPassword(task: Record<string, unknown>): Record<string, unknown> {
  const cs = task.containerSettings;
  if (!isObject(cs) || !isObject(cs.registry)) return task;
  const { password: _p, ...registry } = cs.registry;
  return { ...task, containerSettings: { ...cs, registry } };
}
