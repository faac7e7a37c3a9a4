import { azureFailure } from '../../clouds/azure/failure';
import { taggedFor } from '../../core/owner';
import type { ResourceKind, TargetContext } from '../Target';
import { aciClients } from './clients';
import { aciRecordDetails } from './details';
import { isNotFound, tagOwnership } from '../azure/ownership';
import { pullIdentityKind, registryImageKind, roleAssignmentKind, type AzureRecordAccess } from '../azure/resources';
import { pullIdentityName, scheduleWorkflowName, workflowName } from './names';

// Ids: the image as registry/repository:tag, the workflow and container groups by name (in the
// record's resource group), a role assignment by its ARM id. The cloud, subscription and
// resource group come from the record (clients.ts).

function resourceGroupOf(ctx: TargetContext): string | undefined {
  return ctx.record ? aciRecordDetails(ctx.record.details).resourceGroup : undefined;
}

function needGroup(ctx: TargetContext): string {
  const rg = resourceGroupOf(ctx);
  if (!rg) throw new Error('internal: the record names no resource group');
  return rg;
}

const access: AzureRecordAccess = {
  clients: (ctx) => aciClients(ctx),
  resourceGroup: resourceGroupOf,
  registryAuth: (ctx) => (ctx.record ? aciRecordDetails(ctx.record.details).registryAuth : undefined),
};

/** The image the deploy pushed, recognised by the owner labels it was built with. */
export const imageResource = registryImageKind(access);

/** A Logic App of the deployment (the main workflow, or its scheduler), by name in the record's resource group. */
function logicWorkflow(nameFor: (name: string) => string, what: string): ResourceKind {
  const kind: ResourceKind = {
    billable: true,
    async ownership(id, owner, ctx) {
      const { logic } = await aciClients(ctx);
      try {
        return tagOwnership(await logic.workflows.get(needGroup(ctx), id), owner);
      } catch (e) {
        if (isNotFound(e)) return 'gone';
        throw azureFailure(`Reading the ${what} ${id}`, e);
      }
    },
    async remove(id, ctx) {
      const { logic } = await aciClients(ctx);
      try {
        // Disabled first: no trigger starts a run while it goes (deleting it cancels the runs in flight;
        // a group such a run made is swept after, by its tags). A failure here is the delete's to report.
        await logic.workflows.disable(needGroup(ctx), id).catch(() => undefined);
        await logic.workflows.delete(needGroup(ctx), id);
      } catch (e) {
        if (!isNotFound(e)) throw azureFailure(`Deleting the ${what} ${id}`, e);
      }
    },
    async find(owner, ctx) {
      const rg = resourceGroupOf(ctx);
      if (!rg) return [];
      const name = nameFor(owner.name);
      return (await kind.ownership(name, owner, ctx)) === 'ours' ? [name] : [];
    },
    describe: (id, record) => `${what} ${id} (${aciRecordDetails(record.details).resourceGroup ?? '?'})`,
  };
  return kind;
}

export const workflowResource = logicWorkflow(workflowName, 'Logic App');
export const scheduleResource = logicWorkflow(scheduleWorkflowName, 'Logic App of the schedule');

export const roleAssignmentResource = roleAssignmentKind(access);

/**
 * A run's container group. Never recorded (each run makes and deletes its own); one a cancelled
 * run left behind bills by the second, so every destroy looks for the deployment's tags.
 */
export const containerGroupResource: ResourceKind = {
  billable: true,
  unrecorded: true,
  async ownership(id, owner, ctx) {
    const { aci } = await aciClients(ctx);
    try {
      return tagOwnership(await aci.containerGroups.get(needGroup(ctx), id), owner);
    } catch (e) {
      if (isNotFound(e)) return 'gone';
      throw azureFailure(`Reading the container group ${id}`, e);
    }
  },
  async remove(id, ctx) {
    const { aci } = await aciClients(ctx);
    try {
      await aci.containerGroups.beginDeleteAndWait(needGroup(ctx), id, { abortSignal: ctx.signal });
    } catch (e) {
      if (!isNotFound(e)) throw azureFailure(`Deleting the container group ${id}`, e);
    }
  },
  async find(owner, ctx) {
    const rg = resourceGroupOf(ctx);
    if (!rg) return [];
    const { aci } = await aciClients(ctx);
    const out: string[] = [];
    try {
      for await (const g of aci.containerGroups.listByResourceGroup(rg)) if (taggedFor(g.tags, owner) && g.name) out.push(g.name);
    } catch (e) {
      if (!isNotFound(e)) throw azureFailure(`Listing the container groups of ${rg}`, e);
    }
    return out;
  },
  describe: (id) => `container group ${id}`,
};

/** The user-assigned identity each run's group pulls the image as (Azure Container Registry). */
export const pullIdentityResource = pullIdentityKind(access, pullIdentityName);
