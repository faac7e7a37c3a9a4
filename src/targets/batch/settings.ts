import { z } from 'zod';
import { azureCloud, azureLocation, azureRegistry, azureResourceGroup, azureSubscription } from '../../clouds/azure/settings';
import { doc } from '../../core/schemaDoc';
import { AUTOSCALE_TEMPLATES, MAX_POOL_NODES } from './autoscale';
import { parseBatchSchedule } from './schedule';

/**
 * `rdeploy.json` → `targets.batch`, and `--set KEY=VALUE` with `--target batch`.
 */
export const BatchSettingsSchema = z
  .object({
    subscription: azureSubscription,
    resourceGroup: azureResourceGroup('The resource group of the Batch account.'),
    location: azureLocation,
    account: z.string().regex(/^[a-z0-9]{3,24}$/, 'a Batch account name: 3-24 lower-case letters and digits').optional().meta(doc('Batch account', 'The Azure Batch account name.')),
    registry: azureRegistry,
    vmSize: z
      .string()
      .regex(/^(Standard|Basic)_[A-Za-z0-9_-]{1,40}$/, 'an Azure VM size such as "Standard_D2s_v3"')
      .optional()
      .meta(doc('VM size', 'The size of each node, e.g. `Standard_D2s_v3` (`az batch location list-skus` lists those of a region). Default: `Standard_D2s_v3`.')),
    minNodes: z.number().int().min(0).max(MAX_POOL_NODES).optional().meta(doc('Minimum nodes', `Nodes the pool keeps, 0 to ${MAX_POOL_NODES}; dedicated even with \`spot\`. Default: 0.`)),
    maxNodes: z.number().int().min(1).max(MAX_POOL_NODES).optional().meta(doc('Maximum nodes', `Nodes the pool grows to, 1 to ${MAX_POOL_NODES}. Default: 4.`)),
    spot: z.boolean().optional().meta(doc('Spot nodes', '`true`: the nodes above `minNodes` are Spot nodes (cheaper, may be preempted; their tasks are requeued). Default: `false`.')),
    taskSlotsPerNode: z.number().int().min(1).max(256).optional().meta(doc('Task slots per node', 'Tasks that run at once on one node, 1 to 256 (at most 4 × its vCPUs). Default: 1.')),
    autoscale: z
      .enum(AUTOSCALE_TEMPLATES)
      .optional()
      .meta(
        doc(
          'Autoscale',
          '`queue`: one node per `taskSlotsPerNode` pending tasks, between `minNodes` and `maxNodes`. `workingHours`: `maxNodes` Monday to Friday 08:00-18:00 UTC, the queue otherwise. `scaleToZero`: the queue with at least one node (or `minNodes`) while there is work, none after 10 idle minutes. Evaluated every 15 minutes. Default: `queue`.',
        ),
      ),
    schedule: z
      .string()
      .max(100)
      .refine((s) => {
        try {
          parseBatchSchedule(s);
          return true;
        } catch {
          return false;
        }
      }, 'an evenly spaced schedule such as "every 1 day at 02:00", "every 6 hours", "every monday at 08:30" or a cron expression such as "0 2 * * *" (UTC)')
      .optional()
      .meta(doc('Schedule', 'Also run on a schedule (a Batch job schedule, UTC): `every 1 day at 02:00`, `every 6 hours`, `every monday at 08:30`, or cron `0 2 * * *`, with `scheduleInput` as the payload. Runs must be evenly spaced (a job schedule repeats at one interval). Default: none.')),
    scheduleInput: z
      .string()
      .regex(/^[A-Za-z0-9][\w.-]{0,80}$/, 'the name of a sample or saved payload of the project, e.g. "fleet"')
      .optional()
      .meta(doc('Scheduled payload', 'The payload each scheduled job gets: the name of a sample (`samples/<name>.json`) or saved payload. Default: `{}`.')),
    image: z
      .string()
      .regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, 'a marketplace image as publisher/offer/sku, e.g. "microsoft-dsvm/ubuntu-hpc/2404"')
      .optional()
      .meta(doc('Node image', 'The nodes\' OS image as `publisher/offer/sku`, e.g. `microsoft-dsvm/ubuntu-hpc/2404`; it must be one Batch lists as DockerCompatible. Default: chosen at deploy from Batch\'s supported images (DockerCompatible, supported longest).')),
    cloud: azureCloud,
  })
  .strict()
  .refine((s) => (s.minNodes ?? BATCH_DEFAULTS.minNodes) <= (s.maxNodes ?? Math.max(BATCH_DEFAULTS.maxNodes, s.minNodes ?? 0)), { message: 'minNodes must not be more than maxNodes', path: ['minNodes'] })
  .meta(doc('Azure Batch', 'Settings of the `batch` target: a pool of container nodes that scales itself, job schedules, and `rdeploy map` across the nodes.'));

export type BatchSettings = z.infer<typeof BatchSettingsSchema>;

export const BATCH_DEFAULTS = { vmSize: 'Standard_D2s_v3', minNodes: 0, maxNodes: 4, spot: false, taskSlotsPerNode: 1, autoscale: 'queue', cloud: 'AzureCloud' } as const;

export type EffectiveBatchSettings = Omit<BatchSettings, keyof typeof BATCH_DEFAULTS> & {
  vmSize: string;
  minNodes: number;
  maxNodes: number;
  spot: boolean;
  taskSlotsPerNode: number;
  autoscale: (typeof AUTOSCALE_TEMPLATES)[number];
  cloud: string;
};

/** The settings with defaults; a minNodes above the default maximum raises the maximum to it. */
export function batchDefaults(settings: BatchSettings): EffectiveBatchSettings {
  const minNodes = settings.minNodes ?? BATCH_DEFAULTS.minNodes;
  return { ...BATCH_DEFAULTS, ...settings, minNodes, maxNodes: settings.maxNodes ?? Math.max(BATCH_DEFAULTS.maxNodes, minNodes) };
}
