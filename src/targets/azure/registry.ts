import { AppError } from '../../core/errors';
import type { RegistryCredentials } from '../image/push';
import type { TargetContext } from '../Target';

/**
 * The registry the deploy pushes to and every run pulls from, reached through its HTTP API v2
 * (the CNCF distribution spec) for what the engine does not do: read an image's labels (whose is
 * it?) and delete it on destroy. Basic auth, or a bearer token got with it when the registry
 * challenges for one (ACR, Docker Hub, GHCR). Loopback registries speak plain HTTP, as the engine
 * allows; every other registry HTTPS.
 */

const ENV_USER = 'RDEPLOY_REGISTRY_USERNAME';
const ENV_PASSWORD = 'RDEPLOY_REGISTRY_PASSWORD';

/** The registry login (the environment, or the extension's secret storage); the container group pulls with it too. Never recorded. */
export async function registryCredentials(server: string, ctx: TargetContext): Promise<RegistryCredentials> {
  const login = await ctx.connections.registry?.(server);
  if (!login) {
    throw new AppError(
      'config-invalid',
      `Each run pulls the image from ${server}, so the deploy needs a registry login: set ${ENV_USER} and ${ENV_PASSWORD}, or enter it when VS Code asks (for Azure Container Registry, a token with push and pull rights: \`az acr token create --registry <name> --name rdeploy --scope-map _repositories_push\`). The password goes to Azure as a secure workflow parameter and is never written down.`,
    );
  }
  return login;
}

const TIMEOUT_MS = 15_000;
const MANIFEST_TYPES = ['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json'].join(', ');

const isLoopback = (host: string) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host);
const base = (server: string) => `${isLoopback(server) ? 'http' : 'https'}://${server}`;

async function send(server: string, path: string, init: { method?: string; accept?: string; credentials: RegistryCredentials; scope: string }, signal?: AbortSignal): Promise<Response> {
  const basic = `Basic ${Buffer.from(`${init.credentials.username}:${init.credentials.password}`).toString('base64')}`;
  const attempt = (authorization: string) =>
    fetch(`${base(server)}${path}`, { method: init.method ?? 'GET', headers: { authorization, ...(init.accept ? { accept: init.accept } : {}) }, signal: timeout(signal) });
  const first = await attempt(basic);
  const challenge = first.headers.get('www-authenticate') ?? '';
  if (first.status !== 401 || !/^Bearer /i.test(challenge)) return first;
  // Token auth: ask the realm for a token for this repository, with the basic login.
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const url = new URL(params.realm ?? '', base(server));
  // The login goes only to a realm on HTTPS, or to the registry itself: never to wherever a challenge points.
  if (url.protocol !== 'https:' && url.host !== server) throw new AppError('deploy-failed', `The registry ${server} asked for its login at ${url.protocol}//${url.host}, which is neither HTTPS nor the registry itself; R Deploy does not send it there.`);
  if (params.service) url.searchParams.set('service', params.service);
  url.searchParams.set('scope', init.scope);
  const tokenRes = await fetch(url, { headers: { authorization: basic }, signal: timeout(signal) });
  if (!tokenRes.ok) return tokenRes;
  const token = ((await tokenRes.json()) as { token?: string; access_token?: string });
  return attempt(`Bearer ${token.token ?? token.access_token ?? ''}`);
}

const timeout = (signal?: AbortSignal) => (signal ? AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS));

/** The manifest digest the registry serves for a tag or digest; undefined when it has none. */
export async function manifestDigest(server: string, repository: string, reference: string, credentials: RegistryCredentials, signal?: AbortSignal): Promise<string | undefined> {
  const res = await send(server, `/v2/${repository}/manifests/${reference}`, { method: 'HEAD', accept: MANIFEST_TYPES, credentials, scope: `repository:${repository}:pull` }, signal);
  if (res.status === 404) return undefined;
  if (!res.ok) throw registryError(server, 'reading the image', res.status);
  return res.headers.get('docker-content-digest') ?? undefined;
}

/** The image's labels (its config's), which say whose deployment it belongs to; undefined when it is gone. */
export async function imageLabels(server: string, repository: string, reference: string, credentials: RegistryCredentials, signal?: AbortSignal): Promise<Record<string, string> | undefined> {
  const scope = `repository:${repository}:pull`;
  const res = await send(server, `/v2/${repository}/manifests/${reference}`, { accept: MANIFEST_TYPES, credentials, scope }, signal);
  if (res.status === 404) return undefined;
  if (!res.ok) throw registryError(server, 'reading the image', res.status);
  const manifest = (await res.json()) as { config?: { digest?: string } };
  if (!manifest.config?.digest) return {};
  const blob = await send(server, `/v2/${repository}/blobs/${manifest.config.digest}`, { credentials, scope }, signal);
  if (!blob.ok) throw registryError(server, "reading the image's configuration", blob.status);
  return ((await blob.json()) as { config?: { Labels?: Record<string, string> } }).config?.Labels ?? {};
}

/** Deletes the manifest (by digest, as the API requires); already gone counts as deleted. */
export async function deleteManifest(server: string, repository: string, digest: string, credentials: RegistryCredentials, signal?: AbortSignal): Promise<void> {
  const res = await send(server, `/v2/${repository}/manifests/${digest}`, { method: 'DELETE', credentials, scope: `repository:${repository}:delete,pull` }, signal);
  if (res.status === 404 || res.ok) return;
  if (res.status === 405) throw new AppError('deploy-failed', `The registry ${server} does not allow deleting images (HTTP 405); delete ${repository}@${digest} there by hand.`);
  throw registryError(server, 'deleting the image', res.status);
}

const registryError = (server: string, doing: string, status: number) =>
  new AppError('deploy-failed', `The registry ${server} answered HTTP ${status} ${doing}${status === 401 || status === 403 ? `: check ${ENV_USER} and ${ENV_PASSWORD}` : ''}.`);
