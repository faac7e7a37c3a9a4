// The data shapes the Dockerfile generator hands to the image pipeline: files for the build
// context, and the shared runtime image. Types only, so every module here can use them.
/**
 * A file the build context needs besides the project folder: `content` to write, or `source`, an
 * absolute path whose bytes are copied as they are. Shape-compatible with the local target's
 * BuildFile, which turns these into tar entries; this module never touches the disk.
 */
export interface ContextFile {
  path: string;
  content?: string;
  source?: string;
}

/** The shared runtime image a project's Dockerfile starts FROM, as data (see runtimeImage.ts). */
export interface RuntimeImage {
  baseImage: string;
  /** 16 hex digits of sha256 over the base image reference, install.R's inputs and the Dockerfile. */
  hash: string;
  /** `rdeploy-runtime:<hash>`: the project Dockerfile's FROM. */
  tag: string;
  /** The rendered Dockerfile, its label included. */
  dockerfile: string;
  /** The whole build context besides the Dockerfile: install.R's inputs, by content. */
  files: ContextFile[];
}
