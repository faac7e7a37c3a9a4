import type { z } from 'zod';
import type { PriceTable, Usage, Workload } from '../core/cost';
import type { InvokeResult, LogEvent, Progress, Status } from '../core/deployment';
import type { MapExecutor, MapExecutorOptions } from '../core/map/types';
import type { Owner } from '../core/owner';
import type { RProject } from '../core/project/model';
import type { DeploymentRecord } from '../core/records/record';
import type { AwsSession, AwsSessionOptions } from '../clouds/aws/session';
import type { AzureSession, AzureSessionOptions } from '../clouds/azure/session';
import type { DockerClient } from './image/dockerClient';
import type { RegistryCredentials } from './image/push';
import type { RuntimeMode } from './image/buildInputs';

export type { InvokeResult, LogEvent, Progress, Status, RuntimeMode };

/**
 * Where and as whom a target works. The CLI and the extension resolve these (the docker CLI's
 * engine discovery; later the AWS and Azure credential chains, or VS Code's sign-in); a target
 * never reads the environment itself. Each is a lazy factory: only what a target uses is resolved.
 */
export interface Connections {
  /** The Docker engine the docker CLI would use, pinged: one clear error when it does not answer. */
  docker(): Promise<DockerClient>;
  /** An AWS region and the standard credential chain (absent where no AWS target can run, e.g. a test's connections). */
  aws?(opts: AwsSessionOptions): Promise<AwsSession>;
  /** An Azure cloud, subscription and credential (absent where no Azure target can run). */
  azure?(opts: AzureSessionOptions): Promise<AzureSession>;
  /**
   * The login for a container registry a target pushes to and its cloud pulls from (the CLI: the
   * environment; the extension: also VS Code's secret storage, asking once). Undefined: none given.
   */
  registry?(server: string): Promise<RegistryCredentials | undefined>;
}

export interface TargetContext {
  signal?: AbortSignal;
  progress?: Progress;
  connections: Connections;
  /**
   * The deployment's record while the lifecycle works on one (deploy: the record being written;
   * destroy: the record read): a cloud target's resource operations read their region and
   * profile from its details.
   */
  record?: Readonly<DeploymentRecord>;
}

/** What the user chose for a deploy: common options and the target's own settings (already validated). */
export interface PlanOptions<S = Record<string, unknown>> {
  name: string;
  baseImage?: string;
  /** rdeploy.json "exclude": files and folders (.dockerignore patterns) left out of the image. */
  exclude?: readonly string[];
  settings: S;
}

export interface PlannedResource {
  kind: string;
  id: string;
  description: string;
}

/**
 * One request a deploy will send, exactly as it will be sent (secrets excluded by construction):
 * `plan --json` shows them under `requests`, a contract other tools check.
 */
export interface PlannedRequest {
  service: string;
  operation: string;
  /** What the request names (an image tag, a container name, an ARM resource id). */
  target: string;
  body: unknown;
  /**
   * Sent only when what it creates does not exist yet, and what it creates belongs to no
   * deployment (the shared R Deploy runtime image): never recorded, never destroyed.
   */
  shared?: { onlyWhenMissing: true };
}

/** What a deploy would do, as data: pure, shown before anything happens. */
export interface Plan<D = unknown> {
  /** The target kind (a catalogue entry's `kind`). */
  target: string;
  name: string;
  project: RProject;
  runtimeMode: RuntimeMode;
  /** The image the deployment's image starts FROM, when it has one. */
  baseImage?: string;
  resources: PlannedResource[];
  requests: PlannedRequest[];
  /** The target's settings as they apply (defaults filled in). */
  settings: Record<string, unknown>;
  /**
   * The Dockerfiles the deploy builds, exactly (`rdeploy dockerfile` and Preview Dockerfile show
   * these): the deployment's image and the shared runtime image it starts FROM. Absent for a
   * target that builds no image.
   */
  dockerfiles?: { image: string; runtime?: string };
  /** Target-specific: only that target reads them. */
  details: D;
  /** What else a person should read before deploying (sizes against quotas, the region): shown with the common facts. */
  facts?: { label: string; value: string }[];
  /** Choices that deserve a second look (a public URL). */
  warnings?: string[];
}

/** One prerequisite, as `rdeploy doctor` prints it: what was found and, when not ok, what to do. */
export interface TargetCheck {
  /** Stable, for scripts: "aws-credentials", "region", … */
  id: string;
  title: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

/** A resource state as destroy and ownership checks see it. */
export type Ownership = 'ours' | 'gone' | 'theirs';

/**
 * How the lifecycle finds, checks and removes one kind of thing a target creates. Destroy works
 * from these and the record alone; every operation checks the record's ids with `ownership`.
 */
export interface ResourceKind {
  /** Whether it costs money while it exists: destroy must never leave one behind. */
  readonly billable: boolean;
  /** 'ours' when it exists and carries the owner's labels or tags, 'gone' when it does not exist. */
  ownership(id: string, owner: Owner, ctx: TargetContext): Promise<Ownership>;
  /** Removes it; already gone counts as removed. Called only on what ownership() says is ours. */
  remove(id: string, ctx: TargetContext): Promise<void>;
  /** The ids of everything of this kind carrying the owner's labels or tags (what a crash left unrecorded). */
  find(owner: Owner, ctx: TargetContext): Promise<string[]>;
  /**
   * Never in a record (a deploy's scratch space, e.g. an upload bucket): swept on every destroy.
   * Other kinds are swept only when the record is unreadable or planned that kind, so a deployment
   * never asks a cloud service it does not use (nor needs the permissions for it).
   */
  readonly unrecorded?: boolean;
  /** How a person recognises it ("container rdeploy-mtcars (bad476ecfbb9)"). */
  describe(id: string, record: DeploymentRecord): string;
}

export interface StepState {
  readonly ctx: TargetContext;
  readonly owner: Owner;
  /** The record as saved so far (read-only: the engine writes it). */
  readonly record: Readonly<DeploymentRecord>;
  /** The record this deploy replaces, if any. */
  readonly previous: DeploymentRecord | undefined;
  /** The id an earlier step of this deploy created, by resource kind. */
  created(kind: string): string | undefined;
}

export interface StepOutput {
  /** The id of the resource the step created (when it `creates` one). */
  id?: string;
  /** Facts to keep in the record's details (never a secret). */
  details?: Record<string, unknown>;
  endpoint?: string;
}

/** One step of a deploy, as data; the lifecycle engine records, runs, and rolls back. */
export interface DeployStep {
  /** The progress message while it runs. */
  readonly title: string;
  /**
   * The resource the step creates: recorded "planned" before the step runs, "created" after.
   * `replaces` says what happens to the previous deployment's resource of the same kind:
   * removed before this one is created (same name, so both cannot exist), or after the deploy
   * succeeded (superseded). Without it an existing one is updated in place.
   */
  readonly creates?: { kind: string; id: string; replaces?: 'before' | 'after' };
  run(state: StepState): Promise<StepOutput | void>;
}

/** One run of a deployment that runs jobs (a Logic App run): newest first in `runs`. */
export interface RunSummary {
  id: string;
  status: 'Running' | 'Succeeded' | 'Failed' | 'Cancelled' | 'TimedOut' | 'Waiting' | 'Skipped' | 'Aborted' | 'Suspended' | 'Paused' | 'Ignored' | 'Faulted';
  /** ISO 8601. */
  startTime?: string;
  endTime?: string;
  durationMs?: number;
  /** What started it: the trigger's name ("manual" for HTTP, "Recurrence"). */
  trigger?: string;
  /** Each action's status, in the order the run reached them. */
  actions?: { name: string; status: string }[];
}

/** What the Deployments tree and `rdeploy status` show of a record besides its state. */
export interface RecordItem {
  kind: string;
  label: string;
  description?: string;
  tooltip?: string;
}

export interface LogOptions {
  follow?: boolean;
  tail?: number;
  signal?: AbortSignal;
}

/**
 * A deployment target. Pure parts (plan, steps as data, describe) and live parts (invoke, logs,
 * status) that reach the engine or the cloud through `ctx.connections`. The lifecycle (record
 * first, locks, rollback, destroy, ownership) is not the target's business: see lifecycle/.
 */
export interface Target<D = unknown> {
  /** Its catalogue entry's `kind` (test/unit/targets/catalogue.test.ts holds them equal). */
  readonly kind: string;
  /** The target's settings: `rdeploy.json` → `targets.<kind>` and `--set`. */
  readonly settings: z.ZodObject;
  /** The target's record details, checked when a record is read. */
  readonly recordDetails: z.ZodType<Record<string, unknown>>;
  /** The runtime mode its image runs. */
  runtimeMode(settings: Record<string, unknown>): RuntimeMode;
  plan(project: RProject, options: PlanOptions): Plan<D>;
  /** Reaches what a deploy needs before anything is recorded: with no engine there is nothing to record. */
  preflight(plan: Plan<D>, ctx: TargetContext): Promise<void>;
  steps(plan: Plan<D>): DeployStep[];
  /** Every kind of resource it creates, in creation order (destroy goes in reverse). */
  readonly resources: Readonly<Record<string, ResourceKind>>;
  /** The resource whose labels or tags prove that a record describes this project's deployment. */
  readonly anchor: string;
  /** What the live operations reach for the anchor (its id, or the name they fall back to); default: the record's current one. */
  anchorRef?(record: DeploymentRecord): string | undefined;
  invoke(record: DeploymentRecord, payload: string, ctx: TargetContext): Promise<InvokeResult>;
  /**
   * Deletes the logs the target keeps apart from the deployment (Lambda: its CloudWatch log group,
   * kept by a plain destroy so that what happened stays readable); `destroy --logs`. Returns what
   * it removed, or undefined when there was nothing. Absent where the logs go with the deployment.
   */
  purgeLogs?(owner: Owner, record: DeploymentRecord | undefined, ctx: TargetContext): Promise<string | undefined>;
  /**
   * Where `rdeploy map` runs the calls for this deployment, when the target has a better way than
   * concurrent invokes (local Docker: parallel containers of the deployment's image; Batch: one
   * job, one task per chunk). Absent: the platform's concurrent-invoke executor. The executor's
   * close() must leave nothing running.
   */
  map?(record: DeploymentRecord, options: MapExecutorOptions, ctx: TargetContext): Promise<MapExecutor>;
  /** Fire and forget (Lambda's Event invocation): queued, not answered. Absent where the target has no queue. */
  invokeAsync?(record: DeploymentRecord, payload: string, ctx: TargetContext): Promise<{ requestId?: string }>;
  logs(record: DeploymentRecord, opts: LogOptions, ctx: TargetContext): AsyncIterable<LogEvent>;
  status(record: DeploymentRecord, ctx: TargetContext): Promise<Status>;
  /** Recent runs, newest first (at most `top`), with per-action status when `withActions`; absent for a target without runs. */
  runs?(record: DeploymentRecord, opts: { top: number; withActions?: boolean }, ctx: TargetContext): Promise<RunSummary[]>;
  /** Pure: the record's parts a person wants to see (image, base image, …). */
  describe(record: DeploymentRecord): RecordItem[];
  /** Its list prices, with their sources and dates (src/core/cost). */
  readonly prices: PriceTable;
  /** Pure: what a plan would use of those prices under the stated workload. */
  usage(plan: Plan<D>, workload: Workload): Usage;
  /**
   * What `rdeploy doctor` and Check Deploy Prerequisites check for this target besides Docker,
   * R and the project: its credentials, region, quotas. A target that needs none leaves it out.
   */
  checks?(settings: Record<string, unknown>, ctx: TargetContext): Promise<TargetCheck[]>;
  /** The options a redeploy keeps from the record (e.g. the base image it was built on). */
  redeployOptions(record: DeploymentRecord): { baseImage?: string };
}
