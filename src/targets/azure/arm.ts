import { azureFailure } from '../../clouds/azure/failure';
import { AppError, cancelledError } from '../../core/errors';
import type { TargetContext } from '../Target';
import type { ArmClients } from './clients';
import { isNotFound } from './ownership';

/**
 * One Resource Manager request for what has no SDK client that runs on Node 20 (resource groups,
 * managed identities, registries): any ARM client's pipeline signs it and retries throttling.
 * Answers the parsed body, or undefined for a 404 when `orNotFound`; other failures are one sentence.
 */
export async function armRequest<T>(clients: ArmClients, req: { method: 'GET' | 'PUT' | 'DELETE'; path: string; apiVersion: string; body?: unknown; what: string; orNotFound?: boolean }, signal?: AbortSignal): Promise<T | undefined> {
  const { createPipelineRequest, createHttpHeaders } = await import('@azure/core-rest-pipeline');
  const base = clients.session.cloud.resourceManager;
  const url = req.path.startsWith('https://') ? req.path : `${base}${req.path.replace(/^\//, '')}${req.path.includes('?') ? '&' : '?'}api-version=${req.apiVersion}`;
  let res;
  try {
    res = await clients.authorization.sendRequest(
      createPipelineRequest({ url, method: req.method, headers: createHttpHeaders({ 'content-type': 'application/json' }), ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}), ...(signal ? { abortSignal: signal } : {}) }),
    );
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    throw azureFailure(req.what, e);
  }
  let body: (T & { error?: { code?: string; message?: string } }) | undefined;
  try {
    body = res.bodyAsText ? (JSON.parse(res.bodyAsText) as T & { error?: { code?: string; message?: string } }) : undefined;
  } catch {
    // not JSON (a proxy's error page): the status says it
  }
  if (res.status === 404 && req.orNotFound) return undefined;
  if (res.status >= 200 && res.status < 300) return body;
  const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  throw azureFailure(req.what, Object.assign(new Error(err?.message ?? `HTTP ${res.status}`), { statusCode: res.status, code: err?.code }));
}

/** The resource group's location, which is also the proof that sign-in, subscription and group are right. */
export async function resourceGroupLocation(clients: ArmClients, resourceGroup: string, signal?: AbortSignal): Promise<string> {
  const rg = await armRequest<{ location?: string }>(clients, { method: 'GET', path: `subscriptions/${clients.session.subscription}/resourcegroups/${encodeURIComponent(resourceGroup)}`, apiVersion: '2021-04-01', what: `Reading the resource group ${resourceGroup}` }, signal);
  if (!rg?.location) throw new AppError('deploy-failed', `Resource Manager described the resource group ${resourceGroup} without a location.`);
  return rg.location;
}

/** The id of a built-in role, looked up by its name at the scope (never hard-coded). */
export async function roleDefinitionId(clients: ArmClients, scope: string, roleName: string): Promise<string> {
  try {
    for await (const d of clients.authorization.roleDefinitions.list(scope, { filter: `roleName eq '${roleName.replace(/'/g, "''")}'` })) {
      if (d.roleName === roleName && d.id) return d.id;
    }
  } catch (e) {
    throw azureFailure(`Looking up the role "${roleName}"`, e);
  }
  throw new AppError('deploy-failed', `The built-in role "${roleName}" does not exist in this cloud; the deployment cannot be given the access it needs.`);
}

const REPLICATION_MS = 5 * 60_000;

/**
 * Assigns a role to an identity. Entra takes a while to replicate a new principal, so
 * PrincipalNotFound right after the identity was made is retried (5 min at most); an assignment
 * that already exists (a redeploy) is kept.
 */
export async function assignRole(clients: ArmClients, a: { scope: string; name: string; properties: { roleDefinitionId: string; principalId: string; principalType: 'ServicePrincipal'; description: string } }, ctx: TargetContext): Promise<string> {
  const deadline = Date.now() + REPLICATION_MS;
  for (let delay = 2000; ; delay = Math.min(delay * 2, 15_000)) {
    try {
      const made = await clients.authorization.roleAssignments.create(a.scope, a.name, a.properties);
      return made.id!;
    } catch (e) {
      const code = (e as { code?: string }).code;
      // The same grant exists (under this name, or another a person made): that one is it.
      if (code === 'RoleAssignmentExists') return (await existingAssignment(clients, a)) ?? `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`;
      if (code !== 'PrincipalNotFound' || Date.now() + delay > deadline) throw azureFailure('Assigning a role', e);
      ctx.progress?.report({ message: 'Waiting for a new identity to reach Entra ID (it takes a little while)' });
      await new Promise((r) => setTimeout(r, delay));
      if (ctx.signal?.aborted) throw cancelledError();
    }
  }
}

/** The assignment at exactly this scope that gives this principal this role, if any. */
async function existingAssignment(clients: ArmClients, a: { scope: string; properties: { roleDefinitionId: string; principalId: string } }): Promise<string | undefined> {
  const same = (x: string | undefined, y: string) => x?.toLowerCase() === y.toLowerCase();
  for await (const found of clients.authorization.roleAssignments.listForScope(a.scope, { filter: `principalId eq '${a.properties.principalId}'` })) {
    if (found.id && same(found.scope, a.scope) && same(found.roleDefinitionId, a.properties.roleDefinitionId)) return found.id;
  }
  return undefined;
}

export { isNotFound };
