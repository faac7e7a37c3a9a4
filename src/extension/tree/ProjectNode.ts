import * as path from 'node:path';
import * as vscode from 'vscode';
import { projectId } from '../../core/view/deploymentState';
import type { DeploymentsTree } from './DeploymentsTree';
import { MessageNode } from './MessageNode';
import type { TreeNode } from './nodes';

export class ProjectNode implements TreeNode {
  readonly parent = undefined;
  readonly id: string;

  constructor(
    readonly root: string,
    private readonly tree: DeploymentsTree,
  ) {
    this.id = projectId(root);
  }

  treeItem(): vscode.TreeItem {
    const t = new vscode.TreeItem(path.basename(this.root), vscode.TreeItemCollapsibleState.Expanded);
    t.id = this.id;
    t.contextValue = 'project';
    t.iconPath = new vscode.ThemeIcon('folder-library');
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(this.root));
    const rel = folder ? path.relative(folder.uri.fsPath, this.root) : this.root;
    t.description = rel && rel !== path.basename(this.root) ? path.dirname(rel) : undefined;
    t.tooltip = this.root;
    t.resourceUri = vscode.Uri.file(this.root);
    return t;
  }

  async children(): Promise<TreeNode[]> {
    const { records, problems } = await this.tree.model.recordsOf(this.root);
    this.tree.forgetDeploymentsExcept(this.root, records.map((r) => r.name));
    const nodes: TreeNode[] = records.map((record) => this.tree.deploymentNode(this, record));
    for (const p of problems) nodes.push(MessageNode.error(this, p.error.message, `problem:${p.file}`));
    if (nodes.length === 0) {
      nodes.push(
        new MessageNode(this, {
          id: `placeholder:${this.root}`,
          label: vscode.l10n.t('No deployments yet'),
          description: vscode.l10n.t('Deploy R Model…'),
          icon: new vscode.ThemeIcon('cloud-upload'),
          command: { command: 'rdeploy.deploy', title: vscode.l10n.t('Deploy R Model…'), arguments: [{ root: this.root }] },
        }),
      );
    }
    return nodes;
  }
}
