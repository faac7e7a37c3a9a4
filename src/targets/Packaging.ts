import type { RProject } from '../core/project/model';
import type { TargetContext } from './Target';

/**
 * What a target that uploads artefacts (layers and a function zip, not only an image) builds
 * before any cloud call: `rdeploy package --target KIND`, and the input of its deploy and its
 * local twin. The artefacts land in a folder; the manifest there says what they are.
 */
export interface PackageOptions {
  /** The deployment name the artefacts are for (tags and image names). */
  name: string;
  /** The folder the artefacts go to (created; a folder that is not a package is refused). */
  out: string;
  /** The image the build starts FROM, when the target has a choice (`--builder-image`). */
  builderImage?: string;
  /** rdeploy.json "exclude". */
  exclude?: readonly string[];
  /** The target's settings, validated. */
  settings: Record<string, unknown>;
}

export interface PackagedFile {
  /** Relative to the package folder, with "/". */
  file: string;
  zippedBytes: number;
  unzippedBytes: number;
}

export interface PackageResult {
  out: string;
  /** The artefacts, in the order they are uploaded. */
  files: PackagedFile[];
  /** manifest.json as written. */
  manifest: Record<string, unknown>;
  /** True when the folder was already up to date and nothing was rebuilt. */
  upToDate: boolean;
  /** Lines worth telling a person (what stripping saved, what is close to a quota). */
  notes: string[];
}

export interface Packaging {
  package(project: RProject, options: PackageOptions, ctx: TargetContext): Promise<PackageResult>;
}
