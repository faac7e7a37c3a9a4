import * as vscode from 'vscode';
import type { RunSummary } from '../../targets/Target';
import { formatDuration, runContextValue, runDurationMs, runIcon } from '../model/runView';
import { MessageNode } from './MessageNode';
import type { TreeNode } from './nodes';

/** One run: its status, when it started and how long it took; its actions, each with its status, below. */
export class RunNode implements TreeNode {
  readonly id: string;

  constructor(
    readonly parent: TreeNode & { readonly id: string },
    private readonly run: RunSummary,
    private readonly now: number,
  ) {
    this.id = `${parent.id}:${run.id}`;
  }

  treeItem(): vscode.TreeItem {
    const r = this.run;
    const started = r.startTime ? new Date(r.startTime).toLocaleString() : vscode.l10n.t('not started');
    const t = new vscode.TreeItem(started, r.actions?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    t.id = this.id;
    const ms = runDurationMs(r, this.now);
    t.description = [r.status, ms !== undefined && formatDuration(ms), r.trigger].filter(Boolean).join(' · ');
    t.iconPath = themeIcon(r.status);
    t.contextValue = runContextValue('run', r.status);
    // Values from the cloud go in as text, never as markdown.
    const md = new vscode.MarkdownString(undefined, true);
    md.appendText(`${vscode.l10n.t('Run')} ${r.id}\n\n`);
    md.appendText(`${vscode.l10n.t('Status')}: ${r.status}\n\n`);
    if (r.trigger) md.appendText(`${vscode.l10n.t('Trigger')}: ${r.trigger}\n\n`);
    if (r.startTime) md.appendText(`${vscode.l10n.t('Started')}: ${started}\n\n`);
    if (r.endTime) md.appendText(`${vscode.l10n.t('Ended')}: ${new Date(r.endTime).toLocaleString()}`);
    t.tooltip = md;
    return t;
  }

  children(): TreeNode[] {
    return (this.run.actions ?? []).map(
      (a, i) =>
        new MessageNode(this, {
          id: `${this.id}:action:${i}:${a.name}`,
          label: a.name,
          description: a.status,
          icon: themeIcon(a.status),
          contextValue: runContextValue('action', a.status),
        }),
    );
  }
}

function themeIcon(status: string): vscode.ThemeIcon {
  const icon = runIcon(status);
  return new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
}
