import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { RProject } from '../../core/project/model';
import type { PackageOptions, PackageResult } from '../Packaging';
import type { TargetContext } from '../Target';
import type { BuildInputs } from './buildInputs';
import { buildProjectImage } from './projectImage';

/** A job-image target's package: the image by tag and id, and how its cloud runs it. */
export interface JobImageManifest {
  target: string;
  /** The job-mode image, by tag; its id proves it is still the same build. */
  image: string;
  imageId: string;
  /** How the cloud runs the image (a container group, a Batch task), as planned. */
  spec: unknown;
}

/**
 * `rdeploy package` for a target whose artefact is one job-mode image (aci, batch): the image
 * built exactly as a deploy pushes it (owner-labelled; cached by the engine, so an unchanged
 * project takes seconds and gives the same id), and manifest.json beside it with the spec the
 * local twin runs. The manifest is rewritten only when the image changed.
 */
export async function packageJobImage(project: RProject, options: PackageOptions, ctx: TargetContext, v: { kind: string; build: BuildInputs; tag: string; spec: unknown; note: string }): Promise<PackageResult> {
  const manifestPath = path.join(options.out, 'manifest.json');
  const before = await readManifest(manifestPath, v.kind);
  const tag = `rdeploy-${v.kind}/${options.name}:${v.tag}`;
  const imageId = await buildProjectImage(await ctx.connections.docker(), { root: project.root, inputs: v.build, owner: { root: project.root, name: options.name }, tag, signal: ctx.signal, progress: ctx.progress });
  const manifest: JobImageManifest = { target: v.kind, image: tag, imageId, spec: v.spec };
  const upToDate = before?.imageId === imageId && before.image === tag;
  if (!upToDate) {
    await mkdir(options.out, { recursive: true });
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return {
    out: options.out,
    files: [{ file: 'manifest.json', zippedBytes: 0, unzippedBytes: Buffer.byteLength(JSON.stringify(manifest)) }],
    manifest: manifest as unknown as Record<string, unknown>,
    upToDate,
    notes: [`image ${tag} (${imageId.slice(7, 19)}), ${v.note}`],
  };
}

async function readManifest(file: string, kind: string): Promise<JobImageManifest | undefined> {
  try {
    const m = JSON.parse(await readFile(file, 'utf8')) as JobImageManifest;
    return m.target === kind ? m : undefined;
  } catch {
    return undefined;
  }
}
