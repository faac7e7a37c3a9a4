import * as path from 'node:path';
import * as vscode from 'vscode';
import { AppError } from '../core/errors';
import { readRecord } from '../core/records/store';
import { isAutomationObject, parseAutomationArgs, type AutomationArgs } from '../core/view/automationArgs';
import type { RDeployContext } from './context';
import type { DeploymentRef } from './model/WorkspaceModel';
import { DeploymentNode } from './tree/DeploymentNode';
import { ProjectNode } from './tree/ProjectNode';
import { pickDeployment, pickProject } from './ui/pick';

/**
 * A command's first argument: a tree node (menus), nothing (Command Palette), or the automation
 * object of the contract ({root, name, payload, ...}). These turn it into what commands need,
 * asking only for what is missing.
 */
export function automationArgs(arg: unknown): AutomationArgs | undefined {
  if (arg instanceof DeploymentNode) return { root: arg.root, name: arg.record.name };
  if (arg instanceof ProjectNode) return { root: arg.root };
  return parseAutomationArgs(arg);
}

/**
 * True when the caller is a program that said so (`automation: true` or `confirm: false`), not a
 * person at a menu, palette, CodeLens, notification or status bar (which pass plain objects too).
 */
export function isAutomation(arg: unknown): boolean {
  return !(arg instanceof DeploymentNode) && !(arg instanceof ProjectNode) && isAutomationObject(arg);
}

export async function resolveDeployment(ctx: RDeployContext, arg: unknown): Promise<DeploymentRef> {
  if (arg instanceof DeploymentNode) {
    // The node may lag behind the file by a refresh; the file is the truth.
    const record = (await readRecord(arg.root, arg.record.name)) ?? arg.record;
    return { root: arg.root, record };
  }
  const args = automationArgs(arg);
  if (args?.name) {
    const found = await ctx.model.findDeployment(args.name, args.root);
    if (!found) {
      throw new AppError('not-found', vscode.l10n.t('No deployment named "{0}"{1}.', args.name, args.root ? ` in ${args.root}` : ''));
    }
    return found;
  }
  return pickDeployment(ctx, args?.root);
}

export async function resolveProject(ctx: RDeployContext, arg: unknown): Promise<string> {
  if (arg instanceof DeploymentNode || arg instanceof ProjectNode) return arg.root;
  const args = automationArgs(arg);
  if (args?.root) return path.resolve(args.root);
  if (args?.name) return (await resolveDeployment(ctx, args)).root;
  return pickProject(ctx);
}
