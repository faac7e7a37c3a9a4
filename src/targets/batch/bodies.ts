import type { BatchJobScheduleCreateOptions, BatchMetadataItem, BatchTaskContainerSettings, BatchTaskCreateOptions } from '../../clouds/azure/batch/types';
import { ownerTags, type Owner } from '../../core/owner';
import { JOB_COMMAND, PAYLOAD_ENV, RESULT_FRAME_ENV } from '../image/jobContainer';
import { autoscaleFormula, EVALUATION_INTERVAL } from './autoscale';
import { jobScheduleId, poolId, pullIdentityName, SCHEDULED_TASK_ID } from './names';
import type { BatchRecurrence } from './schedule';
import type { EffectiveBatchSettings } from './settings';

/*
 * What the batch target sends, as data: the pool (Microsoft.Batch 2023-11-01 through
 * @azure/arm-batch 9.1.0: pools with managed identities are a management-plane resource), and
 * the job schedule and tasks (data plane 2025-06-01). Built from values that are placeholders in
 * a plan and the real ones at deploy. No password anywhere: the nodes pull the image as a
 * user-assigned identity with AcrPull.
 */

/** The node OS image, as List Supported Images gives it (chosen at deploy, or the `image` setting). */
export interface NodeImage {
  imageReference: { publisher: string; offer: string; sku: string; version: string };
  nodeAgentSkuId: string;
}

/** The pool as `Pools.create` of @azure/arm-batch 9.1.0 takes it (a ProxyResource: owner in `metadata`, no ARM tags). */
export interface BatchPoolBody {
  identity: { type: 'UserAssigned'; userAssignedIdentities: Record<string, Record<string, never>> };
  displayName: string;
  vmSize: string;
  deploymentConfiguration: {
    virtualMachineConfiguration: NodeImage & {
      containerConfiguration: {
        /** The management plane's casing of the data plane's "dockerCompatible" (KnownContainerType). */
        type: 'DockerCompatible';
        /** Pulled when each node starts, so the first task does not wait for the pull. */
        containerImageNames: string[];
        containerRegistries: Array<{ registryServer: string; identityReference: { resourceId: string } }>;
      };
    };
  };
  taskSlotsPerNode: number;
  scaleSettings: { autoScale: { formula: string; evaluationInterval: string } };
  metadata: BatchMetadataItem[];
}

/** A task the target adds for invoke (one) and map (one per chunk): the template with its id and payload filled in. */
export type BatchTaskBody = Required<Pick<BatchTaskCreateOptions, 'id' | 'commandLine' | 'containerSettings' | 'environmentSettings' | 'constraints'>>;

/** The values the bodies are made of: placeholders in a plan, the real ones at deploy. */
export interface BatchBodyValues {
  owner: Owner;
  settings: EffectiveBatchSettings;
  subscription: string;
  resourceGroup: string;
  location: string;
  /** The registry's login server. */
  registry: string;
  /** registry/repository@digest */
  image: string;
  nodeImage: NodeImage;
  /** With a schedule: its recurrence, the first run (absent: at once), and the payload as JSON text. */
  schedule?: { recurrence: BatchRecurrence; doNotRunUntil?: string; payload: string };
}

export interface BatchBodies {
  poolId: string;
  pool: BatchPoolBody;
  pullIdentity: { id: string; name: string; body: { location: string; tags: Record<string, string> } };
  jobSchedule?: BatchJobScheduleCreateOptions;
}

/**
 * Retries after a non-zero exit (a node's fault, an out-of-memory kill); Batch requeues a
 * preempted Spot node's task without counting it. A handler's error fails the same way each
 * time, so invoke does not retry: its answer comes at once.
 */
export const TASK_RETRIES = { invoke: 0, map: 2, schedule: 2 } as const;

/** The task's command: the image's job mode (Batch runs a container task's command line in the container, without a shell). */
export const TASK_COMMAND_LINE = JOB_COMMAND.join(' ');

/** Owner as Batch metadata (name/value pairs: pools, job schedules and jobs have no ARM tags). */
export const ownerMetadata = (owner: Owner): BatchMetadataItem[] => Object.entries(ownerTags(owner)).map(([name, value]) => ({ name, value }));

export const pullIdentityId = (subscription: string, resourceGroup: string, name: string): string =>
  `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${pullIdentityName(name)}`;

/** How every task's container runs: the deployment's image, pulled as the pool's identity. */
export function containerSettings(image: string, registry: string, identityId: string): BatchTaskContainerSettings {
  return {
    imageName: image,
    registry: { registryServer: registry, identityReference: { resourceId: identityId } },
    // The image's own working directory, as in local Docker: the handler finds its files where the image put them.
    workingDirectory: 'containerImageDefault',
  };
}

/**
 * One task of invoke or map: the payload as JSON text in RDEPLOY_PAYLOAD, the answer on the
 * task's stdout.txt, read back with ranged reads. Without an output container there is nothing
 * to upload, so no `outputFiles`: when one is configured, each task gets an outputFiles entry
 * uploading stdout.txt on success to that container through the pool's identity
 * (`destination.container.identityReference`), never a SAS.
 */
export function taskBody(t: { id: string; payload: string; image: string; registry: string; identityId: string; retries: number }): BatchTaskBody {
  return {
    id: t.id,
    commandLine: TASK_COMMAND_LINE,
    containerSettings: containerSettings(t.image, t.registry, t.identityId),
    // The result is printed once more in a frame, so it is found in stdout.txt among whatever the handler printed.
    environmentSettings: [{ ...RESULT_FRAME_ENV }, { name: PAYLOAD_ENV, value: t.payload }],
    constraints: { maxTaskRetryCount: t.retries },
  };
}

/** The pool, its pull identity and, with a schedule, the job schedule. */
export function batchBodies(v: BatchBodyValues): BatchBodies {
  const s = v.settings;
  const identityId = pullIdentityId(v.subscription, v.resourceGroup, v.owner.name);
  const metadata = ownerMetadata(v.owner);
  const pool: BatchPoolBody = {
    identity: { type: 'UserAssigned', userAssignedIdentities: { [identityId]: {} } },
    displayName: `R Deploy: ${v.owner.name}`,
    vmSize: s.vmSize,
    deploymentConfiguration: {
      virtualMachineConfiguration: {
        ...v.nodeImage,
        containerConfiguration: {
          type: 'DockerCompatible',
          containerImageNames: [v.image],
          containerRegistries: [{ registryServer: v.registry, identityReference: { resourceId: identityId } }],
        },
      },
    },
    taskSlotsPerNode: s.taskSlotsPerNode,
    scaleSettings: { autoScale: { formula: autoscaleFormula({ template: s.autoscale, minNodes: s.minNodes, maxNodes: s.maxNodes, spot: s.spot }), evaluationInterval: EVALUATION_INTERVAL } },
    metadata,
  };
  const id = poolId(v.owner.name);
  const jobSchedule: BatchJobScheduleCreateOptions | undefined = v.schedule && {
    id: jobScheduleId(v.owner.name),
    displayName: `R Deploy: ${v.owner.name}, ${s.schedule ?? ''} (UTC)`.slice(0, 1024),
    schedule: { recurrenceInterval: v.schedule.recurrence.recurrenceInterval, ...(v.schedule.doNotRunUntil ? { doNotRunUntil: v.schedule.doNotRunUntil } : {}) },
    jobSpecification: {
      poolInfo: { poolId: id },
      jobManagerTask: {
        ...taskBody({ id: SCHEDULED_TASK_ID, payload: v.schedule.payload, image: v.image, registry: v.registry, identityId, retries: TASK_RETRIES.schedule }),
        // The job ends with its one task, which takes one slot like any other task rather than the whole node.
        killJobOnCompletion: true,
        runExclusive: false,
        allowLowPriorityNode: true,
      },
      onAllTasksComplete: 'terminatejob',
      metadata,
    },
    metadata,
  };
  return {
    poolId: id,
    pool,
    pullIdentity: { id: identityId, name: pullIdentityName(v.owner.name), body: { location: v.location, tags: ownerTags(v.owner) } },
    ...(jobSchedule ? { jobSchedule } : {}),
  };
}
