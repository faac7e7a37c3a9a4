/**
 * A TEST DOUBLE of Azure Batch, both planes, for tests that drive the real @azure/arm-batch
 * 9.1.0 client (management plane, on the ARM double) and a REST client on
 * @azure/core-rest-pipeline at api-version 2025-06-01 (data plane, an HTTPS host of its own per
 * account). Shapes, codes and texts follow the 2025-06-01 and 2023-11-01 specs, their examples,
 * and the answers Microsoft documents or users quote. Nothing here talks to Azure.
 * ArmDouble.start() registers it (`arm.batch`); `await arm.batch.createAccount({ name })` makes an
 * account and starts its data plane.
 *
 * Covers:
 * - Management plane: batchAccounts Get/List (accountEndpoint = the data plane's host); pools
 *   List/Create (PUT, synchronous as in the spec)/Update (PATCH)/Get/Delete (202 + Location,
 *   long-running)/disableAutoScale/stopResize, with RBAC actions, user-assigned pool identities
 *   (assign/action checked on each, LinkedAuthorizationFailed), deploymentConfiguration with
 *   containerConfiguration (dockerCompatible, prefetched images, registries by identityReference
 *   or user name and password), vmSize, taskSlotsPerNode, scaleSettings fixedScale | autoScale,
 *   metadata (pools have no ARM tags; resourceTags only in UserSubscription accounts).
 * - Data plane: the bearer token's audience https://batch.core.windows.net/ (the ARM double's
 *   Entra endpoint issues it for the scope https://batch.core.windows.net/.default); api-version
 *   2025-06-01 only; List Supported Images (DockerCompatible, batchSupportEndOfLife; model/images.ts);
 *   pools (Create/Get/List/Exists/Update/Delete, Enable AutoScale at most once per 30 s and never
 *   while resizing, Evaluate AutoScale only when enabled, Disable, Resize, Stop Resize), node
 *   counts, nodes Get/List; job schedules (Create/Get/List/Exists/Update/Replace/Delete/Disable/
 *   Enable/Terminate; recurrence by fireSchedule()); jobs (Create/Get/List/List from schedule/
 *   Update/Delete/Terminate/task counts; onAllTasksComplete, onTaskFailure, the Job Manager Task,
 *   the active job and schedule quota); tasks (Create, Create Collection ≤ 100, Get/List/Delete/
 *   Terminate/Reactivate; containerSettings, commandLine, environmentSettings,
 *   constraints.maxTaskRetryCount; active → running → completed with executionInfo exitCode,
 *   result, retryCount, requeueCount, failureInfo); task files (List, Get whole or by ocp-range,
 *   HEAD for the size) readable while the task writes them; $filter (eq/ne/and), $select, paging.
 * - Tasks run as real containers on the local Docker engine (run/): host network, the pool's
 *   prefetched images, the command line in containerSettings.imageName, stdout/stderr into the
 *   task's files; as many at once as the pool's nodes × taskSlotsPerNode.
 * - Nodes as data (starting → idle ⇄ running, preempted, unusable), dedicated and Spot;
 *   preemptNode() requeues a Spot node's running task, which runs again without using a retry.
 * - Autoscale: an evaluator of the formula language (autoscale/) with the service's results
 *   string and errors (AutoScalingFormulaSyntaxError, InsufficientSampleData); samples recorded
 *   from the pools' tasks and nodes, or set by setSamples().
 * - Recording (calls()) and faults (injectFault: 429 TooManyRequests with Retry-After, or any
 *   error) on the data plane; the management plane records and faults through the ARM double.
 *
 * Does not cover: the `preparing` task state (it comes with Job Preparation Tasks only: tasks go
 * active → running → completed), shared-key authentication, certificates, applications, node users/remote login/
 * reboot/reimage/node files, job preparation and release tasks (kept, not run), resource and output
 * files (kept, not acted on), task dependencies and multi-instance tasks (refused), auto pools
 * (refused), start tasks (kept, not run), exit conditions, maxWallClockTime and retention,
 * ETag conditions (If-Match…), core quotas and allocation failures, job disable/enable and Replace
 * Job, usage metrics and statistics, OData beyond eq/ne/and, Batch's data-plane RBAC (any valid
 * token of the tenant is let in), and a clock of its own for schedules (fireSchedule()).
 */
import type { ArmDouble } from '../ArmDouble';
import { AccountService } from './AccountService';
import { registerBatchArm } from './arm/routes';
import { BatchAccountDouble } from './BatchAccountDouble';
import { BATCH_AUDIENCE, DataPlane } from './data/DataPlane';
import { AccountState } from './model/Account';
import { DEFAULT_SUPPORTED_IMAGES } from './model/images';
import type { BatchAccountOptions, BatchCall, BatchCallFilter, BatchFault, BatchOptions } from './types';

export { BatchAccountDouble, type NodeSummary } from './BatchAccountDouble';
export { BATCH_AUDIENCE, DATA_PLANE_API_VERSIONS } from './data/DataPlane';
export { DEFAULT_SUPPORTED_IMAGES, type SupportedImage } from './model/images';
export { evaluateFormula, type FormulaInputs, type FormulaOutcome } from './autoscale/evaluate';
export type { MetricName } from './autoscale/samples';
export type { BatchAccountOptions, BatchCall, BatchCallFilter, BatchFault, BatchOptions, TaskSummary } from './types';

interface Account {
  svc: AccountService;
  plane: DataPlane;
  handle: BatchAccountDouble;
}

export class BatchDouble {
  private readonly accounts: Account[] = [];
  private readonly recorded: BatchCall[] = [];
  private readonly faults: Array<{ fault: BatchFault; left: number }> = [];
  private options: BatchOptions;

  constructor(
    private readonly arm: ArmDouble,
    options: BatchOptions = {},
  ) {
    this.options = options;
  }

  /** Changes settings; they apply to accounts created from then on. */
  configure(options: BatchOptions): void {
    this.options = { ...this.options, ...options };
  }

  /** Creates an account (as if someone had, outside the code under test) and starts its data plane. */
  async createAccount(opts: BatchAccountOptions): Promise<BatchAccountDouble> {
    const resourceGroup = opts.resourceGroup ?? this.arm.resourceGroups()[0] ?? 'rg-test';
    if (this.accounts.some((a) => a.svc.state.name.toLowerCase() === opts.name.toLowerCase())) throw new Error(`createAccount: an account '${opts.name}' exists`);
    if (!/^[a-z0-9]{3,24}$/.test(opts.name)) throw new Error(`createAccount: '${opts.name}' is not a Batch account name (3-24 lower-case letters and digits)`);
    this.arm.addResourceGroup(resourceGroup);
    const state = new AccountState(opts.name, resourceGroup, opts.location ?? this.arm.location, this.arm.subscriptionId, opts.poolAllocationMode ?? 'BatchService', opts.tags ?? {}, {
      timeScale: this.options.timeScale ?? this.arm.timeScale,
      supportedImages: this.options.supportedImages ?? DEFAULT_SUPPORTED_IMAGES,
      now: this.options.now ?? Date.now,
      enableAutoScaleIntervalMs: this.options.enableAutoScaleIntervalMs ?? 30_000,
      nodeStartMs: this.options.nodeStartMs ?? 60_000,
      activeJobAndJobScheduleQuota: opts.activeJobAndJobScheduleQuota ?? 300,
      poolQuota: opts.poolQuota ?? 100,
      dedicatedCoreQuota: opts.dedicatedCoreQuota ?? 500,
      lowPriorityCoreQuota: opts.lowPriorityCoreQuota ?? 500,
    });
    const svc = new AccountService(this.arm, state);
    const plane = new DataPlane(this.arm, svc, (call) => this.recorded.push(call), (operation) => this.takeFault(operation));
    state.host = await plane.listen();
    const handle = new BatchAccountDouble(svc);
    this.accounts.push({ svc, plane, handle });
    return handle;
  }

  account(name: string): BatchAccountDouble {
    const found = this.accounts.find((a) => a.svc.state.name.toLowerCase() === name.toLowerCase());
    if (!found) throw new Error(`no Batch account '${name}' (createAccount first)`);
    return found.handle;
  }

  /** Every data-plane request received, oldest first. */
  calls(filter?: BatchCallFilter): BatchCall[] {
    if (filter === undefined) return [...this.recorded];
    if (typeof filter === 'string') return this.recorded.filter((c) => c.operation === filter);
    if (typeof filter === 'function') return this.recorded.filter(filter);
    return this.recorded.filter(
      (c) => (filter.operation === undefined || c.operation === filter.operation) && (filter.method === undefined || c.method === filter.method.toUpperCase()) && (filter.path === undefined || filter.path.test(c.path)),
    );
  }

  resetCalls(): void {
    this.recorded.length = 0;
  }

  /** The next `times` data-plane requests of the operation ('*': any) fail this way. */
  injectFault(fault: BatchFault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`times must be a positive integer, got ${times}`);
    this.faults.push({ fault, left: times });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Ends every task, removes every container and node disk, closes the data planes. Again is harmless. */
  async stop(): Promise<void> {
    const all = this.accounts.splice(0);
    await Promise.all(all.map(async (a) => {
      await a.svc.stop();
      await a.plane.close();
    }));
  }

  /** The services registered accounts run on (the management plane's routes use them). */
  services(): AccountService[] {
    return this.accounts.map((a) => a.svc);
  }

  private takeFault(operation: string): BatchFault | undefined {
    const index = this.faults.findIndex(({ fault }) => fault.operation === operation || fault.operation === '*');
    const entry = this.faults[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left === 0) this.faults.splice(index, 1);
    return entry.fault;
  }
}

const attached = new WeakMap<ArmDouble, BatchDouble>();

/**
 * Registers Microsoft.Batch on an ARM double (ArmDouble.start does) and lets its Entra endpoint
 * issue tokens for Batch's data plane. Once per double: a later call returns the same double,
 * after applying the options it gives.
 */
export function registerBatch(arm: ArmDouble, options: BatchOptions = {}): BatchDouble {
  const existing = attached.get(arm);
  if (existing) {
    existing.configure(options);
    return existing;
  }
  const double = new BatchDouble(arm, options);
  arm.acceptTokenAudience(BATCH_AUDIENCE);
  registerBatchArm(arm, () => double.services());
  attached.set(arm, double);
  return double;
}
