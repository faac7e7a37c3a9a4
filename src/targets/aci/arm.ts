import { azureFailure } from '../../clouds/azure/failure';
import { AppError, cancelledError } from '../../core/errors';
import type { TargetContext } from '../Target';
import type { AciClients } from './clients';
import { isNotFound } from './ownership';

/** The resource group's location, which is also the proof that sign-in, subscription and group are right. */
export async function resourceGroupLocation(clients: AciClients, resourceGroup: string, signal?: AbortSignal): Promise<string> {
  const { createPipelineRequest } = await import('@azure/core-rest-pipeline');
  const { session } = clients;
  const url = `${session.cloud.resourceManager}subscriptions/${session.subscription}/resourcegroups/${encodeURIComponent(resourceGroup)}?api-version=2021-04-01`;
  let res;
  try {
    // Any ARM client's pipeline signs the request (@azure/arm-resources itself needs Node 22).
    res = await clients.aci.sendRequest(createPipelineRequest({ url, method: 'GET', ...(signal ? { abortSignal: signal } : {}) }));
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    throw azureFailure(`Reading the resource group ${resourceGroup}`, e);
  }
  const body = res.bodyAsText ? (JSON.parse(res.bodyAsText) as { location?: string; error?: { code?: string; message?: string } }) : {};
  if (res.status === 200 && body.location) return body.location;
  throw azureFailure(`Reading the resource group ${resourceGroup}`, Object.assign(new Error(body.error?.message ?? `HTTP ${res.status}`), { statusCode: res.status, code: body.error?.code }));
}

/** The id of a built-in role, looked up by its name at the scope (never hard-coded). */
export async function roleDefinitionId(clients: AciClients, scope: string, roleName: string): Promise<string> {
  try {
    for await (const d of clients.authorization.roleDefinitions.list(scope, { filter: `roleName eq '${roleName.replace(/'/g, "''")}'` })) {
      if (d.roleName === roleName && d.id) return d.id;
    }
  } catch (e) {
    throw azureFailure(`Looking up the role "${roleName}"`, e);
  }
  throw new AppError('deploy-failed', `The built-in role "${roleName}" does not exist in this cloud; the workflow cannot be allowed to create container groups.`);
}

const REPLICATION_MS = 5 * 60_000;

/**
 * Assigns a role to the workflow's new identity. Entra takes a while to replicate a new
 * principal, so PrincipalNotFound right after the workflow was made is retried (5 min at most);
 * an assignment that already exists (a redeploy) is kept.
 */
export async function assignRole(clients: AciClients, a: { scope: string; name: string; properties: { roleDefinitionId: string; principalId: string; principalType: 'ServicePrincipal'; description: string } }, ctx: TargetContext): Promise<string> {
  const deadline = Date.now() + REPLICATION_MS;
  for (let delay = 2000; ; delay = Math.min(delay * 2, 15_000)) {
    try {
      const made = await clients.authorization.roleAssignments.create(a.scope, a.name, a.properties);
      return made.id!;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'RoleAssignmentExists') return `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`;
      if (code !== 'PrincipalNotFound' || Date.now() + delay > deadline) throw azureFailure('Allowing the workflow to create container groups', e);
      ctx.progress?.report({ message: "Waiting for the workflow's new identity to reach Entra ID (it takes a little while)" });
      await new Promise((r) => setTimeout(r, delay));
      if (ctx.signal?.aborted) throw cancelledError();
    }
  }
}

export { isNotFound };
