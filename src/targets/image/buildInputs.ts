import { createHash } from 'node:crypto';
import type { RuntimeModeName } from '../../core/docker/instructions';
import type { RuntimeImage } from '../../core/docker/runtimeImage';
import type { RProject } from '../../core/project/model';

/** How the R runtime serves the handler: an HTTP server, one job, or a Lambda Runtime API loop. The target chooses. */
export type RuntimeMode = RuntimeModeName;

/**
 * What the image pipeline needs from the Dockerfile generator, kept this small so the target does
 * not depend on the generator's internals. Paths are relative to the build context, with "/".
 */
export interface BuildFile {
  path: string;
  /** The file's bytes, or `source`: an absolute path to copy from (e.g. the shipped R runtime). */
  content?: string | Uint8Array;
  source?: string;
  /** Unix permission bits; 0o644 by default (0o755 for scripts the generator marks so). */
  mode?: number;
}

export interface BuildInputs {
  /** The rendered Dockerfile; injected into the context as `.rdeploy-build/Dockerfile`. */
  dockerfile: string;
  /** `.dockerignore` text applied to the project folder; never written to it. */
  dockerignore: string;
  /** Generated files added to the context (normally under `.rdeploy-build/`). */
  files: BuildFile[];
  /**
   * The shared runtime image `dockerfile` starts FROM (`rdeploy-runtime:<hash>`), ensured before
   * the build (ensureRuntimeImage). Absent for a Dockerfile that needs none (tests' small ones).
   */
  runtime?: RuntimeImage;
}

export interface BuildInputsOptions {
  baseImage: string;
  mode: RuntimeMode;
  /** rdeploy.json "exclude": extra .dockerignore patterns. */
  exclude?: readonly string[];
}

export type BuildInputsFactory = (project: RProject, options: BuildInputsOptions) => BuildInputs;

/** Where generated files live in the context; the project's own copy of the folder is ignored. */
export const BUILD_DIR = '.rdeploy-build';
export const DOCKERFILE_PATH = `${BUILD_DIR}/Dockerfile`;

/** A short hash of everything a build reads (the image tag: same inputs, same tag, a rebuild from cache). */
export function buildInputsHash(build: BuildInputs): string {
  const h = createHash('sha256');
  h.update(build.dockerfile).update('\0').update(build.dockerignore).update('\0');
  for (const f of [...build.files].sort((a, b) => a.path.localeCompare(b.path))) {
    h.update(f.path).update('\0');
    h.update(f.content !== undefined ? f.content : `source:${f.source ?? ''}`).update('\0');
  }
  return h.digest('hex').slice(0, 12);
}
