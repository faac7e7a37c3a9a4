import type { NodeDeallocationOption } from '../autoscale/evaluate';

/**
 * What the double holds for a Batch account: pools with their nodes, jobs with their tasks, and
 * job schedules, in the data plane's words (2025-06-01: lower-case enum values, nodeAgentSKUId);
 * the management plane converts to and from its own (arm/).
 */
export interface ContainerRegistryRef {
  registryServer?: string;
  username?: string;
  password?: string;
  identityReference?: { resourceId: string };
}

export interface ContainerConfiguration {
  type: 'dockerCompatible' | 'criCompatible';
  containerImageNames: string[];
  containerRegistries: ContainerRegistryRef[];
}

export interface VmConfiguration {
  imageReference: { publisher?: string; offer?: string; sku?: string; version?: string; virtualMachineImageId?: string };
  nodeAgentSKUId: string;
  containerConfiguration?: ContainerConfiguration;
  /** Other properties (osDisk, extensions, securityProfile…), echoed back. */
  extra: Record<string, unknown>;
}

export interface PoolIdentity {
  resourceId: string;
  clientId: string;
  principalId: string;
}

export interface PoolSpec {
  displayName?: string;
  vmSize: string;
  virtualMachineConfiguration: VmConfiguration;
  resizeTimeout: string;
  targetDedicatedNodes: number;
  targetLowPriorityNodes: number;
  enableAutoScale: boolean;
  autoScaleFormula?: string;
  autoScaleEvaluationInterval?: string;
  taskSlotsPerNode: number;
  nodeFillType: 'spread' | 'pack';
  enableInterNodeCommunication: boolean;
  metadata: Array<{ name: string; value: string }>;
  resourceTags?: Record<string, string>;
  identities: PoolIdentity[];
  startTask?: Record<string, unknown>;
  /** Other pool properties (networkConfiguration, userAccounts, mountConfiguration…), echoed back. */
  extra: Record<string, unknown>;
}

export type NodeState = 'idle' | 'running' | 'starting' | 'preempted' | 'leavingpool' | 'unusable';

export interface NodeRecord {
  id: string;
  dedicated: boolean;
  state: NodeState;
  schedulingState: 'enabled' | 'disabled';
  stateTransitionTime: number;
  allocationTime: number;
  lastBootTime: number;
  ipAddress: string;
  affinityId: string;
  totalTasksRun: number;
  totalTasksSucceeded: number;
  /** Tasks running on the node, by `${jobId}/${taskId}`, with the slots each holds. */
  running: Map<string, number>;
  /** Images the node has (prefetched, or pulled for a task). */
  images: Set<string>;
  errors: Array<{ code: string; message: string; errorDetails?: Array<{ name: string; value: string }> }>;
  /** Set when the pool shrinks with taskcompletion/retaineddata: leaves once its tasks end. */
  leaving?: boolean;
  /** Cancels the node's start-up (node removed or pool deleted meanwhile). */
  startup?: AbortController;
}

export interface AutoScaleRunView {
  timestamp: string;
  results?: string;
  error?: { code: string; message: string; values: Array<{ name: string; value: string }> };
}

export interface PoolRecord {
  id: string;
  spec: PoolSpec;
  eTag: string;
  lastModified: number;
  creationTime: number;
  state: 'active' | 'deleting';
  stateTransitionTime: number;
  allocationState: 'steady' | 'resizing' | 'stopping';
  allocationStateTransitionTime: number;
  nodes: Map<string, NodeRecord>;
  autoScaleRun?: AutoScaleRunView;
  resizeErrors?: Array<{ code: string; message: string }>;
  /** When enableautoscale last succeeded (the 30-second rule). */
  lastEnableAutoScale?: number;
  /** The option the current (or last) resize removes nodes with. */
  nodeDeallocationOption: NodeDeallocationOption;
  /** The ARM view's resource group (pools are the account's children there). */
  resourceGroup: string;
  /** The periodic automatic scaling run's timer while autoscale is on. */
  autoScaleTimer?: NodeJS.Timeout;
}

export type TaskState = 'active' | 'preparing' | 'running' | 'completed';

export interface TaskSpec {
  displayName?: string;
  commandLine: string;
  containerSettings?: {
    imageName: string;
    containerRunOptions?: string;
    registry?: ContainerRegistryRef;
    workingDirectory?: 'taskWorkingDirectory' | 'containerImageDefault';
    containerHostBatchBindMounts?: Array<{ source?: string; isReadOnly?: boolean }>;
  };
  environmentSettings: Array<{ name: string; value?: string }>;
  constraints: { maxWallClockTime: string; retentionTime: string; maxTaskRetryCount: number };
  requiredSlots: number;
  userIdentity: Record<string, unknown>;
  /** Other task properties (resourceFiles, outputFiles, exitConditions…), echoed back, not acted on. */
  extra: Record<string, unknown>;
}

export interface TaskRecord {
  id: string;
  jobId: string;
  spec: TaskSpec;
  isJobManager: boolean;
  killJobOnCompletion: boolean;
  runExclusive: boolean;
  allowLowPriorityNode: boolean;
  eTag: string;
  creationTime: number;
  lastModified: number;
  state: TaskState;
  stateTransitionTime: number;
  previousState?: TaskState;
  previousStateTransitionTime?: number;
  executionInfo: {
    startTime?: number;
    endTime?: number;
    exitCode?: number;
    containerInfo?: { containerId?: string; state?: string; error?: string };
    failureInfo?: { category: 'usererror' | 'servererror'; code: string; message: string; details?: Array<{ name: string; value: string }> };
    retryCount: number;
    lastRetryTime?: number;
    requeueCount: number;
    lastRequeueTime?: number;
    result?: 'success' | 'failure';
  };
  nodeInfo?: { poolId: string; nodeId: string; affinityId: string };
  /** The run in progress, if any (the runner's handle, to cancel it). */
  attempt?: { cancel: (reason: AttemptEnd) => void; number: number };
  /** The task directory on the node that ran it last (for task files). */
  directory?: string;
  /** The order tasks were added in (the scheduler takes older ones first). */
  sequence: number;
}

/** Why a running attempt was ended from outside the task. */
export type AttemptEnd = 'requeue' | 'terminate' | 'delete';

export type JobState = 'active' | 'disabling' | 'disabled' | 'enabling' | 'terminating' | 'completed' | 'deleting';

export interface JobRecord {
  id: string;
  displayName?: string;
  eTag: string;
  lastModified: number;
  creationTime: number;
  state: JobState;
  stateTransitionTime: number;
  previousState?: JobState;
  previousStateTransitionTime?: number;
  priority: number;
  allowTaskPreemption: boolean;
  maxParallelTasks: number;
  usesTaskDependencies: boolean;
  constraints: { maxWallClockTime: string; maxTaskRetryCount: number };
  jobManagerTask?: Record<string, unknown>;
  commonEnvironmentSettings: Array<{ name: string; value?: string }>;
  poolId: string;
  onAllTasksComplete: 'noaction' | 'terminatejob';
  onTaskFailure: 'noaction' | 'performexitoptionsjobaction';
  metadata: Array<{ name: string; value: string }>;
  /** Other job properties (jobPreparationTask, networkConfiguration…), echoed back, not acted on. */
  extra: Record<string, unknown>;
  executionInfo: { startTime: number; endTime?: number; poolId: string; terminateReason?: string };
  tasks: Map<string, TaskRecord>;
  scheduleId?: string;
}

export type ScheduleState = 'active' | 'completed' | 'disabled' | 'terminating' | 'deleting';

export interface ScheduleRecord {
  id: string;
  displayName?: string;
  eTag: string;
  lastModified: number;
  creationTime: number;
  state: ScheduleState;
  stateTransitionTime: number;
  previousState?: ScheduleState;
  previousStateTransitionTime?: number;
  schedule: { doNotRunUntil?: string; doNotRunAfter?: string; startWindow?: string; recurrenceInterval?: string };
  /** The job specification as sent (each job is made from it). */
  jobSpecification: Record<string, unknown>;
  metadata: Array<{ name: string; value: string }>;
  jobCount: number;
  recentJobId?: string;
  endTime?: number;
  nextRunTime?: number;
}
