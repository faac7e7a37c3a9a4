import { azureFailure } from '../../clouds/azure/failure';
import { ACI_PRICES } from '../../core/cost';
import type { DeploymentRecord } from '../../core/records/record';
import type { Target, TargetCheck, TargetContext } from '../Target';
import { acrLogin, registryResourceId } from '../azure/acr';
import { resourceGroupLocation, roleDefinitionId } from '../azure/arm';
import { aciClients } from './clients';
import { aciRecordDetails, AciRecordDetailsSchema, type AciPlanDetails } from './details';
import { invokeAci } from './invoke';
import { aciLogs } from './logs';
import { RUNNER_ROLE } from './names';
import { aciUsage, planAci } from './plan';
import { registryCredentials } from '../azure/registry';
import { containerGroupResource, imageResource, pullIdentityResource, roleAssignmentResource, scheduleResource, workflowResource } from './resources';
import { aciRuns } from './runs';
import { aciDefaults, AciSettingsSchema, type AciSettings } from './settings';
import { aciStatus } from './status';
import { aciSteps, required } from './steps';

import { scopeOf } from '../azure/clients';

/** Signs in, finds the resource group and the role the workflow needs: each missing piece is one sentence, before anything is recorded. */
async function reachAzure(settings: AciSettings, ctx: TargetContext): Promise<{ subscription: string; resourceGroup: string; location: string; cloud: string }> {
  const s = aciDefaults(settings);
  const { resourceGroup } = required(s);
  const c = await aciClients(ctx, scopeOf(s));
  const location = await resourceGroupLocation(c, resourceGroup, ctx.signal);
  await roleDefinitionId(c, `/subscriptions/${c.session.subscription}/resourceGroups/${resourceGroup}`, RUNNER_ROLE);
  return { subscription: c.session.subscription, resourceGroup, location, cloud: c.session.cloud.name };
}

export const aciTarget: Target<AciPlanDetails> = {
  kind: 'aci',
  settings: AciSettingsSchema,
  recordDetails: AciRecordDetailsSchema,
  runtimeMode: () => 'job',
  plan: (project, options) => planAci(project, options),
  async preflight(plan, ctx) {
    // Docker builds the image; Azure and the registry must let us in: each missing is one sentence and no record.
    const { registry } = required(plan.details.settings);
    if (plan.details.registryAuth === 'password') await registryCredentials(registry, ctx);
    await ctx.connections.docker();
    await reachAzure(plan.details.settings, ctx);
    if (plan.details.registryAuth === 'identity') {
      const c = await aciClients(ctx, scopeOf(plan.details.settings));
      await registryResourceId(c, registry, ctx.signal);
      await acrLogin(registry, c.session, ctx.signal);
    }
  },
  steps: (plan) => aciSteps(plan),
  // Creation order; destroy goes in reverse: leftover container groups, the schedule, the role assignments, the workflow, the pull identity, the image.
  resources: {
    image: imageResource,
    'pull-identity': pullIdentityResource,
    workflow: workflowResource,
    'role-assignment': roleAssignmentResource,
    schedule: scheduleResource,
    'container-group': containerGroupResource,
  },
  anchor: 'workflow',
  invoke: (record, payload, ctx) => invokeAci(record, payload, ctx),
  logs: (record, opts, ctx) => aciLogs(record, opts, ctx),
  status: (record, ctx) => aciStatus(record, ctx),
  runs: (record, opts, ctx) => aciRuns(record, opts, ctx),
  describe(record: DeploymentRecord) {
    const d = aciRecordDetails(record.details);
    return [
      ...(d.workflowName ? [{ kind: 'workflow', label: d.workflowName, description: `${d.resourceGroup ?? ''} · ${d.location ?? ''}`, tooltip: [d.workflowId, `each run: ${d.cpu} vCPU, ${d.memoryGb} GB, at most ${d.timeoutMinutes} min`].filter(Boolean).join('\n') }] : []),
      ...(d.workflowName ? [{ kind: 'trigger', label: 'HTTP request', description: 'rdeploy invoke', tooltip: 'The trigger URL is fetched at each invoke; it carries a signature and is never stored.' }] : []),
      ...(d.schedule ? [{ kind: 'trigger', label: d.schedule, description: 'UTC', tooltip: 'A Recurrence trigger runs the model on this schedule' }] : []),
      ...(d.image ? [{ kind: 'image', label: d.image.split('@')[0]!, description: d.image.split('@')[1]?.slice(7, 19), tooltip: d.image }] : []),
    ];
  },
  prices: ACI_PRICES,
  usage: (plan, workload) => aciUsage(plan, workload),
  async checks(settings, ctx): Promise<TargetCheck[]> {
    try {
      const at = await reachAzure(settings as AciSettings, ctx);
      return [{ id: 'azure-credentials', title: 'Azure sign-in and resource group', status: 'ok', detail: `${at.resourceGroup} (${at.location}), subscription ${at.subscription}, ${at.cloud}` }];
    } catch (e) {
      const detail = azureFailure('Checking Azure', e).message;
      return [{ id: 'azure-credentials', title: 'Azure sign-in and resource group', status: 'fail', detail, ...(/sign-in/i.test(detail) ? { fix: 'az login' } : {}) }];
    }
  },
  redeployOptions: (record) => {
    const base = aciRecordDetails(record.details).baseImage;
    return base ? { baseImage: base } : {};
  },
};
