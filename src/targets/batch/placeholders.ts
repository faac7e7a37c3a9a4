import type { Owner } from '../../core/owner';
import { AZURE_PLACEHOLDER } from '../azure/placeholders';
import { batchBodies, pullIdentityId, taskBody, TASK_RETRIES, type BatchBodies, type BatchTaskBody, type NodeImage } from './bodies';
import { repositoryPath } from './names';
import { parseBatchSchedule } from './schedule';
import type { EffectiveBatchSettings } from './settings';

/** What stands where only the deploy knows the value (a plan is pure: no credentials, no network). */
export const PLACEHOLDER = {
  ...AZURE_PLACEHOLDER,
  chosenImage: '<chosen at deploy: DockerCompatible, supported longest>',
  nodeAgentSkuId: '<the node agent SKU List Supported Images gives the image>',
  firstRun: '<the next run time after the deploy>',
  taskId: '<invoke, or chunk-NNNNNNN for each chunk of a map>',
  payload: '<the payload, as JSON text>',
} as const;

/** The node image as a plan shows it: the `image` setting's, or the one the deploy will choose. */
export function plannedNodeImage(image: string | undefined): NodeImage {
  const [publisher, offer, sku] = image ? image.split('/') : [PLACEHOLDER.chosenImage, PLACEHOLDER.chosenImage, PLACEHOLDER.chosenImage];
  return { imageReference: { publisher: publisher!, offer: offer!, sku: sku!, version: 'latest' }, nodeAgentSkuId: PLACEHOLDER.nodeAgentSkuId };
}

/** The bodies with placeholders, and the task template invoke and map fill in: what `plan --target batch` shows as details. */
export function plannedBatchBodies(owner: Owner, s: EffectiveBatchSettings): BatchBodies & { task: BatchTaskBody } {
  const subscription = s.subscription ?? PLACEHOLDER.subscription;
  const resourceGroup = s.resourceGroup ?? PLACEHOLDER.resourceGroup;
  const registry = s.registry ?? PLACEHOLDER.registry;
  const image = `${registry}/${repositoryPath(owner.name)}@${PLACEHOLDER.digest}`;
  const recurrence = s.schedule ? parseBatchSchedule(s.schedule) : undefined;
  const bodies = batchBodies({
    owner,
    settings: s,
    subscription,
    resourceGroup,
    location: s.location ?? PLACEHOLDER.location,
    registry,
    image,
    nodeImage: plannedNodeImage(s.image),
    ...(recurrence
      ? { schedule: { recurrence, ...(recurrence.anchorMinutes !== undefined ? { doNotRunUntil: PLACEHOLDER.firstRun } : {}), payload: s.scheduleInput ? `<the payload ${s.scheduleInput}, as JSON text>` : '{}' } }
      : {}),
  });
  const task = taskBody({ id: PLACEHOLDER.taskId, payload: PLACEHOLDER.payload, image, registry, identityId: pullIdentityId(subscription, resourceGroup, owner.name), retries: TASK_RETRIES.map });
  return { ...bodies, task };
}
