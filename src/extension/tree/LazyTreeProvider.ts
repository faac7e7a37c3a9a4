import * as vscode from 'vscode';
import type { TreeNode } from './nodes';

/**
 * The provider registered at activation. It is tiny on purpose: the real tree (and the zod
 * schemas, project detection and targets behind it) loads when the view first asks for rows.
 */
export class LazyTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<TreeNode>;

  constructor(private readonly load: () => Promise<{ getChildren(node?: TreeNode): Promise<TreeNode[]> }>) {
    this.view = vscode.window.createTreeView('rdeploy.deployments', { treeDataProvider: this, showCollapseAll: true });
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.treeItem();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    return (await this.load()).getChildren(node);
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}
