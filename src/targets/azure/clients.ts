import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import { AppError } from '../../core/errors';
import type { AzureSession } from '../../clouds/azure/session';
import type { TargetContext } from '../Target';

/*
 * What the Azure targets share: a session (cloud, subscription, credential) and the
 * Authorization client, whose pipeline also signs the raw Resource Manager requests of arm.ts.
 * Each target adds its own SDK clients; all are loaded on first use (no Azure SDK for a user who
 * never deploys to Azure) and made once per session.
 */

export interface ArmClients {
  session: AzureSession;
  authorization: AuthorizationManagementClient;
}

/** Where an operation's ARM calls go: the plan's settings, else the record's. */
export interface AzureScope {
  cloud?: string;
  subscription?: string;
}

/** The scope named by settings or record details (either may leave both out: the session's defaults). */
export const scopeOf = (d: { cloud?: string | undefined; subscription?: string | undefined }): AzureScope => ({
  ...(d.cloud ? { cloud: d.cloud } : {}),
  ...(d.subscription ? { subscription: d.subscription } : {}),
});

/** A target's clients for a scope, made by `make` once per session. */
export function sessionClients<C extends ArmClients>(make: (session: AzureSession, authorization: AuthorizationManagementClient) => Promise<C>): (ctx: TargetContext, scope: AzureScope) => Promise<C> {
  const made = new WeakMap<AzureSession, Promise<C>>();
  return async (ctx, scope) => {
    if (!ctx.connections.azure) throw new AppError('internal', 'This R Deploy host cannot reach Azure (no Azure connection).');
    const session = await ctx.connections.azure({ ...scope, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    let clients = made.get(session);
    if (!clients) {
      clients = (async () => {
        const { AuthorizationManagementClient } = await import('@azure/arm-authorization');
        return make(session, new AuthorizationManagementClient(session.credential, session.subscription, session.clientOptions()));
      })();
      made.set(session, clients);
      clients.catch(() => made.delete(session));
    }
    return clients;
  };
}
