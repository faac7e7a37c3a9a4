import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { dockerBuildInputs, type RuntimeFiles } from '../../core/docker';
import { AppError } from '../../core/errors';
import type { BuildInputsFactory } from './buildInputs';

/**
 * The production BuildInputs: the Dockerfile generator of src/core/docker, with the R runtime
 * shipped beside the bundle (dist/../runtime) or, from source, at the repository root.
 */
export function generatedBuildInputsFrom(runtimeDir: () => string): BuildInputsFactory {
  let runtime: RuntimeFiles | undefined;
  return (project, options) => {
    runtime ??= listRuntime(runtimeDir());
    const generated = dockerBuildInputs(project, { baseImage: options.baseImage, mode: options.mode, exclude: options.exclude }, runtime);
    return { dockerfile: generated.dockerfile, dockerignore: generated.dockerignore, files: generated.files };
  };
}

export const generatedBuildInputs: BuildInputsFactory = generatedBuildInputsFrom(findRuntimeDir);

/** The first `runtime/` holding main.R above this file: dist/ when bundled, src/targets/local from source. */
export function findRuntimeDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'runtime');
    if (existsSync(path.join(candidate, 'main.R'))) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new AppError('internal', `The R runtime shipped with R Deploy was not found near ${__dirname}. Reinstall R Deploy.`);
}

/** The runtime's files, relative with "/": read once, they are part of the installed product. */
function listRuntime(dir: string): RuntimeFiles {
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath ?? d.path, d.name)).split(path.sep).join('/'))
    .sort();
  return { dir, files };
}
