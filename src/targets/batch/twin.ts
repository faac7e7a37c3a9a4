import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { RProject } from '../../core/project/model';
import { buildProjectImage } from '../image/projectImage';
import { withOwnerLabels } from '../image/ownerLabels';
import { runJobLocally } from '../image/runJobLocally';
import type { PackageOptions, PackageResult, Packaging } from '../Packaging';
import type { TargetContext } from '../Target';
import type { BatchTaskBody } from './bodies';
import { planBatch } from './plan';

interface BatchManifest {
  target: 'batch';
  /** The job-mode image, by tag; its id proves it is still the same build. */
  image: string;
  imageId: string;
  /** The task template each call fills in (as planned: placeholders where Azure fills in values). */
  task: BatchTaskBody;
}

/**
 * Batch's artefacts are one image and the task that runs it. `rdeploy package --target batch`
 * builds the image (job mode, owner-labelled, exactly what a deploy pushes) and writes the task
 * template beside it; the local twin runs that task's container and command in Docker, with the
 * node's whole machine as Batch gives a task, and reads the answer from its output as invoke does.
 */
export const batchPackaging: Packaging = {
  async package(project: RProject, options: PackageOptions, ctx: TargetContext): Promise<PackageResult> {
    const plan = planBatch(project, { name: options.name, settings: options.settings, ...(options.builderImage ? { baseImage: options.builderImage } : {}), ...(options.exclude ? { exclude: options.exclude } : {}) });
    const d = plan.details;
    const tag = `rdeploy-batch/${options.name}:${d.image.tag}`;
    const manifestPath = path.join(options.out, 'manifest.json');
    const before = await readManifest(manifestPath);
    const inputs = { ...d.image.build, dockerfile: withOwnerLabels(d.image.build.dockerfile, { root: project.root, name: options.name }) };
    // The build is cached by the engine: an unchanged project takes seconds and gives the same id.
    const imageId = await buildProjectImage(await ctx.connections.docker(), { root: project.root, inputs, tag, signal: ctx.signal, progress: ctx.progress });
    const manifest: BatchManifest = { target: 'batch', image: tag, imageId, task: d.task };
    const upToDate = before?.imageId === imageId && before.image === tag;
    if (!upToDate) {
      await mkdir(options.out, { recursive: true });
      await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    }
    return { out: options.out, files: [{ file: 'manifest.json', zippedBytes: 0, unzippedBytes: Buffer.byteLength(JSON.stringify(manifest)) }], manifest: manifest as unknown as Record<string, unknown>, upToDate, notes: [`image ${tag} (${imageId.slice(7, 19)}), run as each Batch task runs it`] };
  },

  async invokeLocal(project, options, payload, ctx) {
    const pkg = await batchPackaging.package(project, options, ctx);
    const m = pkg.manifest as unknown as BatchManifest;
    return runJobLocally(await ctx.connections.docker(), taskContainer(m.task), m.imageId, payload, ctx.signal);
  },
};

/** A Batch container task as a local container: its command line (Batch runs it without a shell, split on spaces) and environment. */
export const taskContainer = (task: BatchTaskBody) => ({ command: task.commandLine.split(/\s+/).filter(Boolean), env: task.environmentSettings.map((e) => ({ name: e.name, value: e.value ?? '' })) });

async function readManifest(file: string): Promise<BatchManifest | undefined> {
  try {
    const m = JSON.parse(await readFile(file, 'utf8')) as BatchManifest;
    return m.target === 'batch' ? m : undefined;
  } catch {
    return undefined;
  }
}
