import * as vscode from 'vscode';
import type { DeploymentNode } from './DeploymentNode';
import type { DeploymentsTree } from './DeploymentsTree';
import { MessageNode } from './MessageNode';
import type { TreeNode } from './nodes';
import { RunNode } from './RunNode';

/**
 * "Recent runs" of a deployment whose target runs jobs (a Logic App's runs, scheduled ones too).
 * Read when expanded and kept current while it stays expanded and the view is visible, no more
 * often than the target's statusPollSeconds (RefreshManager); each read lists the runs' actions.
 */
export class RunsNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: DeploymentNode,
    private readonly tree: DeploymentsTree,
  ) {
    this.id = `${parent.id}:runs`;
  }

  treeItem(): vscode.TreeItem {
    const list = this.tree.model.runsOf(this.parent.id);
    const t = new vscode.TreeItem(vscode.l10n.t('Recent runs'), vscode.TreeItemCollapsibleState.Collapsed);
    t.id = this.id;
    t.description = list && 'runs' in list && list.runs.length ? String(list.runs.length) : undefined;
    t.iconPath = new vscode.ThemeIcon('run-all');
    t.contextValue = 'runs';
    return t;
  }

  children(): TreeNode[] {
    // Asked for its rows: it is expanded, so keep them current (a read now unless one is recent).
    this.tree.watchRuns(this.parent);
    const list = this.tree.model.runsOf(this.parent.id);
    if (!list) {
      return [new MessageNode(this, { id: `${this.id}:loading`, label: vscode.l10n.t('Reading the runs…'), icon: new vscode.ThemeIcon('loading~spin') })];
    }
    if ('error' in list) return [MessageNode.error(this, vscode.l10n.t('Runs unavailable: {0}', list.error), `${this.id}:error`)];
    if (list.runs.length === 0) {
      const arg = { root: this.parent.root, name: this.parent.record.name };
      return [
        new MessageNode(this, {
          id: `${this.id}:none`,
          label: vscode.l10n.t('No runs yet'),
          description: vscode.l10n.t('Invoke with Sample Payload…'),
          icon: new vscode.ThemeIcon('play'),
          command: { command: 'rdeploy.invoke', title: vscode.l10n.t('Invoke with Sample Payload…'), arguments: [arg] },
        }),
      ];
    }
    const now = Date.now();
    return list.runs.map((run) => new RunNode(this, run, now));
  }
}
