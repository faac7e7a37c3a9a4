import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { homedir, tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import type { RuntimeImage } from '../../core/docker/runtimeImage';
import type { Progress } from '../../core/deployment';
import { AppError } from '../../core/errors';
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
  /** The image id the tag names now: the project's build starts FROM exactly this (see pinRuntime). */
  id: string;
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

/** The lock folder, made if needed; a home folder that cannot be written (common on CI) falls back to the temp folder. */
async function writableLockDir(dir: string): Promise<string> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return dir;
  } catch {
    const fallback = path.join(tmpdir(), `rdeploy-locks-${userInfo().uid}`);
    await mkdir(fallback, { recursive: true });
    return fallback;
  }
}

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
  if (!opts.noCache) {
    const id = await upToDate(docker, runtime);
    if (id) return { tag: runtime.tag, id, built: false };
  }

  const file = runtimeLockFile(await writableLockDir(opts.lockDir ?? runtimeLockDir()), runtime);
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
        const remote = holder !== undefined && holder.host !== thisProcess().host;
        const who = holder ? `another deploy (pid ${holder.pid}${remote ? ` on ${holder.host}` : ''})` : 'another deploy';
        // A holder on another host (a shared home folder) cannot be seen to have died: say how to free it.
        const free = remote ? `; if that deploy is gone, delete ${file}` : '';
        progress?.report({ message: `Waiting for ${who} to build the R Deploy runtime (${formatElapsed(waited)})${free}` });
      },
    },
  );
  try {
    if (lock.tookOver) progress?.report({ note: `took over the R Deploy runtime's build lock from pid ${lock.tookOver.pid}, which is no longer running` });
    // Built by the deploy this one waited for (or by any other meanwhile): nothing to do.
    const ready = !opts.noCache || waitedFor !== undefined ? await upToDate(docker, runtime) : undefined;
    if (ready) {
      if (waitedFor !== undefined) progress?.report({ message: `Using the R Deploy runtime ${runtime.tag}, built by pid ${waitedFor}` });
      return { tag: runtime.tag, id: ready, built: false, ...(waitedFor !== undefined ? { waitedFor } : {}) };
    }
    progress?.report({ message: `Building the R Deploy runtime ${runtime.tag} on ${runtime.baseImage}: once for every project on this base image` });
    await buildImage(docker, {
      root: opts.logRoot,
      generatedOnly: true,
      what: 'Building the R Deploy runtime',
      inputs: { dockerfile: runtime.dockerfile, dockerignore: '', files: runtime.files },
      tag: runtime.tag,
      labels: {},
      ...(signal ? { signal } : {}),
      ...(progress ? { progress } : {}),
      ...(opts.noCache ? { noCache: true } : {}),
      heartbeatMs: heartbeat,
    });
    const id = (await inspect(docker, runtime.tag))?.Id;
    if (!id) throw new AppError('build-failed', `The build of the R Deploy runtime ${runtime.tag} ended without the image. Deploy again; if it happens again, run with --verbose.`);
    return { tag: runtime.tag, id, built: true, ...(waitedFor !== undefined ? { waitedFor } : {}) };
  } finally {
    await lock.release();
  }
}

/**
 * The runtime image's id when it exists and was built on the base image the tag names today (its
 * layers start with the base image's); undefined otherwise. The tag's hash covers the base
 * image's reference, not its content: after `docker pull rocker/r-ver:latest` brings a newer
 * one, the runtime is built again on it, as the build cache would have done. A base image not
 * on this engine (removed since) says nothing against it.
 */
async function upToDate(docker: Pick<DockerClient, 'getImage'>, runtime: RuntimeImage): Promise<string | undefined> {
  const built = await inspect(docker, runtime.tag);
  if (!built) return undefined;
  const base = await inspect(docker, runtime.baseImage);
  const baseLayers = base?.RootFS?.Layers ?? [];
  const builtLayers = built.RootFS?.Layers ?? [];
  const onIt = baseLayers.every((layer, i) => builtLayers[i] === layer);
  return onIt ? built.Id : undefined;
}

/**
 * The project's Dockerfile with its FROM pinned to the runtime image id just ensured: the build
 * can then never fetch `rdeploy-runtime:<hash>` from a registry, nor use one another deploy
 * re-tagged meanwhile. The rest of the Dockerfile is what `rdeploy dockerfile` shows.
 */
export function pinRuntime(dockerfile: string, runtime: Pick<EnsuredRuntime, 'tag' | 'id'>): string {
  const from = `FROM ${runtime.tag}\n`;
  if (!dockerfile.includes(from)) throw new AppError('internal', `The Dockerfile does not start FROM ${runtime.tag}.`);
  return dockerfile.replace(from, `FROM ${runtime.id}\n`);
}

async function inspect(docker: Pick<DockerClient, 'getImage'>, ref: string): Promise<{ Id: string; RootFS?: { Layers?: string[] } } | undefined> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (e) {
    if (dockerStatus(e) === 404) return undefined;
    throw e;
  }
}
