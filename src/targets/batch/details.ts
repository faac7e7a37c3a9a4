import { z } from 'zod';
import type { BatchJobScheduleCreateOptions } from '../../clouds/azure/batch/types';
import type { BuildInputs } from '../image/buildInputs';
import type { BatchPoolBody, BatchTaskBody } from './bodies';
import type { EffectiveBatchSettings } from './settings';

/** The pull identity's AcrPull on the registry, as the ARM request the deploy sends. */
export interface PlannedAcrPull {
  roleName: string;
  /** ARM id of the assignment: {registry id}/providers/Microsoft.Authorization/roleAssignments/{guid}. */
  id: string;
  scope: string;
  body: { properties: { roleDefinitionId: string; principalId: string; principalType: 'ServicePrincipal'; description: string } };
}

/** What a Batch plan holds besides the common parts; `details.pool`, `jobSchedule` and `task` are a contract of `plan --json`. */
export interface BatchPlanDetails {
  settings: EffectiveBatchSettings;
  poolId: string;
  /** The pool body (Microsoft.Batch 2023-11-01, @azure/arm-batch 9.1.0's Pool). */
  pool: BatchPoolBody;
  /** With a schedule: the job schedule body (data plane 2025-06-01). */
  jobSchedule?: BatchJobScheduleCreateOptions;
  /** The task template invoke (one task) and map (one per chunk) fill in. */
  task: BatchTaskBody;
  pullIdentity: { id: string; name: string; body: { location: string; tags: Record<string, string> } };
  acrPull: PlannedAcrPull;
  image: { repository: string; tag: string; build: BuildInputs };
  baseImage: string;
}

export const BatchRecordDetailsSchema = z.object({
  cloud: z.string().optional(),
  subscription: z.string().optional(),
  resourceGroup: z.string().optional(),
  location: z.string().optional(),
  account: z.string().optional(),
  /** The account's data-plane host (ARM's accountEndpoint). */
  accountEndpoint: z.string().optional(),
  registry: z.string().optional(),
  registryId: z.string().optional(),
  /** The image the tasks run, by digest. */
  image: z.string().optional(),
  baseImage: z.string().optional(),
  poolId: z.string().optional(),
  pullIdentityId: z.string().optional(),
  pullPrincipalId: z.string().optional(),
  /** The node OS image the deploy chose (publisher/offer/sku) and its node agent. */
  nodeImage: z.string().optional(),
  nodeAgentSkuId: z.string().optional(),
  jobScheduleId: z.string().optional(),
  schedule: z.string().optional(),
  vmSize: z.string().optional(),
  maxNodes: z.number().optional(),
  taskSlotsPerNode: z.number().optional(),
  /** The task template with the real image and identity (invoke, map and the local twin fill in id and payload). */
  task: z.record(z.string(), z.unknown()).optional(),
});
export type BatchRecordDetails = z.infer<typeof BatchRecordDetailsSchema>;

export const batchRecordDetails = (details: Record<string, unknown>): BatchRecordDetails => BatchRecordDetailsSchema.parse(details);
