import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { dockerBuildInputs, type RuntimeFiles } from '../../core/docker';
import { findRuntimeDir } from '../../core/runtimeDir';
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

export const generatedBuildInputs: BuildInputsFactory = generatedBuildInputsFrom(() => findRuntimeDir());

/** The runtime's files, relative with "/": read once, they are part of the installed product. */
function listRuntime(dir: string): RuntimeFiles {
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath ?? d.path, d.name)).split(path.sep).join('/'))
    .sort();
  return { dir, files };
}
