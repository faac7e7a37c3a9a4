import { azureFailure } from '../../clouds/azure/failure';
import { taggedFor } from '../../core/owner';
import type { ResourceKind, TargetContext } from '../Target';
import { MANAGED_IDENTITY_API, pushLogin } from './acr';
import { armRequest } from './arm';
import type { ArmClients } from './clients';
import { describedFor, isNotFound, tagOwnership } from './ownership';
import { deleteManifest, imageLabels, manifestDigest } from './registry';

/**
 * The kinds of resource every Azure target makes the same way: the pushed image, the
 * user-assigned identity its cloud pulls the image as, and role assignments. Each target says
 * how to reach its clients and which resource group its record names.
 */
export interface AzureRecordAccess {
  /** The clients for the record's cloud and subscription. */
  clients(ctx: TargetContext): Promise<ArmClients>;
  /** The resource group the record names (undefined: the deploy stopped before it knew). */
  resourceGroup(ctx: TargetContext): string | undefined;
  /** How the deploy pushed the image: with the user's Entra token exchanged at ACR, or a registry login. */
  registryAuth(ctx: TargetContext): 'identity' | 'password' | undefined;
}

const needGroup = (a: AzureRecordAccess, ctx: TargetContext): string => {
  const rg = a.resourceGroup(ctx);
  if (!rg) throw new Error('internal: the record names no resource group');
  return rg;
};

/** registry/repository:tag → its parts. */
function imageParts(id: string): { server: string; repository: string; tag: string } {
  const slash = id.indexOf('/');
  const colon = id.lastIndexOf(':');
  return { server: id.slice(0, slash), repository: id.slice(slash + 1, colon), tag: id.slice(colon + 1) };
}

/** The image the deploy pushed (id registry/repository:tag), recognised by the owner labels it was built with. */
export function registryImageKind(a: AzureRecordAccess): ResourceKind {
  // The login to read or delete it with: the one the deploy pushed with (as the record says).
  const loginFor = async (server: string, ctx: TargetContext) => pushLogin(a.registryAuth(ctx) ?? 'password', server, await a.clients(ctx), ctx);
  return {
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
}

/** A plan's id with a placeholder in it (`<subscription>`): the deploy stopped before it knew the real one, so nothing was made. */
const unresolved = (id: string) => id.includes('<');

/** A role assignment (by its ARM id); assignments carry no tags, their description names the owner. */
export function roleAssignmentKind(a: AzureRecordAccess): ResourceKind {
  return {
    billable: false,
    async ownership(id, owner, ctx) {
      if (unresolved(id)) return 'gone';
      const { authorization } = await a.clients(ctx);
      try {
        return describedFor((await authorization.roleAssignments.getById(id)).description, owner) ? 'ours' : 'theirs';
      } catch (e) {
        if (isNotFound(e)) return 'gone';
        throw azureFailure('Reading a role assignment', e);
      }
    },
    async remove(id, ctx) {
      if (unresolved(id)) return;
      const { authorization } = await a.clients(ctx);
      try {
        await authorization.roleAssignments.deleteById(id);
      } catch (e) {
        if (!isNotFound(e)) throw azureFailure('Deleting the role assignment', e);
      }
    },
    async find(owner, ctx) {
      const rg = a.resourceGroup(ctx);
      if (!rg) return [];
      const { authorization } = await a.clients(ctx);
      const out: string[] = [];
      try {
        for await (const r of authorization.roleAssignments.listForResourceGroup(rg)) if (describedFor(r.description, owner) && r.id) out.push(r.id);
      } catch (e) {
        if (!isNotFound(e)) throw azureFailure(`Listing the role assignments of ${rg}`, e);
      }
      return out;
    },
    describe: (id) => `role assignment ${id.split('/').pop()}`,
  };
}

/** The user-assigned identity (by name, in the record's resource group) the cloud pulls the image as. */
export function pullIdentityKind(a: AzureRecordAccess, nameFor: (deployment: string) => string): ResourceKind {
  const path = (name: string, ctx: TargetContext, subscription: string) => `subscriptions/${subscription}/resourceGroups/${needGroup(a, ctx)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
  const kind: ResourceKind = {
    billable: false,
    async ownership(id, owner, ctx) {
      const c = await a.clients(ctx);
      const found = await armRequest<{ tags?: Record<string, string> }>(c, { method: 'GET', path: path(id, ctx, c.session.subscription), apiVersion: MANAGED_IDENTITY_API, what: `Reading the pull identity ${id}`, orNotFound: true }, ctx.signal);
      return tagOwnership(found, owner);
    },
    async remove(id, ctx) {
      const c = await a.clients(ctx);
      await armRequest(c, { method: 'DELETE', path: path(id, ctx, c.session.subscription), apiVersion: MANAGED_IDENTITY_API, what: `Deleting the pull identity ${id}`, orNotFound: true }, ctx.signal);
    },
    async find(owner, ctx) {
      if (!a.resourceGroup(ctx)) return [];
      const name = nameFor(owner.name);
      return (await kind.ownership(name, owner, ctx)) === 'ours' ? [name] : [];
    },
    describe: (id) => `managed identity ${id}`,
  };
  return kind;
}
