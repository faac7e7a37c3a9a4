import { Fields, isObject } from '../../model/common';
import { jobView } from '../../model/jobBody';
import type { JobRecord } from '../../model/types';
import { invalidProperty } from '../errors';
import { list } from '../odata';
import { created, DataRouter, done, entity, type DataRequest } from '../router';

/**
 * Jobs on the data plane (2025-06-01): Create, Get, List, List from a schedule, Update (PATCH),
 * Delete, Terminate, and task counts.
 */
export function registerJobRoutes(router: DataRouter): void {
  const job = (r: DataRequest) => r.svc.jobs.get(r.params.jobId!);
  const url = (r: DataRequest, j: JobRecord) => `${r.svc.state.url}/jobs/${j.id}`;

  router.add('POST', '/jobs', 'Jobs_CreateJob', (r) => {
    const j = r.svc.jobs.create(r.body);
    return created(url(r, j), j.eTag, j.lastModified);
  });

  router.add('GET', '/jobs', 'Jobs_ListJobs', (r) => ({
    status: 200,
    body: list([...r.svc.state.jobs.values()].map((j) => jobView(r.svc.state, j)), r.query, r.svc.state.url, '/jobs'),
  }));

  router.add('GET', '/jobschedules/{jobScheduleId}/jobs', 'Jobs_ListJobsFromSchedule', (r) => {
    const s = r.svc.schedules.get(r.params.jobScheduleId!);
    return { status: 200, body: list(r.svc.schedules.jobsOf(s).map((j) => jobView(r.svc.state, j)), r.query, r.svc.state.url, `/jobschedules/${s.id}/jobs`) };
  });

  router.add('GET', '/jobs/{jobId}', 'Jobs_GetJob', (r) => {
    const j = job(r);
    return entity(r.svc, 'jobs', jobView(r.svc.state, j), j.eTag, j.lastModified);
  });

  router.add('PATCH', '/jobs/{jobId}', 'Jobs_UpdateJob', (r) => {
    const j = job(r);
    updateJob(r, j);
    return done(200, url(r, j), j.eTag, j.lastModified);
  });

  router.add('DELETE', '/jobs/{jobId}', 'Jobs_DeleteJob', (r) => {
    r.svc.jobs.delete(job(r));
    return { status: 202 };
  });

  router.add('POST', '/jobs/{jobId}/terminate', 'Jobs_TerminateJob', (r) => {
    const j = job(r);
    const reason = isObject(r.body) ? new Fields(r.body).string('terminateReason') : undefined;
    r.svc.jobs.terminate(j, reason ?? 'UserTerminate');
    return done(202, url(r, j));
  });

  router.add('GET', '/jobs/{jobId}/taskcounts', 'Jobs_GetJobTaskCounts', (r) => {
    const tasks = [...job(r).tasks.values()];
    const tally = (weight: (t: (typeof tasks)[number]) => number) => ({
      active: sum(tasks.filter((t) => t.state === 'active'), weight),
      running: sum(tasks.filter((t) => t.state === 'running' || t.state === 'preparing'), weight),
      completed: sum(tasks.filter((t) => t.state === 'completed'), weight),
      succeeded: sum(tasks.filter((t) => t.executionInfo.result === 'success'), weight),
      failed: sum(tasks.filter((t) => t.executionInfo.result === 'failure'), weight),
    });
    return { status: 200, body: { taskCounts: tally(() => 1), taskSlotCounts: tally((t) => t.spec.requiredSlots) } };
  });
}

function sum<T>(items: T[], weight: (t: T) => number): number {
  return items.reduce((a, t) => a + weight(t), 0);
}

/** Update Job (PATCH): only what is given changes; onAllTasksComplete cannot go back from terminatejob. */
function updateJob(r: DataRequest, j: JobRecord): void {
  if (!isObject(r.body)) return;
  r.svc.jobs.acceptsTasks(j);
  const f = new Fields(r.body);
  const priority = f.int('priority', { min: -1000, max: 1000 });
  const maxParallel = f.int('maxParallelTasks');
  if (maxParallel !== undefined && (maxParallel === 0 || maxParallel < -1)) throw invalidProperty('maxParallelTasks', maxParallel, 'The value of maxParallelTasks must be -1 or greater than 0.');
  const onAll = f.oneOf('onAllTasksComplete', ['noaction', 'terminatejob'] as const);
  if (onAll === 'noaction' && j.onAllTasksComplete === 'terminatejob') throw invalidProperty('onAllTasksComplete', onAll, 'Once automatic job termination is engaged (terminatejob) it cannot be turned off.');
  if (f.has('poolInfo') && j.state !== 'disabled') throw invalidProperty('poolInfo', f.raw('poolInfo'), 'The pool of a job can be changed only while the job is disabled.');
  const constraints = f.object('constraints');
  if (priority !== undefined) j.priority = priority;
  if (maxParallel !== undefined) j.maxParallelTasks = maxParallel;
  if (f.has('allowTaskPreemption')) j.allowTaskPreemption = f.bool('allowTaskPreemption')!;
  if (constraints) j.constraints = { maxWallClockTime: constraints.duration('maxWallClockTime') ?? j.constraints.maxWallClockTime, maxTaskRetryCount: constraints.int('maxTaskRetryCount', { min: -1 }) ?? j.constraints.maxTaskRetryCount };
  if (f.has('metadata')) j.metadata = f.pairs('metadata', true) as Array<{ name: string; value: string }>;
  r.svc.jobs.touch(j);
  if (onAll) r.svc.jobs.setOnAllTasksComplete(j, onAll);
  r.svc.scheduler.kick();
}
