import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { recordsDir } from '../../core/records/store';
import { projectRootOfRecordPath } from '../../core/view/recordPaths';
import { RefreshScheduler } from '../../core/view/refreshScheduler';
import { catalogueEntry } from '../../targets/catalogue';
import type { Deployments } from '../../targets/lifecycle/Deployments';
import { readSettings } from '../settings';
import type { DeploymentNode } from './DeploymentNode';
import type { DeploymentsTree } from './DeploymentsTree';

/**
 * Keeps the tree current without wasting work: record changes on disk (the CLI deploys too) are
 * merged into one reload per project, and live status is polled only while the view is visible.
 */
export class RefreshManager implements vscode.Disposable {
  private readonly scheduler: RefreshScheduler<string>;
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** One watcher per records directory that exists (see watchRecordsDir). */
  private readonly dirWatchers = new Map<string, { ino: number; watcher: vscode.Disposable }>();
  private disposed = false;
  /** When each deployment's status was last asked for (see due). */
  private readonly lastPolled = new Map<string, number>();
  /** When each deployment's runs were last read, and the reads under way. */
  private readonly lastRunsPolled = new Map<string, number>();
  private readonly readingRuns = new Map<string, Promise<void>>();

  constructor(
    private readonly tree: DeploymentsTree,
    private readonly deployments: Pick<Deployments, 'status' | 'runs'>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.scheduler = new RefreshScheduler<string>((batch) => {
      if (batch.all) tree.model.reloadAll();
      else for (const root of batch.keys) tree.model.reloadRecords(root);
      this.pollSoon();
    });
    // Record files anywhere in the workspace (the CLI deploys too, into nested projects as well).
    const files = vscode.workspace.createFileSystemWatcher('**/.rdeploy/deployments/*.json');
    // The directories themselves: on Linux the workspace watcher (parcel, inotify) does not watch a
    // directory created together with its parent — writeRecord's `mkdir -p` of .rdeploy/deployments
    // on a first deploy — so no event ever comes for the files in it. The parent's creation does
    // come: read that project's records then, and watch its records directory itself (below).
    const dirs = vscode.workspace.createFileSystemWatcher('{**/.rdeploy,**/.rdeploy/deployments}', false, true, false);
    this.disposables.push(
      files,
      files.onDidCreate(this.onRecordPath),
      files.onDidChange(this.onRecordPath),
      files.onDidDelete(this.onRecordPath),
      dirs,
      dirs.onDidCreate(this.onRecordPath),
      dirs.onDidDelete(this.onRecordPath),
      tree.model.onDidLoadRecords((root) => void this.watchRecordsDir(root)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduler.request('all')),
      tree.view.onDidChangeVisibility(() => this.updatePolling()),
      tree.onDidWantRuns((node) => void this.pollRuns(node, Date.now())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('rdeploy.refreshIntervalSeconds')) this.updatePolling(true);
      }),
    );
    this.updatePolling();
  }

  private readonly onRecordPath = (uri: vscode.Uri): void => {
    const root = projectRootOfRecordPath(uri.fsPath);
    if (!root) return;
    this.log.info(`records changed on disk: ${uri.fsPath}`);
    this.scheduler.request(root);
  };

  /**
   * Watches one project's records directory with a watcher of its own (non-recursive: VS Code
   * serves it with fs.watch on that directory, not the workspace watcher), so that changes in a
   * directory the workspace watcher missed are seen too. Called each time the records are read.
   */
  private async watchRecordsDir(root: string): Promise<void> {
    const dir = recordsDir(root);
    // The inode tells a directory deleted and made again (its old watch is gone) from the same one.
    const ino = await stat(dir).then(
      (s) => (s.isDirectory() ? s.ino : undefined),
      () => undefined,
    );
    const current = this.dirWatchers.get(root);
    if (current && current.ino === ino) return;
    current?.watcher.dispose();
    this.dirWatchers.delete(root);
    if (ino === undefined || this.disposed) return;
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '*.json'));
    const watcher = vscode.Disposable.from(w, w.onDidCreate(this.onRecordPath), w.onDidChange(this.onRecordPath), w.onDidDelete(this.onRecordPath));
    this.dirWatchers.set(root, { ino, watcher });
    // What was written between the read that led here and the watch taking effect: read once more.
    this.scheduler.request(root);
  }

  /** A project's records changed (we just wrote them): reload soon, merged with other requests. */
  requestRecords(root: string): void {
    this.scheduler.request(root);
  }

  /** Refresh everything now: projects, records, status. */
  refreshAll(): void {
    this.scheduler.request('all');
    this.scheduler.fire();
  }

  private updatePolling(restart = false): void {
    const visible = this.tree.view.visible;
    if (this.timer && (!visible || restart)) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (visible && !this.timer) {
      const seconds = readSettings().refreshIntervalSeconds;
      this.timer = setInterval(() => void this.poll(), seconds * 1000);
      this.pollSoon();
    }
  }

  private pollSoon(): void {
    if (!this.tree.view.visible) return;
    // After the tree has asked for its children, so the deployments to poll are known.
    setTimeout(() => void this.poll(), 300);
  }

  /**
   * One status round for the deployments shown; rounds never overlap. Each target is asked at
   * most as often as its catalogue entry allows: cloud status calls are paid or throttled.
   */
  poll(): Promise<void> {
    this.polling ??= (async () => {
      const now = Date.now();
      const settled = this.tree.shownDeployments().filter((n) => !['deploying', 'destroying', 'destroyed', 'interrupted'].includes(n.record.status));
      const nodes = settled.filter((n) => this.due(this.lastPolled, n.id, n.record.target, now));
      await Promise.all([
        ...nodes.map(async (n) => {
          try {
            await this.tree.model.pollStatus({ root: n.root, record: n.record }, this.deployments);
          } catch (e) {
            this.log.debug(`status of ${n.record.name}: ${(e as Error).message}`);
          }
        }),
        // Runs only where someone sees them (the row expanded), on the same least interval.
        ...settled.filter((n) => this.tree.runsWatched(n.id)).map((n) => this.pollRuns(n, now)),
      ]);
    })().finally(() => (this.polling = undefined));
    return this.polling;
  }

  /** Something just started a run (an invocation): read the runs now, if they are shown. */
  runsChanged(node: DeploymentNode): void {
    this.lastRunsPolled.delete(node.id);
    if (this.tree.runsWatched(node.id)) void this.pollRuns(node, Date.now());
  }

  /**
   * Reads a deployment's runs unless a read is under way or was made less than its target's
   * least poll interval ago (a listing of runs with their actions is several cloud calls).
   */
  private pollRuns(n: DeploymentNode, now: number): Promise<void> {
    const pending = this.readingRuns.get(n.id);
    if (pending) return pending;
    if (!this.tree.view.visible || ['deploying', 'destroying', 'destroyed', 'interrupted'].includes(n.record.status)) return Promise.resolve();
    if (!this.due(this.lastRunsPolled, n.id, n.record.target, now)) return Promise.resolve();
    const reading = this.tree.model
      .pollRuns({ root: n.root, record: n.record }, this.deployments)
      .catch((e: unknown) => this.log.debug(`runs of ${n.record.name}: ${(e as Error).message}`))
      .finally(() => this.readingRuns.delete(n.id));
    this.readingRuns.set(n.id, reading);
    return reading;
  }

  /** Whether a deployment's target may be asked again (its least poll interval has passed since `last`). */
  private due(last: Map<string, number>, id: string, kind: string, now: number): boolean {
    let seconds = 0;
    try {
      seconds = catalogueEntry(kind).capabilities.statusPollSeconds;
    } catch {
      // a target this version does not know: its record is shown as a problem anyway
    }
    const at = last.get(id);
    if (at !== undefined && now - at < seconds * 1000) return false;
    last.set(id, now);
    return true;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    for (const d of this.dirWatchers.values()) d.watcher.dispose();
    this.dirWatchers.clear();
    this.scheduler.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
