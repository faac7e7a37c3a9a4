import type { Pool } from '@azure/arm-batch';
import { chooseImage } from '../../clouds/azure/batch';
import { azureFailure } from '../../clouds/azure/failure';
import { AppError } from '../../core/errors';
import { readPayload } from '../../core/payloads';
import type { DeploymentRecord } from '../../core/records/record';
import { acrLogin, ensurePullIdentity, registryResourceId } from '../azure/acr';
import { assignRole, resourceGroupLocation, roleDefinitionId } from '../azure/arm';
import { registryPushStep } from '../azure/pushStep';
import { ACR_PULL_ROLE } from '../azure/roles';
import { buildProjectImage } from '../image/projectImage';
import type { RegistryCredentials } from '../image/push';
import type { DeployStep, Plan, TargetContext } from '../Target';
import { batchBodies, pullIdentityId, taskBody, TASK_RETRIES, type BatchBodies, type BatchPoolBody, type NodeImage } from './bodies';
import { accountEndpoint, batchClients, dataPlane, type BatchClients } from './clients';
import type { BatchPlanDetails, BatchRecordDetails } from './details';
import { INVOKE_TASK_ID, jobScheduleId, pullIdentityName } from './names';
import { acrPullAssignment } from './plan';
import { poolResource, scheduleResource } from './resources';
import { doNotRunUntil, parseBatchSchedule } from './schedule';
import type { EffectiveBatchSettings } from './settings';
import { scopeOf } from '../azure/clients';

/** Both the plan's and the deploy's: what only a deploy may fill in is asked for here, one sentence when missing. */
export function required(s: EffectiveBatchSettings): { resourceGroup: string; registry: string; account: string } {
  if (!s.resourceGroup) throw new AppError('config-invalid', 'Say which resource group the Batch account is in: set targets.batch.resourceGroup in rdeploy.json, or --set resourceGroup=<name>.');
  if (!s.account) throw new AppError('config-invalid', 'Say which Batch account runs the pool: set targets.batch.account in rdeploy.json, or --set account=<name> (`az batch account create` makes one).');
  if (!s.registry) throw new AppError('config-invalid', 'Say which Azure Container Registry the image goes to: set targets.batch.registry in rdeploy.json, or --set registry=<name>.azurecr.io.');
  return { resourceGroup: s.resourceGroup, registry: s.registry, account: s.account };
}

const nodeImageOf = (r: BatchRecordDetails): NodeImage => {
  const [publisher, offer, sku] = (r.nodeImage ?? '//').split('/');
  return { imageReference: { publisher: publisher!, offer: offer!, sku: sku!, version: 'latest' }, nodeAgentSkuId: r.nodeAgentSkuId ?? '' };
};

/**
 * Build the job-mode image (labelled with its owner) and push it to ACR with the user's Entra
 * token; make the pull identity and give it AcrPull on that registry; make the pool through
 * Resource Manager (it carries the identity; the node image chosen from Batch's supported
 * images), and with a schedule, the job schedule. No password anywhere.
 */
export function batchSteps(plan: Plan<BatchPlanDetails>): DeployStep[] {
  const d = plan.details;
  const s = d.settings;
  const owner = { root: plan.project.root, name: plan.name };
  const clients = (ctx: TargetContext) => batchClients(ctx, scopeOf(s));
  const recurrence = s.schedule ? parseBatchSchedule(s.schedule) : undefined;
  let imageId: string | undefined;
  let login: RegistryCredentials | undefined;
  let acrPullRoleId = '';
  let schedulePayload = '{}';

  /** The bodies with what the record knows so far. */
  const bodiesFor = (c: BatchClients, record: Readonly<DeploymentRecord>): BatchBodies => {
    const r = record.details as BatchRecordDetails;
    const firstRun = recurrence && doNotRunUntil(recurrence, new Date());
    return batchBodies({
      owner,
      settings: s,
      subscription: c.session.subscription,
      resourceGroup: r.resourceGroup!,
      location: r.location!,
      registry: r.registry!,
      image: r.image ?? '',
      nodeImage: nodeImageOf(r),
      ...(recurrence ? { schedule: { recurrence, ...(firstRun ? { doNotRunUntil: firstRun } : {}), payload: schedulePayload } } : {}),
    });
  };

  return [
    {
      title: `Building the image FROM ${d.baseImage}`,
      run: async ({ ctx }) => {
        const { resourceGroup, registry, account } = required(s);
        const c = await clients(ctx);
        const location = s.location ?? (await resourceGroupLocation(c, resourceGroup, ctx.signal));
        const endpoint = await accountEndpoint(c, resourceGroup, account);
        const registryId = await registryResourceId(c, registry, ctx.signal);
        acrPullRoleId = await roleDefinitionId(c, registryId, ACR_PULL_ROLE);
        login = await acrLogin(registry, c.session, ctx.signal);
        let chosen;
        try {
          chosen = chooseImage(await dataPlane(c, endpoint).listSupportedImages(undefined, ctx.signal ? { signal: ctx.signal } : {}), s.image ? { override: s.image } : {});
        } catch (e) {
          throw e instanceof AppError ? e : azureFailure(`Listing the images Batch supports in ${account}`, e);
        }
        schedulePayload = s.scheduleInput ? (await readPayload(s.scheduleInput, plan.project.root, plan.project.root)).trim() : '{}';
        imageId = await buildProjectImage(await ctx.connections.docker(), { root: plan.project.root, inputs: d.image.build, owner, tag: `rdeploy-batch/${plan.name}:${d.image.tag}`, signal: ctx.signal, progress: ctx.progress });
        const details: BatchRecordDetails = {
          cloud: c.session.cloud.name,
          subscription: c.session.subscription,
          resourceGroup,
          location,
          account,
          accountEndpoint: endpoint,
          registry,
          registryId,
          baseImage: d.baseImage,
          poolId: d.poolId,
          nodeImage: chosen.name,
          nodeAgentSkuId: chosen.image.nodeAgentSKUId,
          vmSize: s.vmSize,
          maxNodes: s.maxNodes,
          taskSlotsPerNode: s.taskSlotsPerNode,
          ...(s.schedule ? { schedule: s.schedule } : {}),
        };
        ctx.progress?.report({ note: `Nodes run ${chosen.name} (${chosen.image.nodeAgentSKUId})${chosen.overridden ? ', as the image setting says' : ', DockerCompatible and supported longest'}` });
        return { details };
      },
    },
    registryPushStep({ registry: s.registry, repository: d.image.repository, tag: d.image.tag, imageId: () => imageId!, login: () => login! }),
    {
      title: `Creating the pull identity ${pullIdentityName(plan.name)}`,
      creates: { kind: 'pull-identity', id: pullIdentityName(plan.name) },
      run: async ({ ctx, record }) => {
        const c = await clients(ctx);
        const body = bodiesFor(c, record).pullIdentity;
        const made = await ensurePullIdentity(c, body.id, body.body, ctx.signal);
        return { id: body.name, details: { pullIdentityId: made.id, pullPrincipalId: made.principalId } };
      },
    },
    {
      title: `Giving the pull identity "${ACR_PULL_ROLE}" on ${s.registry ?? 'the registry'}`,
      creates: { kind: 'role-assignment', id: d.acrPull.id },
      run: async ({ ctx, record }) => {
        const c = await clients(ctx);
        const r = record.details as BatchRecordDetails;
        const a = acrPullAssignment({ owner, registryId: r.registryId!, identityId: r.pullIdentityId!, principalId: r.pullPrincipalId!, roleDefinitionId: acrPullRoleId });
        const id = await assignRole(c, { scope: a.scope, name: a.id.split('/').pop()!, properties: a.body.properties }, ctx);
        return { id };
      },
    },
    {
      title: `Creating the pool ${d.poolId}`,
      creates: { kind: 'pool', id: d.poolId },
      run: async ({ ctx, record }) => {
        const c = await clients(ctx);
        const r = record.details as BatchRecordDetails;
        const bodies = bodiesFor(c, record);
        await savePool(c, r.resourceGroup!, r.account!, bodies.poolId, bodies.pool, owner, ctx);
        // The template invoke and map fill in (id and payload), with the real image and identity: also what the local twin runs.
        const task = taskBody({ id: INVOKE_TASK_ID, payload: '{}', image: r.image!, registry: r.registry!, identityId: pullIdentityId(c.session.subscription, r.resourceGroup!, plan.name), retries: TASK_RETRIES.invoke });
        return { id: bodies.poolId, details: { task } };
      },
    },
    ...(recurrence
      ? [
          {
            title: `Scheduling it: ${s.schedule} (UTC)`,
            creates: { kind: 'schedule', id: jobScheduleId(plan.name), replaces: 'before' as const },
            run: async ({ ctx, record }) => {
              const c = await clients(ctx);
              const r = record.details as BatchRecordDetails;
              const id = jobScheduleId(plan.name);
              if ((await scheduleResource.ownership(id, owner, ctx)) === 'theirs') throw new AppError('deploy-failed', `A job schedule named ${id} exists in ${r.account} and is not this deployment's. Delete it, or choose another deployment name.`);
              try {
                await dataPlane(c, r.accountEndpoint!).createJobSchedule(bodiesFor(c, record).jobSchedule!, ctx.signal ? { signal: ctx.signal } : {});
              } catch (e) {
                throw azureFailure(`Creating the job schedule ${id}`, e);
              }
              return { id, details: { jobScheduleId: id } };
            },
          } satisfies DeployStep,
        ]
      : []),
  ];
}

/** What a pool cannot change once made: a difference means a new pool. */
const fixedPart = (p: { vmSize?: string; taskSlotsPerNode?: number; deploymentConfiguration?: unknown; identity?: { userAssignedIdentities?: Record<string, unknown> } }) =>
  JSON.stringify([p.vmSize?.toLowerCase(), p.taskSlotsPerNode, (p.deploymentConfiguration as BatchPoolBody['deploymentConfiguration'] | undefined)?.virtualMachineConfiguration?.imageReference, Object.keys(p.identity?.userAssignedIdentities ?? {}).map((k) => k.toLowerCase())]);

/**
 * Creates the pool, or on a redeploy updates what may change (the formula, the metadata). A pool
 * whose size, node image, slots or identity changed is deleted first (its nodes go with it).
 */
async function savePool(c: BatchClients, rg: string, account: string, id: string, body: BatchPoolBody, owner: { root: string; name: string }, ctx: TargetContext): Promise<void> {
  const ours = await poolResource.ownership(id, owner, ctx);
  if (ours === 'theirs') throw new AppError('deploy-failed', `A pool named ${id} exists in ${account} and is not this deployment's. Delete it, or choose another deployment name.`);
  try {
    if (ours === 'ours') {
      const existing = await c.batch.poolOperations.get(rg, account, id);
      const same = fixedPart(existing as Parameters<typeof fixedPart>[0]) === fixedPart(body);
      if (same) {
        const formula = body.scaleSettings.autoScale.formula;
        // Batch takes a formula change at most every 30 s and never during a resize: sent only when it changed.
        const patch: Pool = { metadata: body.metadata, ...(existing.scaleSettings?.autoScale?.formula !== formula ? { scaleSettings: body.scaleSettings } : {}) };
        await c.batch.poolOperations.update(rg, account, id, patch);
        return;
      }
      ctx.progress?.report({ message: `Replacing the pool ${id}: its size, node image, slots or identity changed` });
      await poolResource.remove(id, ctx);
    }
    await c.batch.poolOperations.create(rg, account, id, body as unknown as Pool);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw azureFailure(`Creating the pool ${id}`, e);
  }
}

