import { availableParallelism } from 'node:os';
import { estimateCost, type CostEstimate, type Workload } from '../../core/cost';
import { AppError } from '../../core/errors';
import type { MapExecutor, MapExecutorOptions } from '../../core/map';
import type { Owner } from '../../core/owner';
import type { RProject } from '../../core/project/model';
import { currentResource, type DeploymentRecord } from '../../core/records/record';
import { readTombstone, recordPath } from '../../core/records/store';
import { getPackaging, getTarget, isTargetKind, targetLabel, type TargetKind } from '../catalogue';
import type { PackageOptions, PackageResult } from '../Packaging';
import type { Connections, InvokeResult, LogEvent, LogOptions, Plan, PlanOptions, Progress, RunSummary, Status, Target, TargetContext } from '../Target';
import { runDeploy } from './deploy';
import { runDestroy, type DestroyReport } from './destroy';
import { invokeExecutor, twinExecutor } from './mapExecutor';
import { listDeployments, readDeployment, readDeploymentOrProblem, type DeploymentList, type Located } from './records';

export interface Work {
  signal?: AbortSignal;
  progress?: Progress;
}

export interface DeploymentsOptions {
  connections: Connections;
  /** Who holds the locks this process takes: "the rdeploy CLI", "VS Code". */
  tool: string;
  /** Target implementations by kind (tests pass their own); default: the catalogue's. */
  targets?: (kind: string) => Target;
}

/**
 * What the CLI and the extension do with deployments, for every target: plan, deploy (the
 * lifecycle engine), destroy, and invoke/logs/status after checking that the record's resources
 * really are this project's deployment. Neither of them imports a target's files.
 */
export class Deployments {
  private readonly targets: (kind: string) => Target;
  /** Anchors already found to carry this deployment's labels (see foreignAnchor). */
  private readonly knownOurs = new Set<string>();

  constructor(private readonly options: DeploymentsOptions) {
    this.targets = options.targets ?? getTarget;
  }

  target(kind: string): Target {
    return this.targets(kind);
  }

  plan(project: RProject, kind: TargetKind, options: PlanOptions): Plan {
    return this.target(kind).plan(project, options);
  }

  /** What the plan would cost a month under the stated workload (local: free). */
  estimate(plan: Plan, workload: Workload = {}): CostEstimate {
    const target = this.target(plan.target);
    return estimateCost(target.usage(plan, workload), target.prices, workload);
  }

  /** Builds the target's artefacts into a folder, without any cloud call (`rdeploy package`). */
  package(project: RProject, kind: TargetKind, options: PackageOptions, work: Work = {}): Promise<PackageResult> {
    return getPackaging(kind).package(project, options, this.context(work));
  }

  /** One invocation of the project's artefacts in local Docker, as the target's cloud would run them (`invoke --local`). */
  invokeLocal(project: RProject, kind: TargetKind, options: PackageOptions, payload: string, work: Work = {}): Promise<InvokeResult> {
    return getPackaging(kind).invokeLocal(project, options, payload, this.context(work));
  }

  deploy(plan: Plan, work: Work = {}): Promise<DeploymentRecord> {
    return runDeploy(this.target(plan.target), plan, this.context(work), this.options.tool);
  }

  /**
   * Destroys the deployment `name` of the project at `root`, from its record; with no readable
   * record, by the labels or tags of the target the file names, or the one the user names
   * (`target`). `undefined` when this project never had such a deployment.
   */
  async destroy(owner: Owner, work: Work = {}, target?: TargetKind, opts: { logs?: boolean } = {}): Promise<DestroyReport | 'nothing-left' | undefined> {
    const { record, problem } = await readDeploymentOrProblem(owner.root, owner.name);
    if (problem?.unknownTarget !== undefined) {
      // Guessing would delete the record and say "destroyed" while the real resources run on.
      throw new AppError('usage', `${problem.error.message} Nothing was removed: update R Deploy to destroy it.`);
    }
    if (problem && !problem.target && !target) {
      throw new AppError(
        'usage',
        `The deployment record ${problem.file} cannot be read and does not say its target. Run \`rdeploy destroy ${owner.name} --target <target>\` to remove what carries its labels, or fix the file.`,
      );
    }
    const tombstone = record || problem ? undefined : await readTombstone(owner.root, owner.name);
    // With no record at all, the local target's labels are cheap and free to look for.
    const kind = record?.target ?? problem?.target ?? target ?? (tombstone && isTargetKind(tombstone.target) ? tombstone.target : 'local');
    const purge = this.target(kind).purgeLogs;
    // Refused before anything is removed, not after.
    if (opts.logs && !purge) throw new AppError('usage', `A ${targetLabel(kind)} deployment's logs go with it: destroy it without --logs.`);
    const report = await runDestroy(this.target(kind), owner, this.context(work), this.options.tool);
    if (opts.logs && purge) {
      const gone = await purge(owner, record, this.context(work));
      if (gone) report.removed.push(gone);
    }
    if (record || problem || report.removed.length) return report;
    return tombstone ? 'nothing-left' : undefined;
  }

  list(root: string): Promise<DeploymentList> {
    return listDeployments(root);
  }

  read(root: string, name: string): Promise<DeploymentRecord | undefined> {
    return readDeployment(root, name);
  }

  async invoke(at: Located, payload: string, work: Work = {}): Promise<InvokeResult> {
    const target = await this.owned(at);
    return target.invoke(at.record, payload, this.context(work));
  }

  /**
   * Where `rdeploy map` runs a deployment's calls, once its anchor is known to be this
   * deployment's: the target's own executor (local Docker: parallel containers), else
   * `concurrency` invocations at a time through the target's invoke.
   */
  async mapExecutor(at: Located, options: MapExecutorOptions, work: Work = {}): Promise<MapExecutor> {
    const target = await this.owned(at);
    if (target.map) return target.map(at.record, options, this.context(work));
    const lanes = Math.max(1, options.concurrency);
    return invokeExecutor((payload, signal) => target.invoke(at.record, payload, this.context({ signal })), lanes, `${lanes} concurrent invocation${lanes === 1 ? '' : 's'} of ${at.record.name} on ${targetLabel(at.record.target)}`);
  }

  /**
   * `rdeploy map --local` for a cloud target: its artefacts, packaged once here, run in local
   * Docker the way its cloud runs them, up to the cores: twins started once and reused where the
   * target offers them (Lambda), else each call as `invoke --local` makes it (ACI: a container per run).
   */
  async twinMapExecutor(project: RProject, kind: TargetKind, options: PackageOptions, concurrency: number, work: Work = {}): Promise<MapExecutor> {
    const packaging = getPackaging(kind);
    const lanes = Math.max(1, Math.min(concurrency, availableParallelism()));
    if (packaging.prepareTwins) {
      // Started once and reused, as the cloud keeps an environment warm.
      const start = await packaging.prepareTwins(project, options, this.context(work));
      return twinExecutor((signal) => start(this.context({ ...work, signal })), lanes, `${lanes} local twin${lanes === 1 ? '' : 's'} of ${options.name} (${targetLabel(kind)}) in local Docker`, work.signal);
    }
    await packaging.package(project, options, this.context(work));
    return invokeExecutor(
      (payload, signal) => packaging.invokeLocal(project, options, payload, this.context({ signal })),
      lanes,
      `${lanes} local twin${lanes === 1 ? '' : 's'} of ${options.name} (${targetLabel(kind)}) in local Docker`,
    );
  }

  /** Queues one invocation (`invoke --async`) on a target that has a queue. */
  async invokeAsync(at: Located, payload: string, work: Work = {}): Promise<{ requestId?: string }> {
    const target = await this.owned(at);
    if (!target.invokeAsync) throw new AppError('usage', `A ${at.record.target} deployment answers every call directly: invoke it without --async.`);
    return target.invokeAsync(at.record, payload, this.context(work));
  }

  async *logs(at: Located, opts: LogOptions): AsyncIterable<LogEvent> {
    const target = await this.owned(at);
    yield* target.logs(at.record, opts, this.context({ signal: opts.signal }));
  }

  async status(at: Located): Promise<Status> {
    const target = this.target(at.record.target);
    const foreign = await this.foreignAnchor(target, at);
    if (foreign) return { state: 'missing', detail: foreign };
    return target.status(at.record, this.context({}));
  }

  /** Whether a kind's deployments run jobs whose recent runs can be listed (`runs`); false for a kind this version lacks. */
  hasRuns(kind: string): boolean {
    try {
      return typeof this.target(kind).runs === 'function';
    } catch {
      return false;
    }
  }

  /** The deployment's recent runs, newest first (a Logic App's runs), once its anchor is known to be this deployment's. */
  async runs(at: Located, opts: { top: number; withActions?: boolean }, work: Work = {}): Promise<RunSummary[]> {
    const target = await this.owned(at);
    if (!target.runs) throw new AppError('usage', `A ${targetLabel(at.record.target)} deployment does not run jobs: it has no runs to list.`);
    return target.runs(at.record, opts, this.context(work));
  }

  private context(work: Work): TargetContext {
    return { ...work, connections: this.options.connections };
  }

  /** The record's target, once its anchor resource is known to carry this deployment's labels or tags. */
  private async owned(at: Located): Promise<Target> {
    const target = this.target(at.record.target);
    const foreign = await this.foreignAnchor(target, at);
    if (foreign) {
      throw new AppError(
        'not-found',
        `The record of "${at.record.name}" points at ${foreign}. Was this project copied together with its .rdeploy folder? Deploy it here with \`rdeploy deploy\`, or delete ${recordPath(at.root, at.record.name)}.`,
      );
    }
    return target;
  }

  /** A description of the anchor when it exists but is not this deployment's; undefined otherwise. */
  private async foreignAnchor(target: Target, at: Located): Promise<string | undefined> {
    // Also when nothing is recorded yet: a target may fall back to a name (local: rdeploy-<name>),
    // and a name is one namespace for every project on the engine.
    const id = target.anchorRef?.(at.record) ?? currentResource(at.record, target.anchor);
    if (!id) return undefined;
    const owner: Owner = { root: at.root, name: at.record.name };
    // Invoke and the tree's status polls ask again and again: a created resource found ours stays
    // ours (Docker labels cannot change; an id names one resource only), so it is asked about once per process.
    const created = at.record.resources.some((r) => r.kind === target.anchor && r.id === id && r.state === 'created');
    const key = `${target.kind}\0${id}\0${owner.root}\0${owner.name}`;
    if (created && this.knownOurs.has(key)) return undefined;
    // With the record: a cloud target's resources are found where the record says (region, resource group).
    const ownership = await target.resources[target.anchor]!.ownership(id, owner, { ...this.context({}), record: at.record });
    if (ownership === 'ours' && created) this.knownOurs.add(key);
    if (ownership !== 'theirs') return undefined;
    return `${target.resources[target.anchor]!.describe(id, at.record)}, which belongs to another project or was not made by R Deploy`;
  }
}

export type { DestroyReport, Located, DeploymentList };
