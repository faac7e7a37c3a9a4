import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { dockerBuildInputs, isRuntimeInstallFile, type RuntimeFiles, type RuntimeInstall } from '../../core/docker';
import { findRuntimeDir } from '../../core/runtimeDir';
import type { BuildInputsFactory } from './buildInputs';

/**
 * The production BuildInputs: the Dockerfile generator of src/core/docker, with the R runtime
 * shipped beside the bundle (dist/../runtime) or, from source, at the repository root. Besides
 * the project's build, they carry the shared runtime image its Dockerfile starts FROM.
 */
export function generatedBuildInputsFrom(runtimeDir: () => string): BuildInputsFactory {
  let runtime: RuntimeFiles | undefined;
  return (project, options) => {
    runtime ??= listRuntime(runtimeDir());
    const generated = dockerBuildInputs(project, { baseImage: options.baseImage, mode: options.mode, exclude: options.exclude }, runtime);
    return { dockerfile: generated.dockerfile, dockerignore: generated.dockerignore, files: generated.files, runtime: generated.runtime };
  };
}

export const generatedBuildInputs: BuildInputsFactory = generatedBuildInputsFrom(() => findRuntimeDir());

let shipped: RuntimeFiles | undefined;
/** install.R's inputs of the runtime R Deploy ships (`rdeploy dockerfile`, Preview Dockerfile). */
export function shippedRuntimeInstall(): RuntimeInstall {
  shipped ??= listRuntime(findRuntimeDir());
  return shipped.install;
}

/**
 * The runtime's files, relative with "/", and the text of install.R's inputs (a few kB): read
 * once, they are part of the installed product, and the runtime image's tag is their hash.
 */
function listRuntime(dir: string): RuntimeFiles {
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath ?? d.path, d.name)).split(path.sep).join('/'))
    .sort();
  const install: Record<string, string> = {};
  for (const f of files.filter(isRuntimeInstallFile)) install[f] = readFileSync(path.join(dir, f), 'utf8');
  return { dir, files, install };
}
