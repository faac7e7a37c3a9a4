import { AppError } from '../../core/errors';
import { TAG_PROJECT, taggedFor, type Owner } from '../../core/owner';
import { dockerMessage, dockerStatus, removeQuietly, type DockerClient } from '../image/dockerClient';
import { containerCreateRequest } from './plan';
import type { EffectiveLocalSettings } from './settings';

/**
 * Removes the container called `name` when it is ours (same deployment of the same project):
 * a redeploy replaces it. A container of that name that is not ours is never touched.
 */
export async function removeOwnContainer(docker: DockerClient, name: string, owner: Owner): Promise<boolean> {
  let info;
  try {
    info = await docker.getContainer(name).inspect();
  } catch (e) {
    if (dockerStatus(e) === 404) return false;
    throw e;
  }
  const theirs = info.Config.Labels ?? {};
  if (!taggedFor(theirs, owner)) {
    const other = theirs[TAG_PROJECT] ? `the R project ${theirs[TAG_PROJECT]}` : 'something other than R Deploy';
    throw new AppError(
      'deploy-failed',
      `A Docker container named "${name}" already exists and belongs to ${other}. Choose another deployment name, or remove that container yourself.`,
    );
  }
  await removeQuietly(() => docker.getContainer(info.Id).remove({ force: true }));
  return true;
}

/** Creates the container (host network, bound to 127.0.0.1) and returns its id; not started yet. */
export async function createContainer(docker: DockerClient, spec: { name: string; image: string; port: number; owner: Owner; settings: EffectiveLocalSettings }): Promise<string> {
  try {
    const container = await docker.createContainer({ name: spec.name, ...containerCreateRequest(spec.image, spec.port, spec.owner, spec.settings) });
    return container.id;
  } catch (e) {
    throw new AppError('deploy-failed', `Docker could not create the container ${spec.name}: ${dockerMessage(e)}`, { cause: e });
  }
}

export async function startContainer(docker: DockerClient, id: string, name: string): Promise<void> {
  try {
    await docker.getContainer(id).start();
  } catch (e) {
    if (dockerStatus(e) === 304) return; // already started
    throw new AppError('deploy-failed', `Docker could not start the container ${name}: ${dockerMessage(e)}`, { cause: e });
  }
}
