import { azureFailure } from '../../clouds/azure/failure';
import { BATCH_PRICES } from '../../core/cost';
import type { DeploymentRecord } from '../../core/records/record';
import { acrLogin, registryResourceId } from '../azure/acr';
import { resourceGroupLocation } from '../azure/arm';
import { scopeOf } from '../azure/clients';
import type { Target, TargetCheck, TargetContext } from '../Target';
import { accountEndpoint, batchClients } from './clients';
import { batchRecordDetails, BatchRecordDetailsSchema, type BatchPlanDetails } from './details';
import { invokeBatch } from './invoke';
import { batchLogs } from './logs';
import { batchMapExecutor } from './map';
import { batchUsage, planBatch } from './plan';
import { imageResource, jobResource, poolResource, pullIdentityResource, roleAssignmentResource, scheduleResource } from './resources';
import { batchDefaults, BatchSettingsSchema, type BatchSettings } from './settings';
import { batchRuns, batchStatus } from './status';
import { batchSteps, required } from './steps';

/** Signs in, finds the resource group, the Batch account and the registry: each missing piece is one sentence, before anything is recorded. */
async function reachAzure(settings: BatchSettings, ctx: TargetContext, withRegistry: boolean): Promise<{ subscription: string; resourceGroup: string; location: string; account: string; cloud: string }> {
  const s = batchDefaults(settings);
  const { resourceGroup, account, registry } = required(s);
  const c = await batchClients(ctx, scopeOf(s));
  const location = await resourceGroupLocation(c, resourceGroup, ctx.signal);
  await accountEndpoint(c, resourceGroup, account);
  if (withRegistry) {
    await registryResourceId(c, registry, ctx.signal);
    await acrLogin(registry, c.session, ctx.signal);
  }
  return { subscription: c.session.subscription, resourceGroup, location, account, cloud: c.session.cloud.name };
}

export const batchTarget: Target<BatchPlanDetails> = {
  kind: 'batch',
  settings: BatchSettingsSchema,
  recordDetails: BatchRecordDetailsSchema,
  runtimeMode: () => 'job',
  plan: (project, options) => planBatch(project, options),
  async preflight(plan, ctx) {
    // Docker builds the image; Azure, the account and the registry must let us in: each missing is one sentence and no record.
    required(plan.details.settings);
    await ctx.connections.docker();
    await reachAzure(plan.details.settings, ctx, true);
  },
  steps: (plan) => batchSteps(plan),
  // Creation order; destroy goes in reverse: the schedule (its jobs go with it), the pool, the grant, the identity, the image; then leftover jobs.
  resources: {
    image: imageResource,
    'pull-identity': pullIdentityResource,
    'role-assignment': roleAssignmentResource,
    pool: poolResource,
    schedule: scheduleResource,
    job: jobResource,
  },
  anchor: 'pool',
  invoke: (record, payload, ctx) => invokeBatch(record, payload, ctx),
  map: (record, options, ctx) => batchMapExecutor(record, options, ctx),
  logs: (record, opts, ctx) => batchLogs(record, opts, ctx),
  status: (record, ctx) => batchStatus(record, ctx),
  runs: (record, opts, ctx) => batchRuns(record, opts, ctx),
  describe(record: DeploymentRecord) {
    const d = batchRecordDetails(record.details);
    return [
      ...(d.poolId ? [{ kind: 'pool', label: d.poolId, description: `${d.account ?? ''} · ${d.vmSize ?? ''}`, tooltip: [`Batch account ${d.account ?? '?'} (${d.resourceGroup ?? '?'}, ${d.location ?? '?'})`, `nodes: ${d.nodeImage ?? '?'} (${d.nodeAgentSkuId ?? '?'}), at most ${d.maxNodes ?? '?'}, ${d.taskSlotsPerNode ?? 1} task(s) each`].join('\n') }] : []),
      ...(d.schedule ? [{ kind: 'trigger', label: d.schedule, description: 'UTC', tooltip: `The job schedule ${d.jobScheduleId ?? ''} starts a job on this schedule` }] : []),
      ...(d.image ? [{ kind: 'image', label: d.image.split('@')[0]!, description: d.image.split('@')[1]?.slice(7, 19), tooltip: d.image }] : []),
    ];
  },
  prices: BATCH_PRICES,
  usage: (plan, workload) => batchUsage(plan, workload),
  async checks(settings, ctx): Promise<TargetCheck[]> {
    try {
      const at = await reachAzure(settings as BatchSettings, ctx, false);
      return [{ id: 'azure-credentials', title: 'Azure sign-in, resource group and Batch account', status: 'ok', detail: `${at.account} in ${at.resourceGroup} (${at.location}), subscription ${at.subscription}, ${at.cloud}` }];
    } catch (e) {
      const detail = azureFailure('Checking Azure', e).message;
      return [{ id: 'azure-credentials', title: 'Azure sign-in, resource group and Batch account', status: 'fail', detail, ...(/sign-in/i.test(detail) ? { fix: 'az login' } : {}) }];
    }
  },
  redeployOptions: (record) => {
    const base = batchRecordDetails(record.details).baseImage;
    return base ? { baseImage: base } : {};
  },
};
