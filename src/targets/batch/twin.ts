import { packageJobImage, type JobImageManifest } from '../image/jobImagePackage';
import { runJobLocally } from '../image/runJobLocally';
import type { Packaging } from '../Packaging';
import type { BatchTaskBody } from './bodies';
import { planBatch } from './plan';

/**
 * Batch's artefacts are one image and the task that runs it. `rdeploy package --target batch`
 * builds the image (job mode, owner-labelled, exactly what a deploy pushes) and writes the task
 * template beside it; the local twin runs that task's container and command in Docker, with the
 * node's whole machine as Batch gives a task, and reads the answer from its output as invoke does.
 */
export const batchPackaging: Packaging = {
  package(project, options, ctx) {
    const plan = planBatch(project, { name: options.name, settings: options.settings, ...(options.builderImage ? { baseImage: options.builderImage } : {}), ...(options.exclude ? { exclude: options.exclude } : {}) });
    const d = plan.details;
    return packageJobImage(project, options, ctx, { kind: 'batch', build: d.image.build, tag: d.image.tag, spec: d.task, note: 'run as each Batch task runs it' });
  },

  async invokeLocal(project, options, payload, ctx) {
    const m = (await batchPackaging.package(project, options, ctx)).manifest as unknown as JobImageManifest;
    return runJobLocally(await ctx.connections.docker(), taskContainer(m.spec as BatchTaskBody), m.imageId, payload, ctx.signal);
  },
};

/** A Batch container task as a local container: its command line (Batch runs it without a shell, split on spaces) and environment. */
export const taskContainer = (task: BatchTaskBody) => ({ command: task.commandLine.split(/\s+/).filter(Boolean), env: task.environmentSettings.map((e) => ({ name: e.name, value: e.value ?? '' })) });
