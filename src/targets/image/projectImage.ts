import type { Progress } from '../../core/deployment';
import type { Owner } from '../../core/owner';
import { withOwnerLabels } from './ownerLabels';
import { buildImage } from './buildImage';
import type { BuildInputs } from './buildInputs';
import type { DockerClient } from './dockerClient';
import { ensureRuntimeImage, pinRuntime } from './runtimeImage';

/**
 * The project's image in one call: the shared runtime image ensured (built once per base image,
 * waiting for a concurrent build), then the project's build FROM exactly that id. For callers that
 * need the image as an input (packaging); a deploy runs the two as separate recorded steps.
 */
export async function buildProjectImage(
  docker: Pick<DockerClient, 'buildImage' | 'getImage'>,
  req: { root: string; inputs: BuildInputs; tag: string; owner?: Owner; what?: string; signal?: AbortSignal; progress?: Progress },
): Promise<string> {
  // With an owner, the image carries its labels: a registry copy then says whose it is.
  let inputs = req.owner ? { ...req.inputs, dockerfile: withOwnerLabels(req.inputs.dockerfile, req.owner) } : req.inputs;
  if (inputs.runtime) {
    const runtime = await ensureRuntimeImage(docker, inputs.runtime, { logRoot: req.root, signal: req.signal, progress: req.progress });
    inputs = { ...inputs, dockerfile: pinRuntime(inputs.dockerfile, { tag: runtime.tag, id: runtime.id }) };
  }
  return buildImage(docker, { root: req.root, inputs, tag: req.tag, labels: {}, ...(req.what ? { what: req.what } : {}), signal: req.signal, progress: req.progress });
}
