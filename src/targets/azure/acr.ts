import { AppError } from '../../core/errors';
import type { AzureSession } from '../../clouds/azure/session';
import type { RegistryCredentials } from '../image/push';
import { armRequest } from './arm';
import type { ArmClients } from './clients';
import { registryCredentials } from './registry';
import type { TargetContext } from '../Target';

/**
 * Azure Container Registry without passwords: the deploy pushes with the user's Entra token
 * exchanged for a registry refresh token (what `az acr login` does), and each run's group pulls
 * through a user-assigned identity holding AcrPull. The refresh token is held in memory only.
 */

/** The user name the Docker engine presents with an ACR refresh token. */
const ACR_TOKEN_USER = '00000000-0000-0000-0000-000000000000';
const TIMEOUT_MS = 15_000;

const isLoopback = (host: string) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host);

/** The tenant an Entra token was issued in (its `tid` claim), which the exchange asks for. */
function tenantOf(token: string): string | undefined {
  try {
    return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { tid?: string }).tid;
  } catch {
    return undefined;
  }
}

/** A registry login for the Docker engine, from the session's Entra token. */
export async function acrLogin(server: string, session: AzureSession, signal?: AbortSignal): Promise<RegistryCredentials> {
  const token = await session.credential.getToken(`${session.cloud.audience}.default`, signal ? { abortSignal: signal as never } : {});
  if (!token) throw new AppError('config-invalid', `No Azure token for ${server}: sign in again (\`az login\`).`);
  const tenant = tenantOf(token.token);
  const form = new URLSearchParams({ grant_type: 'access_token', service: server, access_token: token.token, ...(tenant ? { tenant } : {}) });
  const url = `${isLoopback(server) ? 'http' : 'https'}://${server}/oauth2/exchange`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form, signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new AppError('deploy-failed', `The registry ${server} could not be reached to sign in (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}).`, { cause: e });
  }
  if (!res.ok) {
    throw new AppError('deploy-failed', `The registry ${server} refused your Azure sign-in (HTTP ${res.status}). Your identity needs AcrPush on it; or set registryAuth=password with RDEPLOY_REGISTRY_USERNAME/PASSWORD.`);
  }
  const refresh = ((await res.json()) as { refresh_token?: string }).refresh_token;
  if (!refresh) throw new AppError('deploy-failed', `The registry ${server} answered its sign-in without a token.`);
  return { username: ACR_TOKEN_USER, password: refresh };
}

interface RegistryList {
  value?: Array<{ id?: string; properties?: { loginServer?: string } }>;
  nextLink?: string;
}

/** The registry's ARM id, found by its login server among the subscription's registries (the AcrPull scope). */
export async function registryResourceId(clients: ArmClients, server: string, signal?: AbortSignal): Promise<string> {
  let path: string | undefined = `subscriptions/${clients.session.subscription}/providers/Microsoft.ContainerRegistry/registries`;
  for (let pages = 0; path && pages < 50; pages++) {
    const page: RegistryList | undefined = await armRequest<RegistryList>(clients, { method: 'GET', path, apiVersion: '2023-07-01', what: 'Listing the container registries' }, signal);
    const found = page?.value?.find((r) => r.properties?.loginServer?.toLowerCase() === server.toLowerCase());
    if (found?.id) return found.id;
    path = page?.nextLink && new URL(page.nextLink).host === new URL(clients.session.cloud.resourceManager).host ? page.nextLink : undefined;
  }
  throw new AppError('config-invalid', `No Azure Container Registry with the login server ${server} is in subscription ${clients.session.subscription}. Check the registry setting, or set registryAuth=password for another registry.`);
}

export const MANAGED_IDENTITY_API = '2023-01-31';

/** Creates (or updates) the pull identity; answers its id and principal. */
export async function ensurePullIdentity(clients: ArmClients, id: string, body: { location: string; tags: Record<string, string> }, signal?: AbortSignal): Promise<{ id: string; principalId: string }> {
  const made = await armRequest<{ id?: string; properties?: { principalId?: string } }>(clients, { method: 'PUT', path: id, apiVersion: MANAGED_IDENTITY_API, body, what: 'Creating the pull identity' }, signal);
  if (!made?.properties?.principalId) throw new AppError('deploy-failed', 'Azure created the pull identity without a principal; it cannot be given AcrPull.');
  return { id: made.id ?? id, principalId: made.properties.principalId };
}

/** The login the deploy pushes (and destroy deletes) with: the user's Entra token exchanged at the registry, or the registry login. */
export async function pushLogin(registryAuth: 'identity' | 'password', server: string, clients: ArmClients, ctx: TargetContext): Promise<RegistryCredentials> {
  return registryAuth === 'identity' ? acrLogin(server, clients.session, ctx.signal) : registryCredentials(server, ctx);
}
