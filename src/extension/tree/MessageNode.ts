import * as vscode from 'vscode';
import type { TreeNode } from './nodes';

/**
 * A leaf that says something instead of an empty or broken list: a placeholder ("No
 * deployments — Deploy…"), an error, or a detail such as the endpoint or image.
 */
export class MessageNode implements TreeNode {
  constructor(
    readonly parent: TreeNode | undefined,
    private readonly item: {
      id?: string;
      label: string;
      description?: string;
      tooltip?: string | vscode.MarkdownString;
      icon?: vscode.ThemeIcon;
      command?: vscode.Command;
      contextValue?: string;
    },
  ) {}

  treeItem(): vscode.TreeItem {
    const t = new vscode.TreeItem(this.item.label, vscode.TreeItemCollapsibleState.None);
    if (this.item.id) t.id = this.item.id;
    t.description = this.item.description;
    t.tooltip = this.item.tooltip;
    t.iconPath = this.item.icon;
    t.command = this.item.command;
    t.contextValue = this.item.contextValue;
    return t;
  }

  children(): TreeNode[] {
    return [];
  }

  static error(parent: TreeNode | undefined, message: string, id?: string): MessageNode {
    return new MessageNode(parent, {
      id,
      label: message,
      tooltip: message,
      icon: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
      contextValue: 'error',
    });
  }
}
