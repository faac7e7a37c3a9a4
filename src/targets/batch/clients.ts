import type { BatchManagementClient } from '@azure/arm-batch';
import { BatchClient, BATCH_SCOPE } from '../../clouds/azure/batch';
import { azureFailure } from '../../clouds/azure/failure';
import { AppError } from '../../core/errors';
import type { TargetContext } from '../Target';
import { scopeOf, sessionClients, type ArmClients, type AzureScope } from '../azure/clients';
import { batchRecordDetails } from './details';

export interface BatchClients extends ArmClients {
  /** Microsoft.Batch 2023-11-01: accounts and pools (pools with managed identities are made here). */
  batch: BatchManagementClient;
}

const clientsFor = sessionClients<BatchClients>(async (session, authorization) => {
  const { BatchManagementClient: Client } = await import('@azure/arm-batch');
  return { session, authorization, batch: new Client(session.credential, session.subscription, session.clientOptions()) };
});

export const recordScope = (ctx: TargetContext): AzureScope => scopeOf(ctx.record ? batchRecordDetails(ctx.record.details) : {});

/** The ARM clients for a scope (the record's unless given). */
export const batchClients = (ctx: TargetContext, scope: AzureScope = recordScope(ctx)): Promise<BatchClients> => clientsFor(ctx, scope);

/** Entra's scope for the Batch data plane of each national cloud (a custom cloud, the double, answers for the public one's). */
const DATA_PLANE_SCOPES: Record<string, string> = {
  AzureChinaCloud: 'https://batch.chinacloudapi.cn/.default',
  AzureUSGovernment: 'https://batch.core.usgovcloudapi.net/.default',
};

const dataPlanes = new WeakMap<object, Map<string, BatchClient>>();

/** The account's data plane (2025-06-01) as the signed-in identity; one client per session and endpoint. */
export function dataPlane(c: BatchClients, endpoint: string): BatchClient {
  let byEndpoint = dataPlanes.get(c.session);
  if (!byEndpoint) dataPlanes.set(c.session, (byEndpoint = new Map()));
  let client = byEndpoint.get(endpoint);
  if (!client) byEndpoint.set(endpoint, (client = new BatchClient({ endpoint, credential: c.session.credential, scope: DATA_PLANE_SCOPES[c.session.cloud.name] ?? BATCH_SCOPE })));
  return client;
}

/** The account's data-plane host, from Resource Manager (also the proof that the account exists and is reachable). */
export async function accountEndpoint(c: BatchClients, resourceGroup: string, account: string): Promise<string> {
  let found;
  try {
    found = await c.batch.batchAccountOperations.get(resourceGroup, account);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) {
      throw new AppError('config-invalid', `There is no Batch account ${account} in ${resourceGroup}. Create one (\`az batch account create --name ${account} --resource-group ${resourceGroup}\`), or set targets.batch.account to an existing one.`);
    }
    throw azureFailure(`Reading the Batch account ${account}`, e);
  }
  if (!found.accountEndpoint) throw new AppError('deploy-failed', `Azure described the Batch account ${account} without an endpoint.`);
  return found.accountEndpoint;
}

/** The record's account and its data plane, for the live operations (invoke, map, logs, status). */
export async function recordDataPlane(ctx: TargetContext): Promise<{ c: BatchClients; data: BatchClient; poolId: string }> {
  const d = ctx.record ? batchRecordDetails(ctx.record.details) : {};
  if (!d.accountEndpoint || !d.poolId) throw new AppError('not-found', `"${ctx.record?.name ?? 'this deployment'}" has no Batch pool yet (its status is ${ctx.record?.status ?? 'unknown'}). Deploy it with \`rdeploy deploy --target batch\`.`);
  const c = await batchClients(ctx);
  return { c, data: dataPlane(c, d.accountEndpoint), poolId: d.poolId };
}
