import * as path from 'node:path';
import * as vscode from 'vscode';
import { AppError } from '../../core/errors';
import { findProjects } from '../../core/project/findProjects';
import type { DeploymentRecord } from '../../core/records/record';
import type { RecordList } from '../../core/records/store';
import { deploymentId, type LiveStatus } from '../../core/view/deploymentState';
import type { Deployments } from '../../targets/lifecycle/Deployments';
import type { RunSummary } from '../../targets/Target';
import { isRunFinished } from './runView';
import { listDeployments } from '../../targets/lifecycle/records';

export interface DeploymentRef {
  root: string;
  record: DeploymentRecord;
}

export type ModelChange = { kind: 'projects' } | { kind: 'records'; root: string } | { kind: 'status'; id: string } | { kind: 'runs'; id: string };

/** A deployment's recent runs as last read, or the error that stopped us reading them. */
export type RunList = { runs: RunSummary[] } | { error: string };

/** How many runs the tree shows: the newest ones. */
const RUNS_SHOWN = 10;

/** How deep below a workspace folder R projects are looked for: deep enough for examples/<name>. */
const SEARCH_DEPTH = 4;

/**
 * What the workspace holds: R projects, their deployment records and the last live status of
 * each deployment. Read lazily (nothing at activation) and cached until told to reload; the
 * tree renders from it and listens to its change events.
 */
export class WorkspaceModel implements vscode.Disposable {
  private projectList: Promise<string[]> | undefined;
  private readonly extraRoots = new Set<string>();
  private readonly records = new Map<string, Promise<RecordList>>();
  private readonly live = new Map<string, LiveStatus>();
  private readonly runLists = new Map<string, RunList>();
  private readonly changes = new vscode.EventEmitter<ModelChange>();
  readonly onDidChange = this.changes.event;
  private readonly loads = new vscode.EventEmitter<string>();
  /** A project's records were (re-)read from disk: the root. Not a change; the refresher watches that directory. */
  readonly onDidLoadRecords = this.loads.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** R project roots of the workspace folders, sorted; found once, then cached. */
  projects(): Promise<string[]> {
    this.projectList ??= this.findAll().catch((e: unknown) => {
      this.projectList = undefined;
      throw e;
    });
    return this.projectList.then((found) => [...new Set([...found, ...this.extraRoots])].sort());
  }

  private async findAll(): Promise<string[]> {
    const started = Date.now();
    const roots: string[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      roots.push(...(await findProjects(folder.uri.fsPath, { maxDepth: SEARCH_DEPTH })));
    }
    this.log.info(`found ${roots.length} R project(s) in ${Date.now() - started} ms`);
    return roots;
  }

  recordsOf(root: string): Promise<RecordList> {
    let list = this.records.get(root);
    if (!list) {
      // Through the lifecycle: an interrupted deploy reads as such, and unreadable records are problems.
      list = listDeployments(root)
        .then((l): RecordList => ({ records: l.deployments.map((d) => d.record), problems: l.problems.map((p) => ({ file: p.file, error: p.error })) }))
        .catch((e: unknown) => ({
          records: [],
          problems: [{ file: path.join(root, '.rdeploy', 'deployments'), error: e instanceof AppError ? e : new AppError('internal', String(e), { cause: e }) }],
        }))
        .finally(() => this.loads.fire(root));
      this.records.set(root, list);
    }
    return list;
  }

  async allDeployments(): Promise<DeploymentRef[]> {
    const out: DeploymentRef[] = [];
    for (const root of await this.projects()) {
      for (const record of (await this.recordsOf(root)).records) out.push({ root, record });
    }
    return out;
  }

  /** The deployment `name`, in `root` when given, else in any project (ambiguity is an error). */
  async findDeployment(name: string, root?: string): Promise<DeploymentRef | undefined> {
    if (root) {
      this.reloadRecords(path.resolve(root), false);
      const record = (await this.recordsOf(path.resolve(root))).records.find((r) => r.name === name);
      return record && { root: path.resolve(root), record };
    }
    const matches = (await this.allDeployments()).filter((d) => d.record.name === name);
    if (matches.length > 1) {
      throw new AppError('usage', vscode.l10n.t('Several projects have a deployment named "{0}": {1}. Pass its project root.', name, matches.map((m) => m.root).join(', ')));
    }
    return matches[0];
  }

  liveStatus(id: string): LiveStatus | undefined {
    return this.live.get(id);
  }

  /** Re-reads a project's records (after a deploy, or when a record file changes on disk). */
  reloadRecords(root: string, notify = true): void {
    this.records.delete(root);
    if (!this.projectList) {
      // Not listed yet: the first listing will include it.
    } else {
      void this.projectList.then((found) => {
        if (!found.includes(root) && !this.extraRoots.has(root)) {
          // A record appeared in a folder the search did not reach (deeper, or a new project).
          this.extraRoots.add(root);
          if (notify) this.changes.fire({ kind: 'projects' });
        }
      });
    }
    if (notify) this.changes.fire({ kind: 'records', root });
  }

  /** Finds the projects again (workspace folders changed, or Refresh). */
  reloadAll(): void {
    this.projectList = undefined;
    this.records.clear();
    this.changes.fire({ kind: 'projects' });
  }

  /** Asks the target for the live state; fires a change only when it differs from the last one. */
  async pollStatus(ref: DeploymentRef, deployments: Pick<Deployments, 'status'>): Promise<void> {
    const id = deploymentId(ref.root, ref.record.name);
    let next: LiveStatus;
    try {
      next = { status: await deployments.status(ref) };
    } catch (e) {
      next = { error: e instanceof Error ? e.message : String(e) };
    }
    if (JSON.stringify(next) === JSON.stringify(this.live.get(id))) return;
    this.live.set(id, next);
    this.changes.fire({ kind: 'status', id });
  }

  forgetStatus(id: string): void {
    this.live.delete(id);
    this.runLists.delete(id);
  }

  /** The runs last read for a deployment (targets whose deployments run jobs), undefined before the first read. */
  runsOf(id: string): RunList | undefined {
    return this.runLists.get(id);
  }

  /**
   * Reads a deployment's newest runs with their actions; fires a change when they differ from the
   * last ones, or while one runs (its duration grows).
   */
  async pollRuns(ref: DeploymentRef, deployments: Pick<Deployments, 'runs'>): Promise<void> {
    const id = deploymentId(ref.root, ref.record.name);
    let next: RunList;
    try {
      next = { runs: await deployments.runs(ref, { top: RUNS_SHOWN, withActions: true }) };
    } catch (e) {
      next = { error: e instanceof Error ? e.message : String(e) };
    }
    const unchanged = JSON.stringify(next) === JSON.stringify(this.runLists.get(id));
    this.runLists.set(id, next);
    if (unchanged && !('runs' in next && next.runs.some((r) => !isRunFinished(r.status)))) return;
    this.changes.fire({ kind: 'runs', id });
  }

  dispose(): void {
    this.changes.dispose();
    this.loads.dispose();
  }
}
