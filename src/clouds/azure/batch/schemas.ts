import { z } from 'zod';

/*
 * What the Batch target reads from Batch's answers (2025-06-01), parsed at the boundary. Only
 * the fields it uses; the rest is dropped. Enumerations stay strings (Batch marks them
 * "modelAsString": a new value must not fail a whole list) and their known values are named in
 * the comments. Fields the spec calls required are required here unless a $select can leave
 * them out, which the client handles by picking (see BatchClient.selected).
 */

export const ImageReferenceSchema = z.object({
  publisher: z.string().optional(),
  offer: z.string().optional(),
  sku: z.string().optional(),
  version: z.string().optional(),
  /** The version a node really has when `version` was "latest". */
  exactVersion: z.string().optional(),
});

/** One image of List Supported Images (`BatchSupportedImage`). */
export const SupportedImageSchema = z.object({
  /** The node agent the image runs with, e.g. "batch.node.ubuntu 24.04". */
  nodeAgentSKUId: z.string(),
  imageReference: ImageReferenceSchema,
  /** "linux" or "windows". */
  osType: z.string(),
  /** E.g. "DockerCompatible", "NvidiaTeslaDriverInstalled". */
  capabilities: z.array(z.string()).optional(),
  /** When Batch stops accepting new pools of this image (ISO 8601); absent when not announced. */
  batchSupportEndOfLife: z.string().optional(),
  /** "verified" (Batch tests the image with its agent) or "unverified". */
  verificationType: z.string(),
});
export type SupportedImage = z.infer<typeof SupportedImageSchema>;

const NameValuePairSchema = z.object({ name: z.string().optional(), value: z.string().optional() });

/** The last or an evaluated run of an autoscale formula (`AutoScaleRun`). */
export const AutoScaleRunSchema = z.object({
  timestamp: z.string(),
  /** "$TargetDedicatedNodes=2;$TargetLowPriorityNodes=0;$NodeDeallocationOption=requeue;…". */
  results: z.string().optional(),
  error: z.object({ code: z.string().optional(), message: z.string().optional(), values: z.array(NameValuePairSchema).optional() }).optional(),
});
export type AutoScaleRun = z.infer<typeof AutoScaleRunSchema>;

/** A pool (`BatchPool`). */
export const PoolSchema = z.object({
  id: z.string(),
  eTag: z.string().optional(),
  /** "active" or "deleting". */
  state: z.string(),
  /** "steady", "resizing" or "stopping". */
  allocationState: z.string().optional(),
  vmSize: z.string().optional(),
  virtualMachineConfiguration: z.object({ imageReference: ImageReferenceSchema, nodeAgentSKUId: z.string() }).optional(),
  currentDedicatedNodes: z.number().optional(),
  /** Spot nodes, preempted ones included. */
  currentLowPriorityNodes: z.number().optional(),
  targetDedicatedNodes: z.number().optional(),
  targetLowPriorityNodes: z.number().optional(),
  enableAutoScale: z.boolean().optional(),
  autoScaleFormula: z.string().optional(),
  autoScaleEvaluationInterval: z.string().optional(),
  autoScaleRun: AutoScaleRunSchema.optional(),
  resizeErrors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() })).optional(),
  taskSlotsPerNode: z.number().optional(),
});
export type BatchPool = z.infer<typeof PoolSchema>;

/** A compute node (`BatchNode`). */
export const NodeSchema = z.object({
  id: z.string(),
  /** idle, rebooting, reimaging, running, unusable, creating, starting, waitingforstarttask, starttaskfailed, unknown, leavingpool, offline, preempted, upgradingos, deallocated, deallocating. */
  state: z.string(),
  /** "enabled" or "disabled". */
  schedulingState: z.string().optional(),
  /** false for a Spot node. */
  isDedicated: z.boolean().optional(),
  vmSize: z.string().optional(),
  runningTasksCount: z.number().optional(),
  totalTasksRun: z.number().optional(),
  errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() })).optional(),
});
export type BatchNode = z.infer<typeof NodeSchema>;

/** Node counts by state (`BatchNodeCounts`), the keys camel-cased unlike the states. */
export const NodeCountsSchema = z.object({
  creating: z.number(),
  idle: z.number(),
  offline: z.number(),
  preempted: z.number(),
  rebooting: z.number(),
  reimaging: z.number(),
  running: z.number(),
  starting: z.number(),
  startTaskFailed: z.number(),
  leavingPool: z.number(),
  unknown: z.number(),
  unusable: z.number(),
  waitingForStartTask: z.number(),
  deallocated: z.number(),
  deallocating: z.number(),
  total: z.number(),
  upgradingOS: z.number(),
});
export type BatchNodeCounts = z.infer<typeof NodeCountsSchema>;

/** One pool of List Pool Node Counts (`BatchPoolNodeCounts`). */
export const PoolNodeCountsSchema = z.object({
  poolId: z.string(),
  dedicated: NodeCountsSchema.optional(),
  /** Spot nodes. */
  lowPriority: NodeCountsSchema.optional(),
});
export type BatchPoolNodeCounts = z.infer<typeof PoolNodeCountsSchema>;

const MetadataSchema = z.array(z.object({ name: z.string(), value: z.string() }));

/** A job schedule (`BatchJobSchedule`). */
export const JobScheduleSchema = z.object({
  id: z.string(),
  eTag: z.string().optional(),
  creationTime: z.string().optional(),
  /** active, completed, disabled, terminating, deleting. */
  state: z.string(),
  schedule: z
    .object({ doNotRunUntil: z.string().optional(), doNotRunAfter: z.string().optional(), startWindow: z.string().optional(), recurrenceInterval: z.string().optional() })
    .optional(),
  jobSpecification: z.object({ poolInfo: z.object({ poolId: z.string().optional() }) }).optional(),
  executionInfo: z
    .object({
      /** When the next job is made, if the schedule is active then. */
      nextRunTime: z.string().optional(),
      recentJob: z.object({ id: z.string().optional(), url: z.string().optional() }).optional(),
      endTime: z.string().optional(),
    })
    .optional(),
  metadata: MetadataSchema.optional(),
});
export type BatchJobSchedule = z.infer<typeof JobScheduleSchema>;

const SchedulingErrorSchema = z.object({
  /** "usererror" or "servererror". */
  category: z.string().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  details: z.array(NameValuePairSchema).optional(),
});

/** A job (`BatchJob`). */
export const JobSchema = z.object({
  id: z.string(),
  eTag: z.string().optional(),
  creationTime: z.string().optional(),
  /** active, disabling, disabled, enabling, terminating, completed, deleting. */
  state: z.string(),
  stateTransitionTime: z.string().optional(),
  poolInfo: z.object({ poolId: z.string().optional() }).optional(),
  onAllTasksComplete: z.string().optional(),
  executionInfo: z
    .object({
      startTime: z.string().optional(),
      endTime: z.string().optional(),
      poolId: z.string().optional(),
      schedulingError: SchedulingErrorSchema.optional(),
      /** JMComplete, MaxWallClockTimeExpiry, TerminateJobSchedule, AllTasksComplete, TaskFailed, UserTerminate or the caller's reason. */
      terminateReason: z.string().optional(),
    })
    .optional(),
  metadata: MetadataSchema.optional(),
});
export type BatchJob = z.infer<typeof JobSchema>;

/** A task (`BatchTask`). */
export const TaskSchema = z.object({
  id: z.string(),
  eTag: z.string().optional(),
  creationTime: z.string().optional(),
  /** active, preparing, running, completed. */
  state: z.string(),
  stateTransitionTime: z.string().optional(),
  commandLine: z.string().optional(),
  executionInfo: z
    .object({
      startTime: z.string().optional(),
      endTime: z.string().optional(),
      exitCode: z.number().optional(),
      /** "success" or "failure"; set once completed. */
      result: z.string().optional(),
      retryCount: z.number(),
      /** Requeues by a resize, a node removal or a preemption (not counted as retries). */
      requeueCount: z.number(),
      failureInfo: SchedulingErrorSchema.optional(),
      containerInfo: z.object({ containerId: z.string().optional(), state: z.string().optional(), error: z.string().optional() }).optional(),
    })
    .optional(),
  nodeInfo: z.object({ poolId: z.string().optional(), nodeId: z.string().optional() }).optional(),
});
export type BatchTask = z.infer<typeof TaskSchema>;

const TaskCountsSchema = z.object({ active: z.number(), running: z.number(), completed: z.number(), succeeded: z.number(), failed: z.number() });

/** Get Job Task Counts (`BatchTaskCountsResult`): tasks and their slots by state; "running" includes preparing. */
export const TaskCountsResultSchema = z.object({ taskCounts: TaskCountsSchema, taskSlotCounts: TaskCountsSchema.optional() });
export type BatchTaskCountsResult = z.infer<typeof TaskCountsResultSchema>;

/** One task's outcome in Add Task Collection (`BatchTaskCreateResult`). */
export const TaskCreateResultSchema = z.object({
  /** "success", "clienterror" (do not resend as is) or "servererror" (may be resent). */
  status: z.string(),
  taskId: z.string(),
  eTag: z.string().optional(),
  location: z.string().optional(),
  error: z
    .object({
      code: z.string().optional(),
      message: z.object({ value: z.string().optional() }).optional(),
      values: z.array(z.object({ key: z.string().optional(), value: z.string().optional() })).optional(),
    })
    .optional(),
});
export type BatchTaskCreateResult = z.infer<typeof TaskCreateResultSchema>;
export const TaskCollectionResultSchema = z.object({ value: z.array(TaskCreateResultSchema).optional() });

/** What Get Task File Properties (HEAD) says in its headers. */
export interface TaskFileProperties {
  /** Bytes. */
  contentLength: number;
  isDirectory: boolean;
  lastModified?: string;
  creationTime?: string;
  /** The file mode in octal, on Linux nodes. */
  mode?: string;
  url?: string;
}
