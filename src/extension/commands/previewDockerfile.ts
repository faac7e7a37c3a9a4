import * as path from 'node:path';
import * as vscode from 'vscode';
import { AppError } from '../../core/errors';
import { defaultDeploymentName } from '../../core/names';
import { isTargetKind, targetLabel, type TargetKind } from '../../targets/catalogue';
import { readConfig } from '../../targets/config';
import { automationArgs, resolveDeployment, resolveProject } from '../args';
import type { RDeployContext } from '../context';
import { readSettings } from '../settings';
import { DeploymentNode } from '../tree/DeploymentNode';
import { makePlan } from './deployModel';

/**
 * Preview Dockerfile: exactly what a deploy would build (the plan's own Dockerfile), read-only.
 * For a deployment, with its target, handler and the base image it was deployed with; for a
 * project, argument > setting > rdeploy.json > default.
 */
export async function previewDockerfile(ctx: RDeployContext, arg?: unknown): Promise<string> {
  const args = automationArgs(arg) ?? {};
  let root: string;
  let name: string | undefined = args.name;
  let baseImage = args.baseImage;
  let handler = args.handler;
  let kind: TargetKind | undefined = args.target && isTargetKind(args.target) ? args.target : undefined;
  if (arg instanceof DeploymentNode || args.name) {
    const ref = await resolveDeployment(ctx, arg);
    root = ref.root;
    name = ref.record.name;
    handler ??= ref.record.handler;
    kind ??= isTargetKind(ref.record.target) ? ref.record.target : undefined;
    if (kind) baseImage ??= ctx.deployments.target(kind).redeployOptions(ref.record).baseImage;
  } else {
    root = await resolveProject(ctx, arg);
  }
  const { config } = await readConfig(root);
  kind ??= config.target ?? readSettings(vscode.Uri.file(root)).defaultTarget;
  const plan = await makePlan(ctx, root, kind, name ?? defaultDeploymentName(root, config.name), { ...args, baseImage, handler });
  const text = plan.dockerfiles?.image;
  if (text === undefined) throw new AppError('usage', vscode.l10n.t('The {0} target builds no image for this project.', targetLabel(kind)));
  const uri = ctx.documents.dockerfile.create(`${path.basename(root)} Dockerfile`, text, true);
  await ctx.documents.dockerfile.show(uri, 'dockerfile', true);
  return text;
}
