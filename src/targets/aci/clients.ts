import type { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import type { LogicManagementClient } from '@azure/arm-logic';
import type { TargetContext } from '../Target';
import { scopeOf, sessionClients, type ArmClients, type AzureScope } from '../azure/clients';
import { aciRecordDetails } from './details';

export interface AciClients extends ArmClients {
  aci: ContainerInstanceManagementClient;
  logic: LogicManagementClient;
}

export type { AzureScope };

export function recordScope(ctx: TargetContext): AzureScope {
  return scopeOf(ctx.record ? aciRecordDetails(ctx.record.details) : {});
}

const clientsFor = sessionClients<AciClients>(async (session, authorization) => {
  const [aciSdk, logicSdk] = await Promise.all([import('@azure/arm-containerinstance'), import('@azure/arm-logic')]);
  const options = session.clientOptions();
  return {
    session,
    authorization,
    aci: new aciSdk.ContainerInstanceManagementClient(session.credential, session.subscription, options),
    logic: new logicSdk.LogicManagementClient(session.credential, session.subscription, options),
  };
});

/** The ARM clients for a scope (the record's unless given). */
export const aciClients = (ctx: TargetContext, scope: AzureScope = recordScope(ctx)): Promise<AciClients> => clientsFor(ctx, scope);
