import {
  activeJobQuotaReached,
  invalidProperty,
  jobScheduleBeingDeleted,
  jobScheduleBeingTerminated,
  jobScheduleCompleted,
  jobScheduleExists,
  jobScheduleNotFound,
  jobWithSameIdExists,
  missingProperty,
} from '../data/errors';
import type { AccountState } from './Account';
import { checkId, durationMs, Fields, isObject, iso, newETag } from './common';
import { parseJobBody, withoutPassword } from './jobBody';
import type { Jobs } from './Jobs';
import type { JobRecord, ScheduleRecord, ScheduleState } from './types';

/**
 * Job schedules (BatchJobScheduleCreateContent / BatchJobSchedule, 2025-06-01). The double does
 * not keep a clock of its own for recurrences: a test calls fireSchedule(id) where the service
 * would start the next job, and gets the job the service would have made — `{scheduleId}:job-{n}`,
 * from the schedule's jobSpecification, with its Job Manager Task — unless the schedule already
 * has an active job (at most one at a time), is not active, or is past doNotRunAfter. A schedule
 * without recurrenceInterval makes its one job at once (or on fireSchedule if doNotRunUntil is
 * ahead) and completes when that job does.
 */
const MIN_INTERVAL_MS = 60_000;

export class Schedules {
  constructor(
    private readonly account: AccountState,
    private readonly jobs: Jobs,
  ) {}

  get(id: string): ScheduleRecord {
    const s = this.account.schedule(id);
    if (!s) throw jobScheduleNotFound();
    return s;
  }

  create(body: unknown): ScheduleRecord {
    if (!isObject(body)) throw missingProperty('id');
    const id = checkId(body.id);
    const { schedule, jobSpecification, metadata, displayName } = parseSchedule(body);
    if (this.account.schedule(id)) throw jobScheduleExists();
    if (this.account.job(id)) throw jobWithSameIdExists();
    if (this.account.activeJobsAndSchedules() >= this.account.settings.activeJobAndJobScheduleQuota) throw activeJobQuotaReached();
    const now = this.account.settings.now();
    const record: ScheduleRecord = {
      id,
      ...(displayName !== undefined ? { displayName } : {}),
      eTag: newETag(),
      lastModified: now,
      creationTime: now,
      state: 'active',
      stateTransitionTime: now,
      schedule,
      jobSpecification,
      metadata,
      jobCount: 0,
      nextRunTime: schedule.doNotRunUntil ? Math.max(now, Date.parse(schedule.doNotRunUntil)) : now,
    };
    this.account.schedules.set(id.toLowerCase(), record);
    if (!schedule.recurrenceInterval && record.nextRunTime! <= now) this.fire(record);
    return record;
  }

  /** The job the service would start now, or undefined when it would start none. */
  fire(s: ScheduleRecord): JobRecord | undefined {
    const now = this.account.settings.now();
    if (s.state !== 'active') return undefined;
    if (s.schedule.doNotRunAfter && Date.parse(s.schedule.doNotRunAfter) < now) return undefined;
    const recent = s.recentJobId ? this.account.job(s.recentJobId) : undefined;
    if (recent && recent.state !== 'completed') return undefined;
    const { fields } = parseJobBody(s.jobSpecification, 'jobSpecification.');
    s.jobCount += 1;
    const job = this.jobs.add(`${s.id}:job-${s.jobCount}`, fields, s.id);
    s.recentJobId = job.id;
    const every = s.schedule.recurrenceInterval ? durationMs(s.schedule.recurrenceInterval)! : undefined;
    if (every) s.nextRunTime = Math.max(now, s.nextRunTime ?? now) + every;
    else delete s.nextRunTime;
    return job;
  }

  /** A job of the schedule completed (or was deleted). */
  jobEnded(job: JobRecord): void {
    const s = job.scheduleId ? this.account.schedule(job.scheduleId) : undefined;
    if (!s) return;
    if (s.state === 'terminating' || (s.state === 'active' && !s.schedule.recurrenceInterval)) this.setState(s, 'completed');
  }

  terminate(s: ScheduleRecord): void {
    this.mutable(s);
    this.setState(s, 'terminating');
    const active = this.jobsOf(s).filter((j) => j.state === 'active');
    for (const job of active) this.jobs.terminate(job, 'TerminateJobSchedule');
    if (s.state === 'terminating') this.setState(s, 'completed');
  }

  delete(s: ScheduleRecord): void {
    if (s.state === 'deleting') throw jobScheduleBeingDeleted();
    this.setState(s, 'deleting');
    for (const job of this.jobsOf(s)) this.jobs.delete(job);
    this.account.schedules.delete(s.id.toLowerCase());
  }

  disable(s: ScheduleRecord): void {
    this.mutable(s);
    this.setState(s, 'disabled');
  }

  enable(s: ScheduleRecord): void {
    this.mutable(s);
    if (s.state === 'disabled') this.setState(s, 'active');
  }

  /** Update (PATCH: only what is given) or Replace (PUT: everything). */
  update(s: ScheduleRecord, body: unknown, replace: boolean): void {
    this.mutable(s);
    if (!isObject(body)) throw missingProperty('jobSpecification');
    const f = new Fields(body);
    if (replace || f.has('schedule')) s.schedule = parseRecurrence(f.object('schedule'));
    if (replace || f.has('jobSpecification')) {
      const spec = f.raw('jobSpecification');
      if (!isObject(spec)) throw missingProperty('jobSpecification');
      parseJobBody(spec, 'jobSpecification.');
      s.jobSpecification = spec;
    }
    if (replace || f.has('metadata')) s.metadata = (f.pairs('metadata', true) ?? []) as Array<{ name: string; value: string }>;
    s.eTag = newETag();
    s.lastModified = this.account.settings.now();
  }

  jobsOf(s: ScheduleRecord): JobRecord[] {
    return [...this.account.jobs.values()].filter((j) => j.scheduleId?.toLowerCase() === s.id.toLowerCase());
  }

  view(s: ScheduleRecord): Record<string, unknown> {
    const { fields } = parseJobBody(s.jobSpecification, 'jobSpecification.');
    const { poolId, jobManagerTask, commonEnvironmentSettings, metadata, extra, ...rest } = fields;
    const recent = s.recentJobId;
    return {
      id: s.id,
      ...(s.displayName !== undefined ? { displayName: s.displayName } : {}),
      url: `${this.account.url}/jobschedules/${s.id}`,
      eTag: s.eTag,
      lastModified: iso(s.lastModified),
      creationTime: iso(s.creationTime),
      state: s.state,
      stateTransitionTime: iso(s.stateTransitionTime),
      ...(s.previousState ? { previousState: s.previousState, previousStateTransitionTime: iso(s.previousStateTransitionTime!) } : {}),
      schedule: s.schedule,
      jobSpecification: {
        ...rest,
        ...(jobManagerTask ? { jobManagerTask: withoutPassword(jobManagerTask) } : {}),
        ...(commonEnvironmentSettings.length ? { commonEnvironmentSettings } : {}),
        poolInfo: { poolId },
        ...(metadata.length ? { metadata } : {}),
        ...extra,
      },
      executionInfo: {
        ...(s.nextRunTime !== undefined && s.state === 'active' ? { nextRunTime: iso(s.nextRunTime) } : {}),
        ...(recent ? { recentJob: { id: recent, url: `${this.account.url}/jobs/${recent}` } } : {}),
        ...(s.endTime !== undefined ? { endTime: iso(s.endTime) } : {}),
      },
      ...(s.metadata.length ? { metadata: s.metadata } : {}),
    };
  }

  private mutable(s: ScheduleRecord): void {
    if (s.state === 'deleting') throw jobScheduleBeingDeleted();
    if (s.state === 'terminating') throw jobScheduleBeingTerminated();
    if (s.state === 'completed') throw jobScheduleCompleted();
  }

  private setState(s: ScheduleRecord, state: ScheduleState): void {
    const now = this.account.settings.now();
    s.previousState = s.state;
    s.previousStateTransitionTime = s.stateTransitionTime;
    s.state = state;
    s.stateTransitionTime = now;
    if (state === 'completed') s.endTime = now;
    s.eTag = newETag();
    s.lastModified = now;
  }
}

function parseSchedule(body: Record<string, unknown>) {
  const f = new Fields(body);
  const spec = f.raw('jobSpecification');
  if (!isObject(spec)) throw missingProperty('jobSpecification');
  parseJobBody(spec, 'jobSpecification.');
  const schedule = f.object('schedule');
  if (!schedule) throw missingProperty('schedule');
  return {
    displayName: f.string('displayName'),
    schedule: parseRecurrence(schedule),
    jobSpecification: spec,
    metadata: (f.pairs('metadata', true) ?? []) as Array<{ name: string; value: string }>,
  };
}

function parseRecurrence(f: Fields | undefined): ScheduleRecord['schedule'] {
  if (!f) return {};
  const time = (key: string) => {
    const v = f.string(key);
    if (v !== undefined && Number.isNaN(Date.parse(v))) throw invalidProperty(`schedule.${key}`, v, 'The value must be a date-time.');
    return v;
  };
  const doNotRunUntil = time('doNotRunUntil');
  const doNotRunAfter = time('doNotRunAfter');
  const startWindow = f.duration('startWindow', { minMs: MIN_INTERVAL_MS });
  const recurrenceInterval = f.duration('recurrenceInterval', { minMs: MIN_INTERVAL_MS });
  return {
    ...(doNotRunUntil ? { doNotRunUntil } : {}),
    ...(doNotRunAfter ? { doNotRunAfter } : {}),
    ...(startWindow ? { startWindow } : {}),
    ...(recurrenceInterval ? { recurrenceInterval } : {}),
  };
}
