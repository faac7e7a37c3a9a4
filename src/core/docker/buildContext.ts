import { AppError } from '../errors';
import type { RProject } from '../project/model';
import { writeRenvLock } from '../project/renvWrite';
import { dockerignorePatterns, generateDockerignore } from './dockerignore';
import { BUILD_DIR, generateDockerfile, RUNTIME_INSTALL_DIRS, RUNTIME_INSTALL_FILES, type DockerfileOptions } from './generateDockerfile';
import { renderDockerfile, type DockerfileSpec } from './instructions';
import type { ContextFile } from './buildData';
import { restoreScript } from './restoreScript';
import type { RuntimeImage, RuntimeInstall } from './runtimeImage';

export type { ContextFile };

/**
 * The R runtime shipped with R Deploy: its folder, the files in it (relative, with "/"), and the
 * text of install.R's inputs, from which the shared runtime image is built and its tag hashed.
 */
export interface RuntimeFiles {
  dir: string;
  files: readonly string[];
  install: RuntimeInstall;
}

const joinPath = (dir: string, rel: string): string => `${dir.replace(/[\\/]+$/, '')}/${rel}`;

/**
 * Generated files under `.rdeploy-build/`: the runtime, the lockfile to restore and the restore
 * script. Their content depends on the package set and the runtime only, never on the user's
 * code, so the restore layer's cache survives every code edit.
 */
export function buildContextFiles(project: RProject, spec: DockerfileSpec, runtime: RuntimeFiles): ContextFile[] {
  const files: ContextFile[] = [];
  const runtimeFiles = [...runtime.files].map((f) => f.replace(/\\/g, '/')).sort();
  for (const needed of [...RUNTIME_INSTALL_FILES, ...RUNTIME_INSTALL_DIRS.map((d) => `${d}/`)]) {
    const present = needed.endsWith('/') ? runtimeFiles.some((f) => f.startsWith(needed)) : runtimeFiles.includes(needed);
    if (!present) {
      throw new AppError('internal', `The R runtime shipped with R Deploy has no ${needed} (looked in ${runtime.dir}). Reinstall R Deploy.`);
    }
  }
  for (const f of runtimeFiles) {
    if (f.startsWith('/') || f.split('/').includes('..')) throw new AppError('internal', `Runtime file "${f}" is outside ${runtime.dir}.`);
    files.push({ path: `${BUILD_DIR}/runtime/${f}`, source: joinPath(runtime.dir, f) });
  }
  if (spec.restore.kind === 'lockfile') {
    // renv.lock goes byte for byte (renv reads exactly what the user snapshotted); a packrat
    // lockfile is converted by the project module's writer.
    files.push(
      spec.restore.from === 'renv'
        ? { path: `${BUILD_DIR}/renv.lock`, source: project.path }
        : { path: `${BUILD_DIR}/renv.lock`, content: writeRenvLock(project) },
    );
  }
  const script = restoreScript(spec.restore);
  if (script !== undefined) files.push({ path: `${BUILD_DIR}/restore.R`, content: script });
  return files;
}

export interface DockerBuildInputs {
  spec: DockerfileSpec;
  /** The shared runtime image the project's Dockerfile starts FROM: built first when missing. */
  runtime: RuntimeImage;
  /** Goes into the context as `.rdeploy-build/Dockerfile`. */
  dockerfile: string;
  dockerignore: string;
  /** The same patterns as `dockerignore`, for a context builder that filters itself. */
  ignorePatterns: string[];
  files: ContextFile[];
}

/** Everything a target needs to build the image, in one pure call. */
export function dockerBuildInputs(
  project: RProject,
  options: Omit<DockerfileOptions, 'runtime'> & { exclude?: readonly string[] },
  runtime: RuntimeFiles,
): DockerBuildInputs {
  const spec = generateDockerfile(project, { ...options, runtime: runtime.install });
  return {
    spec,
    runtime: spec.runtime!,
    dockerfile: renderDockerfile(spec),
    dockerignore: generateDockerignore(project, options.exclude),
    ignorePatterns: dockerignorePatterns(options.exclude),
    files: buildContextFiles(project, spec, runtime),
  };
}
