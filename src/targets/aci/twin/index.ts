import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { RProject } from '../../../core/project/model';
import { buildProjectImage } from '../../image/projectImage';
import { withOwnerLabels } from '../../image/ownerLabels';
import type { PackageOptions, PackageResult, Packaging } from '../../Packaging';
import type { TargetContext } from '../../Target';
import { planAci } from '../plan';
import { runGroupLocally } from './runGroup';

interface AciManifest {
  target: 'aci';
  /** The job-mode image, by tag; its id proves it is still the same build. */
  image: string;
  imageId: string;
  /** The container group body each run PUTs (as planned: expressions where a run fills in values). */
  containerGroup: unknown;
}

/**
 * ACI's artefacts are one image and the container group spec that runs it. `rdeploy package
 * --target aci` builds the image (job mode, owner-labelled, exactly what a deploy pushes) and
 * writes the spec beside it; the local twin runs that spec in Docker.
 */
export const aciPackaging: Packaging = {
  async package(project: RProject, options: PackageOptions, ctx: TargetContext): Promise<PackageResult> {
    const plan = planAci(project, { name: options.name, settings: options.settings, ...(options.builderImage ? { baseImage: options.builderImage } : {}), ...(options.exclude ? { exclude: options.exclude } : {}) });
    const d = plan.details;
    const tag = `rdeploy-aci/${options.name}:${d.image.tag}`;
    const manifestPath = path.join(options.out, 'manifest.json');
    const docker = await ctx.connections.docker();
    const before = await readManifest(manifestPath);
    const inputs = { ...d.image.build, dockerfile: withOwnerLabels(d.image.build.dockerfile, { root: project.root, name: options.name }) };
    // The build is cached by the engine: an unchanged project takes seconds and gives the same id.
    const imageId = await buildProjectImage(docker, { root: project.root, inputs, tag, signal: ctx.signal, progress: ctx.progress });
    const manifest: AciManifest = { target: 'aci', image: tag, imageId, containerGroup: d.containerGroup };
    const upToDate = before?.imageId === imageId && before.image === tag;
    if (!upToDate) {
      await mkdir(options.out, { recursive: true });
      await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    }
    return { out: options.out, files: [{ file: 'manifest.json', zippedBytes: 0, unzippedBytes: Buffer.byteLength(JSON.stringify(manifest)) }], manifest: manifest as unknown as Record<string, unknown>, upToDate, notes: [`image ${tag} (${imageId.slice(7, 19)}), run as each container group runs it`] };
  },

  async invokeLocal(project, options, payload, ctx) {
    const pkg = await aciPackaging.package(project, options, ctx);
    const m = pkg.manifest as unknown as AciManifest;
    const plan = planAci(project, { name: options.name, settings: options.settings });
    return runGroupLocally(await ctx.connections.docker(), plan.details.containerGroup, m.imageId, payload, ctx.signal);
  },
};

async function readManifest(file: string): Promise<AciManifest | undefined> {
  try {
    const m = JSON.parse(await readFile(file, 'utf8')) as AciManifest;
    return m.target === 'aci' ? m : undefined;
  } catch {
    return undefined;
  }
}
