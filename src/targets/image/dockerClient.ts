import type Dockerode from 'dockerode';
import { TAG_DEPLOYMENT } from '../../core/owner';

/** The part of dockerode the targets use: narrow, so a test double would stay honest. */
export type DockerClient = Pick<Dockerode, 'buildImage' | 'createContainer' | 'getContainer' | 'getImage' | 'listContainers' | 'listImages'>;

export type DockerFactory = () => Promise<DockerClient>;

/** HTTP status of a dockerode error (404 missing, 409 conflict, 304 not modified). */
export function dockerStatus(e: unknown): number | undefined {
  const code = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The engine's own sentence from a dockerode error ("No such container: ..."), not its wrapper text. */
export function dockerMessage(e: unknown): string {
  const json = (e as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return e instanceof Error ? e.message : String(e);
}

/** Runs a removal; "already gone" (404) and "already in progress" (409 on removal) count as done. */
export async function removeQuietly(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (e) {
    const status = dockerStatus(e);
    if (status === 404) return;
    if (status === 409 && /already in progress/i.test(dockerMessage(e))) return;
    throw e;
  }
}

/**
 * Removes an image we built, keeping its untagged parent layers: those are the classic
 * builder's cache (the restore layer takes minutes to rebuild). They are not running and cost
 * nothing; `docker image prune` reclaims them. The deployment's labels are the Dockerfile's last
 * step (ownerLabels.ts), so normally only the image itself carries them; images of older versions
 * got them as one build step per label, and those labelled parents are ours too and go with it.
 * The walk stops at the first parent without the label (the shared runtime image never has it),
 * or at one still in use.
 */
export async function removeImage(docker: Pick<DockerClient, 'getImage'>, id: string): Promise<void> {
  const inspect = (ref: string) =>
    docker
      .getImage(ref)
      .inspect()
      .catch((e: unknown) => {
        if (dockerStatus(e) === 404) return undefined;
        throw e;
      });
  let info = await inspect(id);
  const deployment = info?.Config?.Labels?.[TAG_DEPLOYMENT];
  let current: string | undefined = id;
  while (current) {
    const parent: string | undefined = info?.Parent || undefined;
    try {
      await removeQuietly(() => docker.getImage(current!).remove({ force: true, noprune: true }));
    } catch (e) {
      // A labelled parent that another image still builds on stays (409): it is that image's cache.
      if (current !== id && dockerStatus(e) === 409) return;
      throw e;
    }
    info = parent ? await inspect(parent) : undefined;
    current = deployment && info?.Config?.Labels?.[TAG_DEPLOYMENT] === deployment ? parent : undefined;
  }
}

/** The last lines the container printed, for an error message. */
export async function lastLogLines(docker: Pick<DockerClient, 'getContainer'>, id: string, n = 20): Promise<string[]> {
  try {
    const buf = (await docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, tail: n })) as Buffer;
    const lines: string[] = [];
    // Multiplexed frames (no TTY): 8-byte header, then the payload.
    for (let off = 0; off + 8 <= buf.length; ) {
      const size = buf.readUInt32BE(off + 4);
      lines.push(buf.subarray(off + 8, off + 8 + size).toString('utf8'));
      off += 8 + size;
    }
    return lines.join('').split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-n);
  } catch {
    return [];
  }
}
