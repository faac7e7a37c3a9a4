import { AppError, cancelledError } from '../../core/errors';
import type { DeploymentRecord } from '../../core/records/record';
import { deleteRecord, readRecord, writeRecord } from '../../core/records/store';
import type { TargetContext } from '../Target';
import { dockerMessage, removeImage, removeQuietly, type DockerClient } from './dockerClient';
import { isOurs } from './ownership';
import { labelFilters } from './plan';

/**
 * Removes the deployment's containers and images, then its record. Idempotent: what is already
 * gone counts as removed. Besides the recorded resources it sweeps everything carrying the
 * deployment's labels, so a crash between "created" and "recorded" leaves nothing behind.
 *
 * The record file is deleted at the end, not kept as "destroyed": once nothing exists there is
 * nothing for it to find, the name becomes free again, and lists show only what exists. Until the
 * end it says "destroying", so an interrupted destroy is visible and can simply be repeated.
 */
export async function destroyLocal(docker: DockerClient, record: DeploymentRecord, ctx: TargetContext): Promise<void> {
  const { signal, progress } = ctx;
  if (signal?.aborted) throw cancelledError();
  const root = record.projectRoot;
  const onDisk = await readRecord(root, record.name);
  const current: DeploymentRecord = { ...(onDisk ?? record), resources: (onDisk ?? record).resources.map((r) => ({ ...r })) };
  if (onDisk) {
    current.status = 'destroying';
    current.updatedAt = new Date().toISOString();
    await writeRecord(root, current);
  }
  const filters = labelFilters(root, record.name);
  const failures: string[] = [];

  const containers = new Set(current.resources.filter((r) => r.kind === 'container' && r.state !== 'deleted').map((r) => r.id));
  for (const c of await docker.listContainers({ all: true, filters })) containers.add(c.Id);
  for (const id of containers) {
    // Only what carries this deployment's labels is ours (see isOurs).
    if (!(await isOurs(docker, 'container', id, root, record.name))) continue;
    progress?.report({ message: `Removing container ${id.slice(0, 12)}` });
    try {
      await removeQuietly(() => docker.getContainer(id).remove({ force: true }));
      markDeleted(current, 'container', id);
    } catch (e) {
      failures.push(`container ${id.slice(0, 12)}: ${dockerMessage(e)}`);
    }
  }

  const images = new Set(current.resources.filter((r) => r.kind === 'image' && r.state === 'created').map((r) => r.id));
  for (const img of await docker.listImages({ all: true, filters })) images.add(img.Id);
  for (const id of images) {
    if (!(await isOurs(docker, 'image', id, root, record.name))) continue;
    progress?.report({ message: `Removing image ${id.replace(/^sha256:/, '').slice(0, 12)}` });
    try {
      await removeImage(docker, id);
      markDeleted(current, 'image', id);
    } catch (e) {
      failures.push(`image ${id}: ${dockerMessage(e)}`);
    }
  }

  if (failures.length) {
    if (onDisk) {
      current.error = `Destroy could not remove: ${failures.join('; ')}`;
      await writeRecord(root, current);
    }
    throw new AppError('deploy-failed', `Could not remove everything of "${record.name}": ${failures.join('; ')}. Run destroy again once that is fixed.`);
  }
  await deleteRecord(root, record.name);
  progress?.report({ message: `Destroyed "${record.name}"` });
}

function markDeleted(record: DeploymentRecord, kind: string, id: string): void {
  for (const r of record.resources) if (r.kind === kind && r.id === id) r.state = 'deleted';
}
