import { AppError } from '../../core/errors';
import { dockerMessage, dockerStatus, removeQuietly, type DockerClient } from './dockerClient';
import { LABEL_DEPLOYMENT, LABEL_PROJECT } from './plan';

export interface ContainerSpec {
  name: string;
  image: string;
  port: number;
  labels: Record<string, string>;
}

/**
 * Removes the container called `name` when it is ours (same deployment of the same project):
 * a redeploy replaces it. A container of that name that is not ours is never touched.
 */
export async function removeOwnContainer(docker: DockerClient, name: string, labels: Record<string, string>): Promise<boolean> {
  let info;
  try {
    info = await docker.getContainer(name).inspect();
  } catch (e) {
    if (dockerStatus(e) === 404) return false;
    throw e;
  }
  const theirs = info.Config.Labels ?? {};
  if (theirs[LABEL_DEPLOYMENT] !== labels[LABEL_DEPLOYMENT] || theirs[LABEL_PROJECT] !== labels[LABEL_PROJECT]) {
    const owner = theirs[LABEL_PROJECT] ? `the R project ${theirs[LABEL_PROJECT]}` : 'something other than R Deploy';
    throw new AppError(
      'deploy-failed',
      `A Docker container named "${name}" already exists and belongs to ${owner}. Choose another deployment name, or remove that container yourself.`,
    );
  }
  await removeQuietly(() => docker.getContainer(info.Id).remove({ force: true }));
  return true;
}

/** Creates the container (host network, bound to 127.0.0.1) and returns its id; not started yet. */
export async function createContainer(docker: DockerClient, spec: ContainerSpec): Promise<string> {
  try {
    const container = await docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Env: [`PORT=${spec.port}`, 'RDEPLOY_HOST=127.0.0.1'],
      Labels: spec.labels,
      Tty: false,
      HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'no' } },
    });
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

/** The last lines the container printed, for an error message. */
export async function lastLogLines(docker: DockerClient, id: string, n = 20): Promise<string[]> {
  try {
    const buf = (await docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, tail: n })) as Buffer;
    const lines: string[] = [];
    // Multiplexed frames (no TTY): 8-byte header, then the payload.
    for (let off = 0; off + 8 <= buf.length; ) {
      const size = buf.readUInt32BE(off + 4);
      lines.push(buf.subarray(off + 8, off + 8 + size).toString('utf8'));
      off += 8 + size;
    }
    return lines.join('').split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-n);
  } catch {
    return [];
  }
}
