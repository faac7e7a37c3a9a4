import * as path from 'node:path';
import * as vscode from 'vscode';
import { AppError, cancelledError } from '../../core/errors';
import { deploymentId, deploymentState } from '../../core/view/deploymentState';
import type { RDeployContext } from '../context';
import type { DeploymentRef } from '../model/WorkspaceModel';

/** Asks for a deployment (Command Palette use of a tree command); `root` narrows to one project. */
export async function pickDeployment(ctx: RDeployContext, root?: string): Promise<DeploymentRef> {
  const all = (await ctx.model.allDeployments()).filter((d) => !root || d.root === path.resolve(root));
  if (all.length === 0) {
    throw new AppError('not-found', vscode.l10n.t('There is no deployment yet. Run "R Deploy: Deploy R Model…" first.'));
  }
  // One deployment: nothing to choose (Destroy still names it in its confirmation).
  if (all.length === 1) return all[0]!;
  const items = all.map((d) => ({
    label: d.record.name,
    description: `${d.record.target} · ${deploymentState(d.record, ctx.model.liveStatus(deploymentId(d.root, d.record.name)))}`,
    detail: d.root,
    ref: d,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Choose a deployment'), matchOnDetail: true });
  if (!picked) throw cancelledError();
  return picked.ref;
}

/** Asks for an R project of the workspace; none is asked when there is only one. */
export async function pickProject(ctx: RDeployContext): Promise<string> {
  const roots = await ctx.model.projects();
  if (roots.length === 0) {
    throw new AppError('project-not-found', vscode.l10n.t('No R project in this workspace: open a folder with renv.lock, packrat/packrat.lock, DESCRIPTION, an .Rproj file or score.R.'));
  }
  if (roots.length === 1) return roots[0]!;
  const picked = await vscode.window.showQuickPick(
    roots.map((root) => ({ label: path.basename(root), description: vscode.workspace.asRelativePath(root), root })),
    { title: vscode.l10n.t('Choose an R project') },
  );
  if (!picked) throw cancelledError();
  return picked.root;
}
