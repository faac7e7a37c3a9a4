import { DOCKER_HUB, registryOf } from '../image/registryReference';

/** The fetch the lookup uses (the global one; tests pass a registry double). */
export type FetchLike = (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<Pick<Response, 'status' | 'headers' | 'json'>>;

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface Descriptor {
  size?: number;
  digest?: string;
  platform?: { os?: string; architecture?: string };
}
interface Manifest {
  manifests?: Descriptor[];
  layers?: Descriptor[];
  config?: Descriptor;
}

/**
 * The download size of an image not on this machine: its registry's manifest for the engine's
 * platform, the compressed layers summed (what a pull transfers). Anonymous, as `docker pull`
 * of a public image is. Undefined when the registry does not answer in time or wants a login:
 * the size is a courtesy, never a reason to fail.
 */
export async function remoteImageSize(image: string, opts: { fetch: FetchLike; timeoutMs: number; arch?: string }): Promise<number | undefined> {
  const ref = splitReference(image);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const get = makeGetter(opts.fetch, ref, controller.signal);
    let manifest = await get(`manifests/${ref.reference}`);
    if (manifest?.manifests) {
      const arch = opts.arch ?? (process.arch === 'x64' ? 'amd64' : process.arch);
      const one = manifest.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch);
      if (!one?.digest) return undefined;
      manifest = await get(`manifests/${one.digest}`);
    }
    if (!manifest?.layers) return undefined;
    return [...manifest.layers, manifest.config ?? {}].reduce((sum, l) => sum + (l.size ?? 0), 0);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** "rocker/r-ver:4.2.2" → registry-1.docker.io, library-less repository "rocker/r-ver", tag "4.2.2". */
export function splitReference(image: string): { host: string; repository: string; reference: string } {
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const name = hasTag ? named.slice(0, colon) : named;
  const reference = at >= 0 ? image.slice(at + 1) : hasTag ? named.slice(colon + 1) : 'latest';
  const registry = registryOf(name);
  if (registry === DOCKER_HUB) {
    const path = name.replace(/^(docker\.io|index\.docker\.io)\//, '');
    return { host: 'registry-1.docker.io', repository: path.includes('/') ? path : `library/${path}`, reference };
  }
  return { host: registry, repository: name.slice(registry.length + 1), reference };
}

/** GETs under /v2/<repository>/, answering a 401 with an anonymous bearer token once. */
function makeGetter(fetchFn: FetchLike, ref: { host: string; repository: string }, signal: AbortSignal) {
  let token: string | undefined;
  return async (tail: string): Promise<Manifest | undefined> => {
    const url = `https://${ref.host}/v2/${ref.repository}/${tail}`;
    const headers = (): Record<string, string> => ({ Accept: ACCEPT, ...(token ? { Authorization: `Bearer ${token}` } : {}) });
    let res = await fetchFn(url, { headers: headers(), signal });
    if (res.status === 401 && !token) {
      token = await anonymousToken(fetchFn, res.headers.get('www-authenticate'), signal);
      if (!token) return undefined;
      res = await fetchFn(url, { headers: headers(), signal });
    }
    return res.status === 200 ? ((await res.json()) as Manifest) : undefined;
  };
}

async function anonymousToken(fetchFn: FetchLike, challenge: string | null, signal: AbortSignal): Promise<string | undefined> {
  if (!challenge || !/^Bearer\s/i.test(challenge)) return undefined;
  const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
  if (!params.realm) return undefined;
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set('service', params.service);
  if (params.scope) url.searchParams.set('scope', params.scope);
  const res = await fetchFn(url.toString(), { headers: {}, signal });
  if (res.status !== 200) return undefined;
  const body = (await res.json()) as { token?: unknown; access_token?: unknown };
  const token = body.token ?? body.access_token;
  return typeof token === 'string' ? token : undefined;
}
