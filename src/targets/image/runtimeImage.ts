import { homedir } from 'node:os';
import * as path from 'node:path';
import type { RuntimeImage } from '../../core/docker/runtimeImage';
import type { Progress } from '../../core/deployment';
import { thisProcess, waitForFileLock, type FileLockHolder } from '../lifecycle/fileLock';
import { buildImage } from './buildImage';
import { formatElapsed } from './buildProgress';
import { dockerStatus, type DockerClient } from './dockerClient';

export interface EnsureRuntimeOptions {
  signal?: AbortSignal;
  progress?: Progress;
  /** Where a failed build's log is written (the project being deployed: its .rdeploy/logs). */
  logRoot: string;
  /** Folder of the host-wide build locks (default runtimeLockDir()). */
  lockDir?: string;
  /** How often a waiting deploy looks at the lock again (default 1 s). */
  pollMs?: number;
  /** How often a waiting deploy says it still waits, and a long build step still runs (default 30 s). */
  heartbeatMs?: number;
  /** Build afresh even when the image exists (benchmarks measure a first build). */
  noCache?: boolean;
}

export interface EnsuredRuntime {
  tag: string;
  /** Whether this call built it (false: it existed, or another deploy built it meanwhile). */
  built: boolean;
  /** The other deploy this one waited for, if any. */
  waitedFor?: number;
}

interface RuntimeLockHolder extends FileLockHolder {
  purpose: string;
  tag: string;
}

/** `${XDG_CACHE_HOME:-~/.cache}/rdeploy/locks`: one folder per user, shared by the CLI and every VS Code window. */
export function runtimeLockDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(homedir(), '.cache');
  return path.join(cache, 'rdeploy', 'locks');
}

export const runtimeLockFile = (dir: string, runtime: Pick<RuntimeImage, 'hash'>): string => path.join(dir, `runtime-${runtime.hash}.lock`);

/**
 * Makes sure the shared runtime image exists: at once when the tag is there; otherwise one
 * process on this host builds it (a lock file per runtime hash) while any other deploy that
 * needs it waits for that build and then uses it — three deploys started together on a fresh
 * engine compile the runtime library once, not three times. A holder that died is taken over;
 * aborting the signal ends the wait or the build (cancelled). The image carries no owner labels:
 * it is nobody's deployment resource, so no destroy removes it (`docker image rm <tag>` does).
 */
export async function ensureRuntimeImage(docker: Pick<DockerClient, 'buildImage' | 'getImage'>, runtime: RuntimeImage, opts: EnsureRuntimeOptions): Promise<EnsuredRuntime> {
  const { progress, signal } = opts;
  if (!opts.noCache && (await upToDate(docker, runtime))) return { tag: runtime.tag, built: false };

  const file = runtimeLockFile(opts.lockDir ?? runtimeLockDir(), runtime);
  const heartbeat = opts.heartbeatMs ?? 30_000;
  const purpose = 'building the R Deploy runtime';
  let waitedFor: number | undefined;
  let lastSaid = -Infinity;
  const lock = await waitForFileLock<RuntimeLockHolder>(
    file,
    () => ({ ...thisProcess(), purpose, tag: runtime.tag }),
    { pid: 0, host: '?', startedAt: '?', purpose, tag: runtime.tag },
    {
      signal,
      pollMs: opts.pollMs,
      onBusy: (holder, waited) => {
        // The first holder seen is the builder; a later one is another waiter re-checking the tag.
        if (holder) waitedFor ??= holder.pid;
        if (waited - lastSaid < heartbeat) return;
        lastSaid = waited;
        const who = holder ? `another deploy (pid ${holder.pid}${holder.host === thisProcess().host ? '' : ` on ${holder.host}`})` : 'another deploy';
        progress?.report({ message: `Waiting for ${who} to build the R Deploy runtime (${formatElapsed(waited)})` });
      },
    },
  );
  try {
    if (lock.tookOver) progress?.report({ note: `took over the R Deploy runtime's build lock from pid ${lock.tookOver.pid}, which is no longer running` });
    // Built by the deploy this one waited for (or by any other meanwhile): nothing to do.
    if ((!opts.noCache || waitedFor !== undefined) && (await upToDate(docker, runtime))) {
      if (waitedFor !== undefined) progress?.report({ message: `Using the R Deploy runtime ${runtime.tag}, built by pid ${waitedFor}` });
      return { tag: runtime.tag, built: false, ...(waitedFor !== undefined ? { waitedFor } : {}) };
    }
    progress?.report({ message: `Building the R Deploy runtime ${runtime.tag} on ${runtime.baseImage}: once for every project on this base image` });
    const baseId = (await inspect(docker, runtime.baseImage))?.Id;
    await buildImage(docker, {
      root: opts.logRoot,
      generatedOnly: true,
      what: 'Building the R Deploy runtime',
      inputs: { dockerfile: runtime.dockerfile, dockerignore: '', files: runtime.files },
      tag: runtime.tag,
      // Which base image it was built on: a newer one pulled under the same tag makes it stale.
      labels: baseId ? { [BASE_ID_LABEL]: baseId } : {},
      ...(signal ? { signal } : {}),
      ...(progress ? { progress } : {}),
      ...(opts.noCache ? { noCache: true } : {}),
      heartbeatMs: heartbeat,
    });
    return { tag: runtime.tag, built: true, ...(waitedFor !== undefined ? { waitedFor } : {}) };
  } finally {
    await lock.release();
  }
}

export const BASE_ID_LABEL = 'rdeploy.base-image-id';

/**
 * The runtime image exists and was built on the base image the tag names today. The tag's hash
 * covers the base image's reference, not its content: after `docker pull rocker/r-ver:latest`
 * brings a newer one, the runtime is built again on it (as the build cache would have done).
 */
async function upToDate(docker: Pick<DockerClient, 'getImage'>, runtime: RuntimeImage): Promise<boolean> {
  const built = await inspect(docker, runtime.tag);
  if (!built) return false;
  const on = built.Config?.Labels?.[BASE_ID_LABEL];
  if (!on) return true;
  const base = await inspect(docker, runtime.baseImage);
  return !base || base.Id === on;
}

async function inspect(docker: Pick<DockerClient, 'getImage'>, ref: string): Promise<{ Id: string; Config?: { Labels?: Record<string, string> | null } } | undefined> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (e) {
    if (dockerStatus(e) === 404) return undefined;
    throw e;
  }
}
