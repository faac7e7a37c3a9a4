import type { DeploymentRecord, Resource } from '../../core/records/record';
import { containerName } from './plan';

/** The container a record points to: its recorded id when it was created, else its name. */
export function containerRef(record: DeploymentRecord): string {
  const created = record.resources.filter((r) => r.kind === 'container' && r.state === 'created').pop();
  return created?.id ?? containerName(record.name);
}

/** Sets the state of the resource (kind, id), adding it when absent. */
export function setResource(record: DeploymentRecord, kind: string, id: string, state: Resource['state']): void {
  const found = record.resources.find((r) => r.kind === kind && r.id === id);
  if (found) found.state = state;
  else record.resources.push({ kind, id, state });
}

/** Replaces a planned resource by the created one (a tag becomes an image id, a name a container id). */
export function resolveResource(record: DeploymentRecord, kind: string, plannedId: string, createdId: string): void {
  record.resources = record.resources.filter((r) => !(r.kind === kind && r.id === plannedId && r.state === 'planned'));
  setResource(record, kind, createdId, 'created');
}
