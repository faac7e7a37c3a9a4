import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract, type Header as TarHeader } from 'tar-stream';
import { AppError, cancelledError } from '../../../core/errors';
import { dockerMessage, lastLogLines, removeQuietly, type DockerClient } from '../../image/dockerClient';

/** Where collect.sh (shipped with the runtime, so it is in every project image) writes, inside the container. */
const COLLECT_SCRIPT = '/opt/rdeploy/runtime/lambda/collect.sh';
const CONTAINER_OUT = '/tmp/rdeploy-package';

/** R package names: what RDEPLOY_PACKAGES may carry (collect.sh splits it on spaces). */
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9.]*$/;

/** What collect.sh measured and found (its `facts` file). */
export interface CollectFacts {
  rVersion: string;
  /** `uname -m` of the builder: x86_64 or aarch64. */
  arch: string;
  /** File bytes of the layers' content as collected, after pruning docs and translations, and after `strip`. */
  bytesBefore: number;
  bytesPruned: number;
  bytesAfter: number;
  /** Whether the builder has `strip` (debug symbols stripped; the saving is bytesPruned − bytesAfter). */
  stripped: boolean;
  /** Shared libraries a file asks for that the builder does not have either. */
  missingLibraries: string[];
}

/**
 * Runs collect.sh in a container of the project image (no network; the image's own user) and
 * copies what it gathered into `staging`: `opt/` (the layers' content) and `task/` (function.zip's).
 * The container goes whatever happens.
 */
export async function collectFromImage(
  docker: Pick<DockerClient, 'createContainer' | 'getContainer'>,
  image: string,
  opts: { packages: readonly string[]; staging: string; signal?: AbortSignal },
): Promise<CollectFacts> {
  const packages = opts.packages.filter((p) => PACKAGE_NAME.test(p));
  const container = await docker.createContainer({
    Image: image,
    Cmd: ['sh', COLLECT_SCRIPT, CONTAINER_OUT],
    Env: [`RDEPLOY_PACKAGES=${packages.join(' ')}`],
    HostConfig: { NetworkMode: 'none' },
  });
  const stop = () => void container.remove({ force: true }).catch(() => undefined);
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (opts.signal?.aborted) throw cancelledError();
    if (StatusCode !== 0) {
      const lines = await lastLogLines(docker, container.id, 15);
      throw new AppError('build-failed', `Collecting R and its libraries from the image failed (exit ${StatusCode}): ${lines.slice(-3).join(' | ') || 'no output'}.`);
    }
    const archive = (await container.getArchive({ path: CONTAINER_OUT })) as NodeJS.ReadableStream;
    await untar(archive, opts.staging, path.posix.basename(CONTAINER_OUT));
    return readFacts(path.join(opts.staging, 'facts'));
  } catch (e) {
    if (opts.signal?.aborted) throw cancelledError();
    if (e instanceof AppError) throw e;
    throw new AppError('build-failed', `Collecting R and its libraries from the image failed: ${dockerMessage(e)}.`, { cause: e });
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    await removeQuietly(() => container.remove({ force: true }));
  }
}

/**
 * Unpacks the engine's archive of `top/` into `dir`: regular files and folders only, and only
 * under `top/` (the archive comes from a container that ran the user's packages' code at build
 * time: nothing in it may write outside the staging folder).
 */
async function untar(archive: NodeJS.ReadableStream, dir: string, top: string): Promise<void> {
  const ex = extract();
  ex.on('entry', (header: TarHeader, stream, next) => {
    const done = (e?: unknown) => (e ? ex.destroy(e as Error) : next());
    const parts = header.name.split('/').filter(Boolean);
    if (parts[0] !== top || parts.includes('..') || parts.includes('.')) {
      stream.resume();
      return done(new Error(`unexpected path in the archive: ${header.name}`));
    }
    const target = path.join(dir, ...parts.slice(1));
    if (header.type === 'directory') {
      stream.resume();
      mkdir(target, { recursive: true }).then(() => done(), done);
    } else if (header.type === 'file') {
      mkdir(path.dirname(target), { recursive: true })
        .then(() => pipeline(stream, createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o755 })))
        .then(() => done(), done);
    } else {
      // collect.sh follows links (cp -L); anything else is skipped, never created.
      stream.resume();
      done();
    }
  });
  await pipeline(archive, ex);
}

async function readFacts(file: string): Promise<CollectFacts> {
  const facts = Object.fromEntries(
    (await readFile(file, 'utf8')).split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
  );
  return {
    rVersion: facts.r_version ?? 'unknown',
    arch: facts.arch ?? 'unknown',
    bytesBefore: Number(facts.opt_bytes_before ?? 0),
    bytesPruned: Number(facts.opt_bytes_pruned ?? 0),
    bytesAfter: Number(facts.opt_bytes_after ?? 0),
    stripped: facts.strip === 'strip',
    missingLibraries: (facts.missing ?? '').split(' ').filter(Boolean),
  };
}
