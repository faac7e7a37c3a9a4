import * as vscode from 'vscode';
import type { DeploymentsTree } from './DeploymentsTree';
import type { DeploymentNode } from './DeploymentNode';
import { MessageNode } from './MessageNode';
import type { TreeNode } from './nodes';

/** "Last invocations": the few most recent calls, with status and duration. */
export class InvocationsNode implements TreeNode {
  constructor(
    readonly parent: DeploymentNode,
    private readonly tree: DeploymentsTree,
  ) {}

  treeItem(): vscode.TreeItem {
    const count = this.tree.invocations.list(this.parent.id).length;
    const t = new vscode.TreeItem(vscode.l10n.t('Last invocations'), count ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    t.id = `${this.parent.id}:invocations`;
    t.description = count ? String(count) : undefined;
    t.iconPath = new vscode.ThemeIcon('history');
    t.contextValue = 'invocations';
    return t;
  }

  children(): TreeNode[] {
    const list = this.tree.invocations.list(this.parent.id);
    const arg = { root: this.parent.root, name: this.parent.record.name };
    if (list.length === 0) {
      return [
        new MessageNode(this, {
          label: vscode.l10n.t('No invocations yet'),
          description: vscode.l10n.t('Invoke with Sample Payload…'),
          icon: new vscode.ThemeIcon('play'),
          command: { command: 'rdeploy.invoke', title: vscode.l10n.t('Invoke with Sample Payload…'), arguments: [arg] },
        }),
      ];
    }
    return list.map(
      (inv, i) =>
        new MessageNode(this, {
          id: `${this.parent.id}:invocation:${inv.at.getTime()}:${i}`,
          label: inv.at.toLocaleTimeString(),
          description: [inv.ok ? vscode.l10n.t('ok') : vscode.l10n.t('error'), `${Math.round(inv.durationMs)} ms`, inv.payloadName].filter(Boolean).join(' · '),
          tooltip: inv.error ?? inv.payloadName,
          icon: inv.ok ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')) : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
          contextValue: 'invocation',
        }),
    );
  }
}
