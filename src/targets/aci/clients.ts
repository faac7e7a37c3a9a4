import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import type { LogicManagementClient } from '@azure/arm-logic';
import { AppError } from '../../core/errors';
import type { AzureSession } from '../../clouds/azure/session';
import type { TargetContext } from '../Target';
import { aciRecordDetails } from './details';

export interface AciClients {
  session: AzureSession;
  aci: ContainerInstanceManagementClient;
  logic: LogicManagementClient;
  authorization: AuthorizationManagementClient;
}

/** Where an operation's ARM calls go: the plan's settings, else the record's. */
export interface AzureScope {
  cloud?: string;
  subscription?: string;
}

export function recordScope(ctx: TargetContext): AzureScope {
  const d = ctx.record ? aciRecordDetails(ctx.record.details) : {};
  return { ...(d.cloud ? { cloud: d.cloud } : {}), ...(d.subscription ? { subscription: d.subscription } : {}) };
}

const made = new WeakMap<AzureSession, Promise<AciClients>>();

/** The ARM clients for a scope, loaded on first use (no Azure SDK for a user who never deploys to Azure) and made once per session. */
export async function aciClients(ctx: TargetContext, scope: AzureScope = recordScope(ctx)): Promise<AciClients> {
  if (!ctx.connections.azure) throw new AppError('internal', 'This R Deploy host cannot reach Azure (no Azure connection).');
  const session = await ctx.connections.azure({ ...scope, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  let clients = made.get(session);
  if (!clients) {
    clients = (async () => {
      const [aciSdk, logicSdk, authSdk] = await Promise.all([import('@azure/arm-containerinstance'), import('@azure/arm-logic'), import('@azure/arm-authorization')]);
      const options = session.clientOptions();
      return {
        session,
        aci: new aciSdk.ContainerInstanceManagementClient(session.credential, session.subscription, options),
        logic: new logicSdk.LogicManagementClient(session.credential, session.subscription, options),
        authorization: new authSdk.AuthorizationManagementClient(session.credential, session.subscription, options),
      };
    })();
    made.set(session, clients);
  }
  return clients;
}
