import type { Workflow } from '@azure/arm-logic';
import { azureFailure } from '../../clouds/azure/failure';
import { AppError } from '../../core/errors';
import { readPayload } from '../../core/payloads';
import type { DeploymentRecord } from '../../core/records/record';
import { buildProjectImage } from '../image/projectImage';
import type { RegistryCredentials } from '../image/push';
import type { DeployStep, Plan, TargetContext } from '../Target';
import { ensurePullIdentity, pushLogin, registryResourceId } from '../azure/acr';
import { assignRole, resourceGroupLocation, roleDefinitionId } from '../azure/arm';
import { registryPushStep } from '../azure/pushStep';
import { aciBodies, type AciBodies } from './bodies';
import { aciClients, type AciClients } from './clients';
import type { AciPlanDetails, AciRecordDetails, PlannedRoleAssignment } from './details';
import { scheduleWorkflowName } from './names';
import { parseRecurrence } from './recurrence';
import { scheduleResource, workflowResource } from './resources';

/** Both the plan's and the deploy's: what only a deploy may fill in is asked for here, one sentence when missing. */
export function required(s: AciPlanDetails['settings']): { resourceGroup: string; registry: string } {
  if (!s.resourceGroup) throw new AppError('config-invalid', 'Say which resource group the Logic App goes in: set targets.aci.resourceGroup in rdeploy.json, or --set resourceGroup=<name> (it must exist: `az group create`).');
  if (!s.registry) throw new AppError('config-invalid', 'Say which registry the image goes to: set targets.aci.registry in rdeploy.json, or --set registry=<host> (e.g. myregistry.azurecr.io).');
  return { resourceGroup: s.resourceGroup, registry: s.registry };
}

/**
 * Build the job-mode image (labelled with its owner) and push it; with Azure Container Registry,
 * make the pull identity and give it AcrPull; save the workflow with its system-assigned identity
 * and give that identity "Azure Container Instances Contributor Role" on the resource group (and
 * "Managed Identity Operator" on the pull identity); with a schedule, save the scheduler. A
 * registry password reaches Azure only inside the workflow PUT, as the SecureString parameter's
 * value; it is in no step's output, hence in no record.
 */
export function aciSteps(plan: Plan<AciPlanDetails>): DeployStep[] {
  const d = plan.details;
  const s = d.settings;
  const scope = { ...(s.cloud ? { cloud: s.cloud } : {}), ...(s.subscription ? { subscription: s.subscription } : {}) };
  const clients = (ctx: TargetContext) => aciClients(ctx, scope);
  let imageId: string | undefined;
  let login: RegistryCredentials | undefined;
  const roleIds = new Map<string, string>();
  const recurrence = s.schedule ? parseRecurrence(s.schedule) : undefined;
  let schedulePayload = '{}';

  /** The ARM bodies with what the record knows so far (location, image, the identities' principals). */
  const bodiesFor = (c: AciClients, record: Readonly<DeploymentRecord>): AciBodies => {
    const r = record.details as AciRecordDetails;
    return aciBodies({
      owner: { root: plan.project.root, name: plan.name },
      settings: s,
      cloud: c.session.cloud,
      subscription: c.session.subscription,
      resourceGroup: r.resourceGroup!,
      location: r.location!,
      registry: r.registry!,
      image: r.image ?? '',
      pull: d.registryAuth === 'identity' ? { kind: 'identity', registryId: r.registryId! } : { kind: 'password', username: login!.username, password: login!.password },
      schedulePayload,
      roleDefinitionId: (role) => roleIds.get(role) ?? '',
      principalId: (who) => (who === 'workflow' ? r.principalId : r.pullPrincipalId) ?? '',
      ...(recurrence ? { recurrence } : {}),
    });
  };

  const assignStep = (planned: PlannedRoleAssignment): DeployStep => ({
    title: `Giving ${planned.principal === 'workflow' ? 'the Logic App' : 'the pull identity'} "${planned.roleName}"`,
    // The plan's id (its subscription may be a placeholder until the deploy knows it; the step's output is the real one).
    creates: { kind: 'role-assignment', id: planned.id },
    run: async ({ ctx, record }) => {
      const c = await clients(ctx);
      const real = bodiesFor(c, record).roleAssignments.find((a) => a.roleName === planned.roleName && a.principal === planned.principal)!;
      const id = await assignRole(c, { scope: real.scope, name: real.id.split('/').pop()!, properties: real.body.properties }, ctx);
      return { id, details: { roleAssignmentIds: [...((record.details as AciRecordDetails).roleAssignmentIds ?? []), id] } };
    },
  });
  const assignments = (who: PlannedRoleAssignment['principal']) => d.roleAssignments.filter((a) => a.principal === who).map(assignStep);

  return [
    {
      title: `Building the image FROM ${d.baseImage}`,
      run: async ({ ctx, owner }) => {
        const { resourceGroup, registry } = required(s);
        const c = await clients(ctx);
        const location = s.location ?? (await resourceGroupLocation(c, resourceGroup, ctx.signal));
        const rgScope = `/subscriptions/${c.session.subscription}/resourceGroups/${resourceGroup}`;
        for (const a of d.roleAssignments) if (!roleIds.has(a.roleName)) roleIds.set(a.roleName, await roleDefinitionId(c, rgScope, a.roleName));
        const registryId = d.registryAuth === 'identity' ? await registryResourceId(c, registry, ctx.signal) : undefined;
        login = await pushLogin(d.registryAuth, registry, c, ctx);
        schedulePayload = s.scheduleInput ? (await readPayload(s.scheduleInput, plan.project.root, plan.project.root)).trim() : '{}';
        imageId = await buildProjectImage(await ctx.connections.docker(), { root: plan.project.root, inputs: d.image.build, owner, tag: `rdeploy-aci/${plan.name}:${d.image.tag}`, signal: ctx.signal, progress: ctx.progress });
        const details: AciRecordDetails = {
          cloud: c.session.cloud.name,
          subscription: c.session.subscription,
          resourceGroup,
          location,
          registry,
          registryAuth: d.registryAuth,
          ...(registryId ? { registryId } : {}),
          baseImage: d.baseImage,
          workflowName: d.workflowName,
          groupPrefix: d.groupPrefix,
          cpu: s.cpu,
          memoryGb: s.memoryGb,
          timeoutMinutes: s.timeoutMinutes,
          ...(s.schedule ? { schedule: s.schedule } : {}),
        };
        return { details };
      },
    },
    registryPushStep({ registry: s.registry, repository: d.image.repository, tag: d.image.tag, imageId: () => imageId!, login: () => login! }),
    ...(d.pullIdentity
      ? [
          {
            title: `Creating the pull identity ${d.pullIdentity.name}`,
            creates: { kind: 'pull-identity', id: d.pullIdentity.name },
            run: async ({ ctx, record }) => {
              const c = await clients(ctx);
              const body = bodiesFor(c, record).pullIdentity!;
              const made = await ensurePullIdentity(c, body.id, body.body, ctx.signal);
              return { id: body.name, details: { pullIdentityId: made.id, pullPrincipalId: made.principalId } };
            },
          } satisfies DeployStep,
          ...assignments('pull-identity'),
        ]
      : []),
    {
      title: `Creating the Logic App ${d.workflowName}`,
      creates: { kind: 'workflow', id: d.workflowName },
      run: async ({ ctx, owner, record }) => {
        const c = await clients(ctx);
        const resourceGroup = (record.details as AciRecordDetails).resourceGroup!;
        // ctx.record is the live record: the first step wrote the resource group into it.
        if ((await workflowResource.ownership(d.workflowName, owner, ctx)) === 'theirs') {
          throw new AppError('deploy-failed', `A Logic App named ${d.workflowName} exists in ${resourceGroup} and is not this deployment's. Delete it, or choose another deployment name.`);
        }
        const bodies = bodiesFor(c, record);
        let made;
        try {
          made = await c.logic.workflows.createOrUpdate(resourceGroup, d.workflowName, sdkWorkflow(bodies.workflow));
        } catch (e) {
          throw azureFailure(`Creating the Logic App ${d.workflowName}`, e);
        }
        const principalId = made.identity?.principalId;
        if (!principalId) throw new AppError('deploy-failed', `Azure created the Logic App ${d.workflowName} without a managed identity; it cannot create container groups.`);
        // The body each run PUTs, for the local twin (`invoke NAME --local`); its registry login stays with Azure.
        const { imageRegistryCredentials: _login, ...groupProperties } = bodies.containerGroup.properties;
        const containerGroup = { ...bodies.containerGroup, properties: groupProperties };
        return { id: d.workflowName, endpoint: made.id ?? bodies.workflowId, details: { workflowId: made.id ?? bodies.workflowId, principalId, containerGroup } };
      },
    },
    ...assignments('workflow'),
    ...(d.scheduleWorkflow
      ? [
          {
            title: `Scheduling it: ${s.schedule} (UTC)`,
            creates: { kind: 'schedule', id: scheduleWorkflowName(plan.name) },
            run: async ({ ctx, owner, record }) => {
              const c = await clients(ctx);
              const name = scheduleWorkflowName(plan.name);
              const resourceGroup = (record.details as AciRecordDetails).resourceGroup!;
              if ((await scheduleResource.ownership(name, owner, ctx)) === 'theirs') {
                throw new AppError('deploy-failed', `A Logic App named ${name} exists in ${resourceGroup} and is not this deployment's. Delete it, or choose another deployment name.`);
              }
              try {
                await c.logic.workflows.createOrUpdate(resourceGroup, name, sdkWorkflow(bodiesFor(c, record).schedule!.body));
              } catch (e) {
                throw azureFailure(`Creating the Logic App ${name}`, e);
              }
              return { id: name, details: { scheduleWorkflowName: name } };
            },
          } satisfies DeployStep,
        ]
      : []),
  ];
}

/**
 * The SDK's Workflow model flattens ARM's `properties` (state, definition, parameters) into the
 * object and nests them again on the wire: our bodies are ARM's, so they are flattened here.
 */
function sdkWorkflow(body: { properties: Record<string, unknown> } & Record<string, unknown>): Workflow {
  const { properties, ...top } = body;
  return { ...top, ...properties } as Workflow;
}
