import { azureFailure } from '../../clouds/azure/failure';
import { taggedFor } from '../../core/owner';
import type { ResourceKind, TargetContext } from '../Target';
import { aciClients } from './clients';
import { aciRecordDetails } from './details';
import { armRequest } from './arm';
import { MANAGED_IDENTITY_API, pushLogin } from './acr';
import { deleteManifest, imageLabels, manifestDigest } from './registry';
import { pullIdentityName, scheduleWorkflowName, workflowName } from './names';
import { describedFor, isNotFound, tagOwnership } from './ownership';

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

/** registry/repository:tag → its parts. */
function imageParts(id: string): { server: string; repository: string; tag: string } {
  const slash = id.indexOf('/');
  const colon = id.lastIndexOf(':');
  return { server: id.slice(0, slash), repository: id.slice(slash + 1, colon), tag: id.slice(colon + 1) };
}

/** The login to read or delete the pushed image with: the one the deploy pushed with (as the record says). */
async function loginFor(server: string, ctx: TargetContext) {
  const auth = ctx.record ? aciRecordDetails(ctx.record.details).registryAuth : undefined;
  return pushLogin(auth ?? 'password', server, await aciClients(ctx), ctx);
}

/** The image the deploy pushed, recognised by the owner labels it was built with. */
export const imageResource: ResourceKind = {
  billable: false,
  async ownership(id, owner, ctx) {
    const { server, repository, tag } = imageParts(id);
    const labels = await imageLabels(server, repository, tag, await loginFor(server, ctx), ctx.signal);
    if (!labels) return 'gone';
    return taggedFor(labels, owner) ? 'ours' : 'theirs';
  },
  async remove(id, ctx) {
    const { server, repository, tag } = imageParts(id);
    const credentials = await loginFor(server, ctx);
    const digest = await manifestDigest(server, repository, tag, credentials, ctx.signal);
    if (digest) await deleteManifest(server, repository, digest, credentials, ctx.signal);
  },
  // Images cannot be listed by label without pulling each: only the recorded one is removed.
  find: async () => [],
  describe: (id) => `image ${id}`,
};

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

/** A plan's id with a placeholder in it (`<subscription>`): the deploy stopped before it knew the real one, so nothing was made. */
const unresolved = (id: string) => id.includes('<');

export const roleAssignmentResource: ResourceKind = {
  billable: false,
  async ownership(id, owner, ctx) {
    if (unresolved(id)) return 'gone';
    const { authorization } = await aciClients(ctx);
    try {
      return describedFor((await authorization.roleAssignments.getById(id)).description, owner) ? 'ours' : 'theirs';
    } catch (e) {
      if (isNotFound(e)) return 'gone';
      throw azureFailure('Reading a role assignment', e);
    }
  },
  async remove(id, ctx) {
    if (unresolved(id)) return;
    const { authorization } = await aciClients(ctx);
    try {
      await authorization.roleAssignments.deleteById(id);
    } catch (e) {
      if (!isNotFound(e)) throw azureFailure('Deleting the role assignment', e);
    }
  },
  async find(owner, ctx) {
    const rg = resourceGroupOf(ctx);
    if (!rg) return [];
    const { authorization } = await aciClients(ctx);
    const out: string[] = [];
    try {
      for await (const a of authorization.roleAssignments.listForResourceGroup(rg)) if (describedFor(a.description, owner) && a.id) out.push(a.id);
    } catch (e) {
      if (!isNotFound(e)) throw azureFailure(`Listing the role assignments of ${rg}`, e);
    }
    return out;
  },
  describe: (id) => `role assignment ${id.split('/').pop()}`,
};

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
export const pullIdentityResource: ResourceKind = {
  billable: false,
  async ownership(id, owner, ctx) {
    const c = await aciClients(ctx);
    const found = await armRequest<{ tags?: Record<string, string> }>(c, { method: 'GET', path: identityPath(id, ctx, c.session.subscription), apiVersion: MANAGED_IDENTITY_API, what: `Reading the pull identity ${id}`, orNotFound: true }, ctx.signal);
    return tagOwnership(found, owner);
  },
  async remove(id, ctx) {
    const c = await aciClients(ctx);
    await armRequest(c, { method: 'DELETE', path: identityPath(id, ctx, c.session.subscription), apiVersion: MANAGED_IDENTITY_API, what: `Deleting the pull identity ${id}`, orNotFound: true }, ctx.signal);
  },
  async find(owner, ctx) {
    if (!resourceGroupOf(ctx)) return [];
    const name = pullIdentityName(owner.name);
    return (await pullIdentityResource.ownership(name, owner, ctx)) === 'ours' ? [name] : [];
  },
  describe: (id) => `managed identity ${id}`,
};

const identityPath = (name: string, ctx: TargetContext, subscription: string) => `subscriptions/${subscription}/resourceGroups/${needGroup(ctx)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
