import * as path from 'node:path';
import type { RProject } from '../core/project/model';
import type { InvokeResult, TargetContext } from './Target';

/**
 * What a target that uploads artefacts (layers and a function zip, not only an image) builds
 * before any cloud call: `rdeploy package --target KIND`, and the input of its deploy and its
 * local twin. The artefacts land in a folder; the manifest there says what they are.
 */
/** Where a target's artefacts go unless the user says otherwise: `.rdeploy/package/<kind>` in the project. */
export const defaultPackageDir = (root: string, kind: string): string => path.join(root, '.rdeploy', 'package', kind);

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

/** One local twin kept running for many invocations, as the cloud keeps an environment warm. */
export interface LocalTwin {
  invoke(payload: string, signal?: AbortSignal): Promise<InvokeResult>;
  /** Removes its container and whatever it unpacked; idempotent. */
  close(): Promise<void>;
}

export interface Packaging {
  package(project: RProject, options: PackageOptions, ctx: TargetContext): Promise<PackageResult>;
  /**
   * The local twin: the package (rebuilt only when out of date) run in local Docker the way the
   * cloud runs it, for one invocation; the answer and the error shape are the cloud's.
   */
  invokeLocal(project: RProject, options: PackageOptions, payload: string, ctx: TargetContext): Promise<InvokeResult>;
  /**
   * For `rdeploy map --local`: the package built once (or found up to date), and a way to start
   * twins that each serve many invocations — Lambda reuses a warm environment the same way.
   * Absent: every call of the map is one `invokeLocal` (ACI: one container group per run, as ACI).
   */
  prepareTwins?(project: RProject, options: PackageOptions, ctx: TargetContext): Promise<(ctx: TargetContext) => Promise<LocalTwin>>;
}
