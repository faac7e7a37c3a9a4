import * as path from 'node:path';
import * as vscode from 'vscode';
import { RefreshScheduler } from '../../core/view/refreshScheduler';
import type { Target } from '../../targets/Target';
import { readSettings } from '../settings';
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

  constructor(
    private readonly tree: DeploymentsTree,
    private readonly target: (kind: string) => Target,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.scheduler = new RefreshScheduler<string>((batch) => {
      if (batch.all) tree.model.reloadAll();
      else for (const root of batch.keys) tree.model.reloadRecords(root);
      this.pollSoon();
    });
    const watcher = vscode.workspace.createFileSystemWatcher('**/.rdeploy/deployments/*.json');
    const onRecordFile = (uri: vscode.Uri) => {
      log.info(`record file changed: ${uri.fsPath}`);
      this.scheduler.request(path.dirname(path.dirname(path.dirname(uri.fsPath))));
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(onRecordFile),
      watcher.onDidChange(onRecordFile),
      watcher.onDidDelete(onRecordFile),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduler.request('all')),
      tree.view.onDidChangeVisibility(() => this.updatePolling()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('rdeploy.refreshIntervalSeconds')) this.updatePolling(true);
      }),
    );
    this.updatePolling();
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

  /** One status round for the deployments shown; rounds never overlap. */
  poll(): Promise<void> {
    this.polling ??= (async () => {
      const nodes = this.tree.shownDeployments().filter((n) => !['deploying', 'destroying', 'destroyed'].includes(n.record.status));
      await Promise.all(
        nodes.map(async (n) => {
          try {
            await this.tree.model.pollStatus({ root: n.root, record: n.record }, this.target(n.record.target));
          } catch (e) {
            this.log.debug(`status of ${n.record.name}: ${(e as Error).message}`);
          }
        }),
      );
    })().finally(() => (this.polling = undefined));
    return this.polling;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.scheduler.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
