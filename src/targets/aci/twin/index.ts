import { packageJobImage, type JobImageManifest } from '../../image/jobImagePackage';
import type { Packaging } from '../../Packaging';
import { planAci } from '../plan';
import { runGroupLocally } from './runGroup';

/**
 * ACI's artefacts are one image and the container group spec that runs it. `rdeploy package
 * --target aci` builds the image (job mode, owner-labelled, exactly what a deploy pushes) and
 * writes the spec beside it; the local twin runs that spec in Docker.
 */
export const aciPackaging: Packaging = {
  package(project, options, ctx) {
    const plan = planAci(project, { name: options.name, settings: options.settings, ...(options.builderImage ? { baseImage: options.builderImage } : {}), ...(options.exclude ? { exclude: options.exclude } : {}) });
    const d = plan.details;
    return packageJobImage(project, options, ctx, { kind: 'aci', build: d.image.build, tag: d.image.tag, spec: d.containerGroup, note: 'run as each container group runs it' });
  },

  async invokeLocal(project, options, payload, ctx) {
    const m = (await aciPackaging.package(project, options, ctx)).manifest as unknown as JobImageManifest;
    const plan = planAci(project, { name: options.name, settings: options.settings });
    return runGroupLocally(await ctx.connections.docker(), plan.details.containerGroup, m.imageId, payload, ctx.signal);
  },
};
