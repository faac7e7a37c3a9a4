/*
 * The bodies R Deploy sends to the Batch data plane (2025-06-01), with only the fields the Batch
 * target uses. Names and shapes are the REST API's (BatchService.json, stable/2025-06-01):
 * these objects are serialised as they are.
 */

/** A name/value pair on a job, schedule or pool (`BatchMetadataItem`). */
export interface BatchMetadataItem {
  name: string;
  value: string;
}

/** An environment variable of a task (`EnvironmentSetting`). */
export interface EnvironmentSetting {
  name: string;
  value?: string;
}

/** The user-assigned identity a node uses, e.g. to pull from a registry (`BatchNodeIdentityReference`). */
export interface BatchNodeIdentityReference {
  /** ARM id of the user-assigned identity; it must be one of the pool's identities. */
  resourceId: string;
}

/** A private registry (`ContainerRegistryReference`): R Deploy uses an identity, never a password. */
export interface ContainerRegistryReference {
  /** The login server, e.g. "myregistry.azurecr.io". */
  registryServer: string;
  identityReference?: BatchNodeIdentityReference;
}

/** How a task's container runs (`BatchTaskContainerSettings`). */
export interface BatchTaskContainerSettings {
  /** The full image reference, as `docker pull` takes it. */
  imageName: string;
  /** Extra `docker create` options, e.g. "--rm". */
  containerRunOptions?: string;
  registry?: ContainerRegistryReference;
  /** "taskWorkingDirectory" (default) or "containerImageDefault". */
  workingDirectory?: 'taskWorkingDirectory' | 'containerImageDefault';
}

/** Who a task runs as (`UserIdentity` with an `AutoUserSpecification`). */
export interface UserIdentity {
  autoUser?: { scope?: 'task' | 'pool'; elevationLevel?: 'nonadmin' | 'admin' };
}

/** Execution limits of a task (`BatchTaskConstraints`); durations are ISO 8601 ("PT1H"). */
export interface BatchTaskConstraints {
  maxWallClockTime?: string;
  retentionTime?: string;
  /** Retries after a non-zero exit; -1 is unlimited. Preemption requeues do not count. */
  maxTaskRetryCount?: number;
}

/** A task to add to a job (`BatchTaskCreateOptions`). */
export interface BatchTaskCreateOptions {
  /** Unique in the job: letters, digits, hyphens and underscores, at most 64 characters. */
  id: string;
  displayName?: string;
  /** Not run in a shell: use "/bin/sh -c '…'" for shell features. */
  commandLine: string;
  /** Required when the pool has a container configuration. */
  containerSettings?: BatchTaskContainerSettings;
  environmentSettings?: EnvironmentSetting[];
  constraints?: BatchTaskConstraints;
  /** Scheduling slots the task takes on a node; default 1. */
  requiredSlots?: number;
  userIdentity?: UserIdentity;
}

/** A job manager task (`BatchJobManagerTask`): started when the job is created. */
export interface BatchJobManagerTask extends Omit<BatchTaskCreateOptions, 'requiredSlots'> {
  /** Whether the job completes when this task does; default true. */
  killJobOnCompletion?: boolean;
  /** Whether the task takes the whole node; default true. */
  runExclusive?: boolean;
  /** Whether it may run on a Spot node; default true. */
  allowLowPriorityNode?: boolean;
  requiredSlots?: number;
}

/** Which pool a job runs on (`BatchPoolInfo`); R Deploy always names an existing pool. */
export interface BatchPoolInfo {
  poolId: string;
}

/** Job limits (`BatchJobConstraints`). */
export interface BatchJobConstraints {
  maxWallClockTime?: string;
  /** The default retry count of the job's tasks; -1 is unlimited. */
  maxTaskRetryCount?: number;
}

/** A job to create (`BatchJobCreateOptions`): a job specification with its id. */
export interface BatchJobCreateOptions extends BatchJobSpecification {
  /** Unique in the account, case-insensitive, at most 64 characters. */
  id: string;
}

/** When a schedule makes jobs (`BatchJobScheduleConfiguration`); times are UTC, durations ISO 8601. */
export interface BatchJobScheduleConfiguration {
  doNotRunUntil?: string;
  doNotRunAfter?: string;
  startWindow?: string;
  /** At least one minute; absent means one job only. */
  recurrenceInterval?: string;
}

/** The jobs a schedule makes (`BatchJobSpecification`). */
export interface BatchJobSpecification {
  displayName?: string;
  priority?: number;
  constraints?: BatchJobConstraints;
  jobManagerTask?: BatchJobManagerTask;
  commonEnvironmentSettings?: EnvironmentSetting[];
  poolInfo: BatchPoolInfo;
  /** "terminatejob" ends the job once all its tasks are complete; default "noaction". */
  onAllTasksComplete?: 'noaction' | 'terminatejob';
  /** "performexitoptionsjobaction" lets a task's exit conditions end the job; default "noaction". */
  onTaskFailure?: 'noaction' | 'performexitoptionsjobaction';
  metadata?: BatchMetadataItem[];
}

/** A job schedule to create (`BatchJobScheduleCreateOptions`). */
export interface BatchJobScheduleCreateOptions {
  id: string;
  displayName?: string;
  schedule: BatchJobScheduleConfiguration;
  jobSpecification: BatchJobSpecification;
  metadata?: BatchMetadataItem[];
}

/** What happens to running tasks when nodes go (`BatchNodeDeallocationOption`). */
export type BatchNodeDeallocationOption = 'requeue' | 'terminate' | 'taskcompletion' | 'retaineddata';

/** A resize (`BatchPoolResizeOptions`); Spot nodes are still called low-priority in the API. */
export interface BatchPoolResizeOptions {
  targetDedicatedNodes?: number;
  targetLowPriorityNodes?: number;
  /** At least PT5M; default PT15M. */
  resizeTimeout?: string;
  nodeDeallocationOption?: BatchNodeDeallocationOption;
}

/** Turning autoscale on or changing it (`BatchPoolEnableAutoScaleOptions`). */
export interface BatchPoolEnableAutoScaleOptions {
  autoScaleFormula?: string;
  /** PT5M to P7D (168 hours); default PT15M. */
  autoScaleEvaluationInterval?: string;
}

/** Nodes to take out of a pool (`BatchNodeRemoveOptions`): at most 100 per request. */
export interface BatchNodeRemoveOptions {
  nodeList: string[];
  resizeTimeout?: string;
  nodeDeallocationOption?: BatchNodeDeallocationOption;
}

/** OData options of the list operations. `select` names top-level properties. */
export interface ListOptions {
  filter?: string;
  select?: readonly string[];
  /** Page size, 1 to 1000 (the service's default is 1000). */
  maxResults?: number;
}
