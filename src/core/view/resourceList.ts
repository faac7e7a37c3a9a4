import type { DeploymentRecord } from '../records/record';

/**
 * What Destroy will delete, in words a person recognises: the name they see in `docker ps` or
 * `docker images` (kept in the record's details) with the short id, e.g.
 * `container rdeploy-mtcars-glm (bad476ecfbb9)`. Resources already deleted are left out.
 */
export function resourcesToDelete(record: DeploymentRecord): string[] {
  return record.resources
    .filter((r) => r.state !== 'deleted')
    .map((r) => {
      const name = record.details[r.kind];
      const id = r.id.replace(/^sha256:/, '');
      const shortId = /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
      if (typeof name === 'string' && name && name !== r.id) return `${r.kind} ${name} (${shortId})`;
      return `${r.kind} ${shortId}`;
    });
}
