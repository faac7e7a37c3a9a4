import { setTimeout as sleep } from 'node:timers/promises';
import { BatchError } from '../../clouds/azure/batch';
import { azureFailure } from '../../clouds/azure/failure';
import { taggedFor } from '../../core/owner';
import type { ResourceKind, TargetContext } from '../Target';
import { isNotFound, tagOwnership } from '../azure/ownership';
import { pullIdentityKind, registryImageKind, roleAssignmentKind, type AzureRecordAccess } from '../azure/resources';
import { batchClients, dataPlane, recordScope } from './clients';
import { batchRecordDetails } from './details';
import { metadataTags } from './jobs';
import { jobScheduleId, poolId, pullIdentityName } from './names';

// Ids: the image as registry/repository:tag, the pull identity by name, role assignments by ARM
// id, the pool, the job schedule and jobs by their Batch ids in the record's account. Pools,
// schedules and jobs carry the owner in their metadata (they have no ARM tags).

const detailsOf = (ctx: TargetContext) => (ctx.record ? batchRecordDetails(ctx.record.details) : {});

const access: AzureRecordAccess = {
  clients: (ctx) => batchClients(ctx, recordScope(ctx)),
  resourceGroup: (ctx) => detailsOf(ctx).resourceGroup,
  // The Batch target pushes only to Azure Container Registry, with the user's Entra token.
  registryAuth: () => 'identity',
};

export const imageResource = registryImageKind(access);
export const pullIdentityResource = pullIdentityKind(access, pullIdentityName);
export const roleAssignmentResource = roleAssignmentKind(access);

/** The account the record names, or undefined when the deploy stopped before it knew. */
function account(ctx: TargetContext): { resourceGroup: string; account: string; endpoint?: string } | undefined {
  const d = detailsOf(ctx);
  return d.resourceGroup && d.account ? { resourceGroup: d.resourceGroup, account: d.account, ...(d.accountEndpoint ? { endpoint: d.accountEndpoint } : {}) } : undefined;
}

const isGone = (e: unknown) => isNotFound(e) || (e instanceof BatchError && e.statusCode === 404);

/** The deployment's pool, made and deleted through Resource Manager (it carries the pull identity). */
export const poolResource: ResourceKind = {
  billable: true,
  async ownership(id, owner, ctx) {
    const a = account(ctx);
    if (!a) return 'gone';
    const { batch } = await batchClients(ctx, recordScope(ctx));
    try {
      const pool = await batch.poolOperations.get(a.resourceGroup, a.account, id);
      return tagOwnership({ tags: metadataTags(pool.metadata as Array<{ name: string; value: string }> | undefined) }, owner);
    } catch (e) {
      if (isNotFound(e)) return 'gone';
      throw azureFailure(`Reading the pool ${id}`, e);
    }
  },
  async remove(id, ctx) {
    const a = account(ctx);
    if (!a) return;
    const { batch } = await batchClients(ctx, recordScope(ctx));
    try {
      // Its nodes go with it; a task still running is stopped (destroy asked for it).
      await batch.poolOperations.beginDeleteAndWait(a.resourceGroup, a.account, id, { abortSignal: ctx.signal, updateIntervalInMs: 5_000 });
    } catch (e) {
      if (!isNotFound(e)) throw azureFailure(`Deleting the pool ${id}`, e);
    }
  },
  async find(owner, ctx) {
    const a = account(ctx);
    if (!a) return [];
    const id = poolId(owner.name);
    return (await poolResource.ownership(id, owner, ctx)) === 'ours' ? [id] : [];
  },
  describe: (id, record) => `Batch pool ${id} (${batchRecordDetails(record.details).account ?? '?'})`,
};

/** The record's data plane (undefined: the deploy never reached the account). */
async function dataOf(ctx: TargetContext) {
  const a = account(ctx);
  if (!a?.endpoint) return undefined;
  return dataPlane(await batchClients(ctx, recordScope(ctx)), a.endpoint);
}

/** How long a deleted job schedule or job may take to go (Batch deletes them in the background). */
const DELETE_WAIT_MS = 120_000;

/** Waits until `exists` says no (deleting is asynchronous in Batch: a new one of the same id is refused meanwhile). */
async function untilGone(exists: () => Promise<boolean>, signal?: AbortSignal): Promise<void> {
  const end = Date.now() + DELETE_WAIT_MS;
  while ((await exists()) && Date.now() < end) await sleep(2_000, undefined, signal ? { signal } : {});
}

/** The job schedule (its jobs go with it). */
export const scheduleResource: ResourceKind = {
  billable: false,
  async ownership(id, owner, ctx) {
    const data = await dataOf(ctx);
    if (!data) return 'gone';
    try {
      const schedule = await data.getJobSchedule(id, ctx.signal ? { signal: ctx.signal } : {});
      return taggedFor(metadataTags(schedule.metadata), owner) ? 'ours' : 'theirs';
    } catch (e) {
      if (isGone(e)) return 'gone';
      throw azureFailure(`Reading the job schedule ${id}`, e);
    }
  },
  async remove(id, ctx) {
    const data = await dataOf(ctx);
    if (!data) return;
    try {
      await data.deleteJobSchedule(id, { force: true, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      await untilGone(() => data.jobScheduleExists(id), ctx.signal);
    } catch (e) {
      if (!isGone(e)) throw azureFailure(`Deleting the job schedule ${id}`, e);
    }
  },
  async find(owner, ctx) {
    const data = await dataOf(ctx);
    if (!data) return [];
    const id = jobScheduleId(owner.name);
    return (await scheduleResource.ownership(id, owner, ctx)) === 'ours' ? [id] : [];
  },
  describe: (id) => `Batch job schedule ${id}`,
};

/**
 * The one-off jobs of invoke and map. Never recorded (each call makes its own, a few are kept
 * for the tree); every destroy looks for the deployment's metadata. They cost nothing
 * themselves: their tasks run on the pool, which destroy removes.
 */
export const jobResource: ResourceKind = {
  billable: false,
  unrecorded: true,
  async ownership(id, owner, ctx) {
    const data = await dataOf(ctx);
    if (!data) return 'gone';
    try {
      const job = await data.getJob(id, ctx.signal ? { signal: ctx.signal } : {});
      return taggedFor(metadataTags(job.metadata), owner) ? 'ours' : 'theirs';
    } catch (e) {
      if (isGone(e)) return 'gone';
      throw azureFailure(`Reading the job ${id}`, e);
    }
  },
  async remove(id, ctx) {
    const data = await dataOf(ctx);
    if (!data) return;
    try {
      await data.deleteJob(id, { force: true, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    } catch (e) {
      if (!isGone(e)) throw azureFailure(`Deleting the job ${id}`, e);
    }
  },
  async find(owner, ctx) {
    const data = await dataOf(ctx);
    if (!data) return [];
    try {
      // A schedule's jobs go with the schedule; these are the others.
      return (await data.listJobs(ctx.signal ? { signal: ctx.signal } : {})).filter((j) => j.state !== 'deleting' && taggedFor(metadataTags(j.metadata), owner)).map((j) => j.id);
    } catch (e) {
      throw azureFailure('Listing the jobs of the Batch account', e);
    }
  },
  describe: (id) => `Batch job ${id}`,
};
