import * as path from 'node:path';
import * as vscode from 'vscode';
import { isTargetKind, type TargetKind } from '../../targets/catalogue';
import { readConfig, resolveSettings } from '../../targets/config';
import { generateDockerfile, renderDockerfile } from '../../core/docker/dockerfile';
import { shippedRuntimeInstall } from '../../targets/image/generatedBuildInputs';
import { loadProject } from '../../core/project/loadProject';
import { automationArgs, resolveDeployment, resolveProject } from '../args';
import type { RDeployContext } from '../context';
import { readSettings } from '../settings';
import { DeploymentNode } from '../tree/DeploymentNode';

/**
 * Preview Dockerfile: what a deploy would build, read-only. For a deployment, with the base
 * image it was deployed with; for a project, argument > setting > rdeploy.json > default.
 */
export async function previewDockerfile(ctx: RDeployContext, arg?: unknown): Promise<string> {
  const args = automationArgs(arg);
  let root: string;
  let baseImage = args?.baseImage;
  let kind: TargetKind | undefined = args?.target && isTargetKind(args.target) ? args.target : undefined;
  if (arg instanceof DeploymentNode || args?.name) {
    const ref = await resolveDeployment(ctx, arg);
    root = ref.root;
    kind ??= isTargetKind(ref.record.target) ? ref.record.target : undefined;
    if (kind) baseImage ??= ctx.deployments.target(kind).redeployOptions(ref.record).baseImage;
  } else {
    root = await resolveProject(ctx, arg);
  }
  const { config } = await readConfig(root);
  kind ??= config.target ?? readSettings(vscode.Uri.file(root)).defaultTarget;
  baseImage ??= readSettings(vscode.Uri.file(root)).baseImage ?? config.baseImage;
  const project = await loadProject(root);
  // The target decides how the runtime serves (an HTTP server, a job, …), so it writes the CMD.
  const mode = ctx.deployments.target(kind).runtimeMode(resolveSettings(kind, config));
  const text = renderDockerfile(generateDockerfile(project, { baseImage, mode, runtime: shippedRuntimeInstall() }));
  const uri = ctx.documents.dockerfile.create(`${path.basename(root)} Dockerfile`, text, true);
  await ctx.documents.dockerfile.show(uri, 'dockerfile', true);
  return text;
}
