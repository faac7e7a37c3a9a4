import { lstat, readdir, readlink } from 'node:fs/promises';
import * as path from 'node:path';
import { AppError } from '../../core/errors';
import { BUILD_DIR, DOCKERFILE_PATH, type BuildInputs } from './buildInputs';
import { parseDockerignore } from '../../core/docker/ignoreMatch';
import type { TarEntry } from './tar';

/** Folders of ours that never go into an image: records, and any stale generated folder. */
const ALWAYS_LEFT_OUT = new Set(['.rdeploy', BUILD_DIR]);

export interface ContextListing {
  entries: TarEntry[];
  files: number;
  bytes: number;
}

/**
 * Lists the build context: the project folder filtered by the generated .dockerignore, then the
 * generated files and the Dockerfile. Only metadata is held; file bytes are streamed by tar.ts.
 * Without a `root`, the generated files and the Dockerfile only (the shared runtime image).
 */
export async function listBuildContext(root: string | undefined, inputs: BuildInputs): Promise<ContextListing> {
  const ignore = parseDockerignore(inputs.dockerignore);
  const entries: TarEntry[] = [];
  let bytes = 0;
  let files = 0;

  const walk = async (dir: string, rel: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (e) {
      throw new AppError('build-failed', `Cannot read ${dir} to build the image: ${(e as Error).message}.`, { cause: e });
    }
    for (const name of names) {
      const relPath = rel ? `${rel}/${name}` : name;
      if (!rel && ALWAYS_LEFT_OUT.has(name)) continue;
      const abs = path.join(dir, name);
      const info = await lstat(abs);
      const ignored = ignore.ignores(relPath);
      if (info.isDirectory()) {
        // An excluded folder is still walked when a "!" rule might bring something back.
        if (ignored && !ignore.hasExceptions) continue;
        if (!ignored) entries.push({ type: 'dir', name: relPath, mode: info.mode, mtime: info.mtime });
        await walk(abs, relPath);
      } else if (ignored) {
        continue;
      } else if (info.isFile()) {
        entries.push({ type: 'file', name: relPath, mode: info.mode, mtime: info.mtime, size: info.size, source: abs });
        files++;
        bytes += info.size;
      } else if (info.isSymbolicLink()) {
        entries.push({ type: 'symlink', name: relPath, mode: 0o777, mtime: info.mtime, target: await readlink(abs) });
      }
      // sockets, fifos, devices: not meaningful in an image.
    }
  };
  if (root !== undefined) await walk(root, '');

  const now = new Date();
  const generated = [...inputs.files, { path: DOCKERFILE_PATH, content: inputs.dockerfile }];
  const dirs = new Set<string>();
  for (const file of generated) {
    const rel = file.path.replace(/\\/g, '/').replace(/^\.\//, '');
    if (rel.startsWith('/') || rel.split('/').includes('..')) {
      throw new AppError('internal', `Generated build file "${file.path}" is outside the build context.`);
    }
    const missing: string[] = [];
    for (let d = path.posix.dirname(rel); d !== '.' && !dirs.has(d); d = path.posix.dirname(d)) missing.unshift(d);
    for (const d of missing) {
      dirs.add(d);
      entries.push({ type: 'dir', name: d, mode: 0o755, mtime: now });
    }
    const mode = file.mode ?? 0o644;
    if (file.content !== undefined) {
      const content = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
      entries.push({ type: 'file', name: rel, mode, mtime: now, content });
      bytes += content.length;
    } else if (file.source) {
      const info = await lstat(file.source).catch((e: unknown) => {
        throw new AppError('internal', `A file R Deploy ships is missing: ${file.source} (${(e as Error).message}). Reinstall R Deploy.`, { cause: e });
      });
      entries.push({ type: 'file', name: rel, mode, mtime: info.mtime, size: info.size, source: file.source });
      bytes += info.size;
    } else {
      throw new AppError('internal', `Generated build file "${file.path}" has neither content nor source.`);
    }
    files++;
  }
  return { entries, files, bytes };
}
