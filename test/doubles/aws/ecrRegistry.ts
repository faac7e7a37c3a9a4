import { createHash } from 'node:crypto';

/**
 * What the ECR double reads from the real registry behind it, through the registry's HTTP API v2
 * (the CNCF distribution spec): the tags of a repository, an image's manifest (digest, media
 * types, size), and manifest deletion for a forced DeleteRepository. Basic auth when the
 * registry has a password (test/support/registry.ts's htpasswd), 10 s per request.
 */

const IMAGE_MANIFEST_TYPES = ['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json'];
const INDEX_TYPES = ['application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json'];
/** Without these in Accept a registry may answer with (or convert to) an older schema, whose digest differs. */
const ACCEPT = [...IMAGE_MANIFEST_TYPES, ...INDEX_TYPES].join(', ');
const TIMEOUT_MS = 10_000;

export interface RegistryImage {
  /** sha256:… of the manifest as the registry serves it. */
  digest: string;
  manifestMediaType: string;
  /** The config's media type (ECR's artifactMediaType); undefined for an index. */
  artifactMediaType?: string;
  /** Layers and config together, as pushed (compressed); for an index the largest of its images. */
  sizeInBytes: number;
}

interface Descriptor {
  mediaType?: string;
  size?: number;
  digest?: string;
}

interface Manifest {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

export class RegistryReader {
  private readonly authorization?: string;

  constructor(
    private readonly host: string,
    credentials?: { username: string; password: string },
  ) {
    if (credentials) this.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }

  /** The repository's tags, sorted; none when the registry has never seen the repository. */
  async tags(repository: string): Promise<string[]> {
    const res = await this.request('GET', `/v2/${repository}/tags/list`);
    if (res.status === 404) return [];
    await expectOk(res, `GET /v2/${repository}/tags/list`);
    const body = (await res.json()) as { tags?: string[] | null };
    return [...(body.tags ?? [])].sort();
  }

  /** The image a tag or digest names, or undefined when the registry has no such manifest. */
  async image(repository: string, reference: string): Promise<RegistryImage | undefined> {
    const path = `/v2/${repository}/manifests/${reference}`;
    const res = await this.request('GET', path);
    if (res.status === 404) return undefined;
    await expectOk(res, `GET ${path}`);
    const raw = Buffer.from(await res.arrayBuffer());
    const digest = res.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    const manifest = JSON.parse(raw.toString('utf8')) as Manifest;
    const manifestMediaType = manifest.mediaType ?? res.headers.get('content-type') ?? '';
    if (INDEX_TYPES.includes(manifestMediaType) || Array.isArray(manifest.manifests)) {
      // "If the image is a manifest list, this will be the max size of all manifests in the list."
      // (ImageDetail.imageSizeInBytes in the ECR API reference)
      let largest = 0;
      for (const child of manifest.manifests ?? []) {
        const image = child.digest ? await this.image(repository, child.digest) : undefined;
        largest = Math.max(largest, image?.sizeInBytes ?? 0);
      }
      return { digest, manifestMediaType, sizeInBytes: largest };
    }
    const sizeInBytes = (manifest.layers ?? []).reduce((sum, layer) => sum + (layer.size ?? 0), manifest.config?.size ?? 0);
    return { digest, manifestMediaType, artifactMediaType: manifest.config?.mediaType, sizeInBytes };
  }

  /** The digest a tag points at now, or undefined when there is no such tag. */
  async digestOf(repository: string, tag: string): Promise<string | undefined> {
    const path = `/v2/${repository}/manifests/${tag}`;
    const res = await this.request('HEAD', path);
    if (res.status === 404) return undefined;
    await expectOk(res, `HEAD ${path}`);
    return res.headers.get('docker-content-digest') ?? (await this.image(repository, tag))?.digest;
  }

  /** Deletes a manifest (and so every tag on it). A registry without `storage.delete.enabled`
   * answers 405: that is left alone, the images stay behind. */
  async deleteManifest(repository: string, digest: string): Promise<void> {
    const path = `/v2/${repository}/manifests/${digest}`;
    const res = await this.request('DELETE', path);
    if (res.status === 404 || res.status === 405) return;
    await expectOk(res, `DELETE ${path}`);
  }

  private request(method: string, path: string): Promise<Response> {
    return fetch(`http://${this.host}${path}`, {
      method,
      headers: { Accept: ACCEPT, ...(this.authorization ? { Authorization: this.authorization } : {}) },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  }
}

async function expectOk(res: Response, what: string): Promise<void> {
  if (res.ok) return;
  const text = await res.text().catch(() => '');
  throw new Error(`the registry answered ${what} with ${res.status}: ${text.slice(0, 500)}`);
}
