import { createHash } from 'node:crypto';

/*
 * Names of what the batch target creates. Batch ids (pools, job schedules, jobs, tasks) take
 * letters, digits, hyphens and underscores, at most 64 characters, case-insensitive in the
 * account; the owner metadata tells one project's deployment from another's, so a name only
 * has to be valid, stable, and readable.
 */

/** Batch's id limit for pools, job schedules, jobs and tasks. */
export const MAX_ID = 64;

/** `prefix + name + suffix`, with the name cut and a short hash of it added when the whole would pass `max`. */
function bounded(prefix: string, name: string, suffix: string, max = MAX_ID): string {
  const whole = `${prefix}${name}${suffix}`;
  if (whole.length <= max) return whole;
  const mark = createHash('sha256').update(name).digest('hex').slice(0, 6);
  const room = max - prefix.length - suffix.length - mark.length - 1;
  return `${prefix}${name.slice(0, room).replace(/-+$/, '')}-${mark}${suffix}`;
}

/** The deployment's pool (its ARM name and its data-plane id are the same). */
export const poolId = (name: string): string => bounded('rdeploy-', name, '');

/** The deployment's job schedule. */
export const jobScheduleId = (name: string): string => bounded('rdeploy-', name, '-schedule');

/** A one-off job of the deployment (invoke, map): the run id (12 characters) keeps each new. */
export const runJobId = (name: string, kind: 'invoke' | 'map', runId: string): string => bounded('rdeploy-', name, `-${kind}-${runId}`);

/** The one task of an invoke job. */
export const INVOKE_TASK_ID = 'invoke';

/** A map job's task per chunk or array element (counted from 1, as the output's records), padded so they list in order. */
export const chunkTaskId = (index: number): string => `chunk-${String(index).padStart(7, '0')}`;

/** The scheduled job's job manager task. */
export const SCHEDULED_TASK_ID = 'scheduled';

/** The repository the image goes to in the registry. */
export const repositoryPath = (name: string): string => `rdeploy/${name}`;

/** The user-assigned identity the pool's nodes pull the image as (AcrPull on the registry, nothing else). */
export const pullIdentityName = (name: string): string => `rdeploy-${name}-pull`;
