import * as path from 'node:path';
import * as vscode from 'vscode';
import { readConfig } from '../../core/config';
import { generateDockerfile, renderDockerfile } from '../../core/docker/dockerfile';
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
  if (arg instanceof DeploymentNode || args?.name) {
    const ref = await resolveDeployment(ctx, arg);
    root = ref.root;
    baseImage ??= typeof ref.record.details.baseImage === 'string' ? ref.record.details.baseImage : undefined;
  } else {
    root = await resolveProject(ctx, arg);
  }
  baseImage ??= readSettings(vscode.Uri.file(root)).baseImage ?? (await readConfig(root)).baseImage;
  const project = await loadProject(root);
  const text = renderDockerfile(generateDockerfile(project, { baseImage, mode: 'http' }));
  const uri = ctx.documents.dockerfile.create(`${path.basename(root)} Dockerfile`, text, true);
  await ctx.documents.dockerfile.show(uri, 'dockerfile', true);
  return text;
}
