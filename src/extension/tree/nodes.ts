import type * as vscode from 'vscode';

/** One class per tree level; each renders itself and knows its parent (for reveal). */
export interface TreeNode {
  readonly parent: TreeNode | undefined;
  treeItem(): vscode.TreeItem;
  children(): TreeNode[] | Promise<TreeNode[]>;
}
