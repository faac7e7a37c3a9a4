import { taggedFor, ownerTags, type Owner } from '../../core/owner';
import { currentResource, type DeploymentRecord } from '../../core/records/record';
import { dockerStatus, removeImage, removeQuietly, type DockerClient } from '../image/dockerClient';
import type { Ownership, ResourceKind, TargetContext } from '../Target';
import { localRecordDetails } from './details';
import { containerName } from './plan';

/** The container a record points to: its recorded id when it was created, else its name. */
export function containerRef(record: DeploymentRecord): string {
  return currentResource(record, 'container') ?? containerName(record.name);
}

/** Docker label filters that select exactly one deployment's objects. */
export function labelFilters(owner: Owner): { label: string[] } {
  return { label: Object.entries(ownerTags(owner)).map(([k, v]) => `${k}=${v}`) };
}

/** Docker's short form of a full id; undefined for a name or a tag. */
const shortId = (id: string): string | undefined => {
  const hex = id.replace(/^sha256:/, '');
  return /^[0-9a-f]{64}$/.test(hex) ? hex.slice(0, 12) : undefined;
};

async function labelsOf(inspect: () => Promise<{ Config?: { Labels?: Record<string, string> | null } }>, owner: Owner): Promise<Ownership> {
  try {
    return taggedFor((await inspect()).Config?.Labels, owner) ? 'ours' : 'theirs';
  } catch (e) {
    if (dockerStatus(e) === 404) return 'gone';
    throw e;
  }
}

const docker = (ctx: TargetContext): Promise<DockerClient> => ctx.connections.docker();

/** Marks the containers of one `rdeploy map` run (local/map.ts): `<host>:<pid>` of the process that started them. */
export const MAP_LABEL = 'rdeploy-map';

/** The deployment's `rdeploy map` containers (of any run, or only those `keep` says no to). */
export async function removeMapContainers(d: DockerClient, owner: Owner, keep: (label: string) => boolean = () => false): Promise<void> {
  const list = await d.listContainers({ all: true, filters: { label: [...labelFilters(owner).label, MAP_LABEL] } });
  for (const c of list) if (!keep(c.Labels[MAP_LABEL] ?? '')) await removeQuietly(() => d.getContainer(c.Id).remove({ force: true }));
}

/** Images: removed with their labelled LABEL-step parents, never the shared build cache (see removeImage). */
export const imageResource: ResourceKind = {
  billable: false,
  ownership: async (id, owner, ctx) => {
    const d = await docker(ctx);
    return labelsOf(() => d.getImage(id).inspect(), owner);
  },
  remove: async (id, ctx) => {
    const d = await docker(ctx);
    // Containers a killed `rdeploy map` left run this image: they go first, or the image could not.
    if (ctx.record) await removeMapContainers(d, { root: ctx.record.projectRoot, name: ctx.record.name });
    await removeImage(d, id);
  },
  find: async (owner, ctx) => (await (await docker(ctx)).listImages({ all: true, filters: labelFilters(owner) })).map((i) => i.Id),
  describe: (id, record) => {
    // The tag belongs to the current image only: a carried older image is named by its id.
    const d = localRecordDetails(record.details);
    const short = shortId(id);
    if (!short) return `image ${id}`;
    return d.image && (!d.imageId || d.imageId === id) ? `image ${d.image} (${short})` : `image ${short}`;
  },
};

export const containerResource: ResourceKind = {
  billable: false,
  ownership: async (id, owner, ctx) => {
    const d = await docker(ctx);
    return labelsOf(() => d.getContainer(id).inspect(), owner);
  },
  remove: async (id, ctx) => {
    const d = await docker(ctx);
    await removeQuietly(() => d.getContainer(id).remove({ force: true }));
  },
  find: async (owner, ctx) => (await (await docker(ctx)).listContainers({ all: true, filters: labelFilters(owner) })).map((c) => c.Id),
  describe: (id, record) => {
    const short = shortId(id);
    return short ? `container ${localRecordDetails(record.details).container ?? containerName(record.name)} (${short})` : `container ${id}`;
  },
};
