import * as vscode from 'vscode';
import type { DeploymentRecord } from '../../core/records/record';
import { deploymentId } from '../../core/view/deploymentState';
import type { InvocationHistory } from '../../core/view/invocationHistory';
import type { Deployments } from '../../targets/lifecycle/Deployments';
import type { WorkspaceModel } from '../model/WorkspaceModel';
import { DeploymentNode } from './DeploymentNode';
import { MessageNode } from './MessageNode';
import type { TreeNode } from './nodes';
import { ProjectNode } from './ProjectNode';
import { RunsNode } from './RunsNode';

/**
 * The "Deployments" view: R projects → deployments → details. Nodes are cached by id and
 * updated in place, so a status change re-renders one row and expansion survives refreshes.
 */
export class DeploymentsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly projectNodes = new Map<string, ProjectNode>();
  private readonly deploymentNodes = new Map<string, DeploymentNode>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Whether the root currently lists projects (it is empty, for viewsWelcome, when there is no deployment at all). */
  private rootShowsProjects = false;
  /** The deployments whose "Recent runs" is expanded: their runs are kept current. */
  private readonly watchedRuns = new Set<string>();
  private readonly runsWanted = new vscode.EventEmitter<DeploymentNode>();
  /** A deployment's runs were shown: read them unless a read is recent (RefreshManager). */
  readonly onDidWantRuns = this.runsWanted.event;

  /**
   * The view and its change emitter belong to the lightweight provider registered at
   * activation (LazyTreeProvider); this class, loaded on first use, does the work.
   */
  constructor(
    readonly model: WorkspaceModel,
    readonly invocations: InvocationHistory,
    readonly view: vscode.TreeView<TreeNode>,
    private readonly changed: vscode.EventEmitter<TreeNode | undefined>,
    private readonly deployments: Pick<Deployments, 'hasRuns'>,
  ) {
    this.disposables.push(
      model.onDidChange((c) => this.onModelChange(c)),
      this.runsWanted,
      // Collapsed (or its deployment collapsed): nobody sees the runs, so they are not polled.
      view.onDidCollapseElement(({ element }) => {
        if (element instanceof RunsNode) this.watchedRuns.delete(element.parent.id);
        if (element instanceof DeploymentNode) this.watchedRuns.delete(element.id);
      }),
    );
  }

  /** Whether a target's deployments show "Recent runs" (its target lists runs). */
  hasRuns(kind: string): boolean {
    return this.deployments.hasRuns(kind);
  }

  /** Called when a deployment's runs are shown: they are kept current from now on, and read now unless recently. */
  watchRuns(node: DeploymentNode): void {
    this.watchedRuns.add(node.id);
    this.runsWanted.fire(node);
  }

  /** Whether a deployment's runs are shown (expanded), so worth polling. */
  runsWatched(id: string): boolean {
    return this.watchedRuns.has(id);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.treeItem();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      return node ? await node.children() : await this.roots();
    } catch (e) {
      return [MessageNode.error(node, e instanceof Error ? e.message : String(e))];
    }
  }

  private async roots(): Promise<TreeNode[]> {
    if (!vscode.workspace.workspaceFolders?.length) {
      await setContext('rdeploy.hasProjects', false);
      await setContext('rdeploy.loaded', true);
      return [];
    }
    const roots = await this.model.projects();
    let deployments = 0;
    for (const root of roots) {
      const list = await this.model.recordsOf(root);
      deployments += list.records.length + list.problems.length;
    }
    await setContext('rdeploy.hasProjects', roots.length > 0);
    await setContext('rdeploy.hasDeployments', deployments > 0);
    await setContext('rdeploy.loaded', true);
    // With no deployment anywhere the view stays empty so its welcome ("Deploy R Model") shows.
    this.rootShowsProjects = deployments > 0;
    if (!this.rootShowsProjects) return [];
    for (const root of [...this.projectNodes.keys()]) if (!roots.includes(root)) this.projectNodes.delete(root);
    return roots.map((root) => {
      let n = this.projectNodes.get(root);
      if (!n) this.projectNodes.set(root, (n = new ProjectNode(root, this)));
      return n;
    });
  }

  /** The node for a record, reused across refreshes (VS Code matches change events by element). */
  deploymentNode(parent: ProjectNode, record: DeploymentRecord): DeploymentNode {
    const id = deploymentId(parent.root, record.name);
    let n = this.deploymentNodes.get(id);
    if (n && n.parent === parent) n.record = record;
    else this.deploymentNodes.set(id, (n = new DeploymentNode(parent, record, this)));
    return n;
  }

  /**
   * Drops the nodes of a project's deployments that no longer have a record (destroyed here or
   * by the CLI), so they are neither kept nor polled for the rest of the session.
   */
  forgetDeploymentsExcept(root: string, names: readonly string[]): void {
    const keep = new Set(names.map((n) => deploymentId(root, n)));
    for (const [id, node] of this.deploymentNodes) {
      if (node.root === root && !keep.has(id)) {
        this.deploymentNodes.delete(id);
        this.watchedRuns.delete(id);
      }
    }
  }

  /** The deployments currently shown (for status polling). */
  shownDeployments(): DeploymentNode[] {
    return [...this.deploymentNodes.values()].filter((n) => this.projectNodes.get(n.root) === n.parent);
  }

  findDeploymentNode(root: string, name: string): DeploymentNode | undefined {
    return this.deploymentNodes.get(deploymentId(root, name));
  }

  /** Re-renders one deployment (its invocations changed), or everything. */
  refreshNode(node: TreeNode | undefined): void {
    this.changed.fire(node);
  }

  async reveal(root: string, name: string): Promise<void> {
    if (!this.view.visible) return;
    const node = this.findDeploymentNode(root, name);
    if (node) await this.view.reveal(node, { select: true, focus: false, expand: false }).then(undefined, () => undefined);
  }

  private onModelChange(c: Parameters<Parameters<WorkspaceModel['onDidChange']>[0]>[0]): void {
    if (c.kind === 'status') {
      const node = this.deploymentNodes.get(c.id);
      if (node) this.changed.fire(node);
      return;
    }
    if (c.kind === 'runs') {
      const runs = this.deploymentNodes.get(c.id)?.runsNode;
      if (runs) this.changed.fire(runs);
      return;
    }
    if (c.kind === 'records') {
      const node = this.projectNodes.get(c.root);
      // A first deployment (or the last one gone) changes what the root shows: refresh it all.
      void this.model.recordsOf(c.root).then((list) => {
        const has = list.records.length + list.problems.length > 0;
        this.changed.fire(node && this.rootShowsProjects && has ? node : undefined);
      });
      return;
    }
    this.changed.fire(undefined);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function setContext(key: string, value: unknown): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', key, value);
}
