import * as vscode from 'vscode';
import { hasLocalTwin } from '../../targets/catalogue';
import type { DeploymentRecord } from '../../core/records/record';
import {
  deploymentContextValue,
  deploymentIcon,
  deploymentId,
  deploymentState,
  endpointHost,
  type DeploymentState,
} from '../../core/view/deploymentState';
import { recordItems, targetLabel } from '../../targets/catalogue';
import type { DeploymentsTree } from './DeploymentsTree';
import { InvocationsNode } from './InvocationsNode';
import { MessageNode } from './MessageNode';
import type { TreeNode } from './nodes';
import type { ProjectNode } from './ProjectNode';
import { RunsNode } from './RunsNode';

/** A deployment; the record is replaced in place on refresh so VS Code keeps the same element. */
export class DeploymentNode implements TreeNode {
  readonly id: string;
  /** "Recent runs", kept so that a change of the runs re-renders that row only. */
  private runs: RunsNode | undefined;

  constructor(
    readonly parent: ProjectNode,
    public record: DeploymentRecord,
    private readonly tree: DeploymentsTree,
  ) {
    this.id = deploymentId(parent.root, record.name);
  }

  get root(): string {
    return this.parent.root;
  }

  state(): DeploymentState {
    return deploymentState(this.record, this.tree.model.liveStatus(this.id));
  }

  treeItem(): vscode.TreeItem {
    const state = this.state();
    const live = this.tree.model.liveStatus(this.id);
    const t = new vscode.TreeItem(this.record.name, vscode.TreeItemCollapsibleState.Collapsed);
    t.id = this.id;
    // Targets that package artefacts can run them locally as their cloud would (the local twin).
    t.contextValue = deploymentContextValue(this.record, state, { twin: hasLocalTwin(this.record.target) });
    const icon = deploymentIcon(state);
    t.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
    const host = state === 'running' ? endpointHost(this.record.endpoint) : undefined;
    t.description = [this.record.target, state, host].filter(Boolean).join(' · ');
    // Record values come from a file anyone can edit: they go in as text, never as markdown (no
    // links or images that a hover would fetch).
    const md = new vscode.MarkdownString(undefined, true);
    md.appendText(this.record.name);
    md.appendMarkdown(` — ${targetLabel(this.record.target)}\n\n`);
    md.appendMarkdown(`${vscode.l10n.t('State')}: \`${state}\``);
    if (live && 'status' in live && live.status.detail) md.appendText(` (${live.status.detail})`);
    if (live && 'error' in live) md.appendText(` — ${live.error}`);
    md.appendMarkdown(`\n\n${vscode.l10n.t('Handler')}: `);
    md.appendText(this.record.handler);
    if (this.record.endpoint) {
      md.appendMarkdown(`\n\n${vscode.l10n.t('Endpoint')}: `);
      md.appendText(this.record.endpoint);
    }
    md.appendMarkdown(`\n\n${vscode.l10n.t('Updated')}: ${new Date(this.record.updatedAt).toLocaleString()}`);
    t.tooltip = md;
    return t;
  }

  children(): TreeNode[] {
    const r = this.record;
    const nodes: TreeNode[] = [];
    if (r.status === 'failed') {
      nodes.push(MessageNode.error(this, r.error ?? vscode.l10n.t('The last deploy failed.'), `${this.id}:error`));
    }
    if (r.status === 'interrupted') {
      nodes.push(
        new MessageNode(this, {
          id: `${this.id}:interrupted`,
          label: vscode.l10n.t('Interrupted: the process that was deploying it stopped'),
          description: vscode.l10n.t('Destroy or Redeploy'),
          tooltip: vscode.l10n.t('Destroy removes everything it created, also what was not recorded yet.'),
          icon: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('list.warningForeground')),
        }),
      );
    }
    const live = this.tree.model.liveStatus(this.id);
    if (live && 'error' in live) {
      nodes.push(MessageNode.error(this, vscode.l10n.t('Status unavailable: {0}', live.error), `${this.id}:status-error`));
    } else if (live?.status.state === 'missing' && r.status !== 'failed') {
      nodes.push(
        new MessageNode(this, {
          id: `${this.id}:missing`,
          label: vscode.l10n.t('Container is gone'),
          description: vscode.l10n.t('Redeploy or Destroy'),
          tooltip: live.status.detail,
          icon: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
        }),
      );
    }
    if (r.endpoint) {
      nodes.push(
        new MessageNode(this, {
          id: `${this.id}:endpoint`,
          label: r.endpoint,
          description: vscode.l10n.t('endpoint — click to copy'),
          tooltip: vscode.l10n.t('POST {0}/invocations with a JSON payload', r.endpoint),
          icon: new vscode.ThemeIcon('link'),
          command: { command: 'rdeploy.copyText', title: vscode.l10n.t('Copy'), arguments: [r.endpoint] },
          contextValue: 'endpoint',
        }),
      );
    }
    // What the target says is worth seeing (local: the image), as text from the record.
    for (const item of recordItems(r)) {
      nodes.push(
        new MessageNode(this, {
          id: `${this.id}:${item.kind}`,
          label: item.label,
          description: item.description ?? item.kind,
          tooltip: item.tooltip,
          icon: new vscode.ThemeIcon(item.kind === 'image' ? 'package' : 'symbol-misc'),
          contextValue: item.kind,
        }),
      );
    }
    if (this.tree.hasRuns(r.target)) nodes.push((this.runs ??= new RunsNode(this, this.tree)));
    nodes.push(new InvocationsNode(this, this.tree));
    return nodes;
  }

  /** Its "Recent runs" row, once shown. */
  get runsNode(): RunsNode | undefined {
    return this.runs;
  }
}
