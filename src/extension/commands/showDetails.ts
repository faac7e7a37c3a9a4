import type * as vscode from 'vscode';
import { resolveDeployment } from '../args';
import type { RDeployContext } from '../context';

/** Show Deployment Details: the record and the live status, read-only. Records never hold secrets. */
export async function showDetails(ctx: RDeployContext, arg?: unknown): Promise<vscode.Uri> {
  const { root, record } = await resolveDeployment(ctx, arg);
  let live: unknown;
  try {
    live = await ctx.deployments.status({ root, record });
  } catch (e) {
    live = { error: e instanceof Error ? e.message : String(e) };
  }
  const doc = { name: record.name, project: root, live, record };
  const uri = ctx.documents.details.create(`${record.name} details.json`, JSON.stringify(doc, null, 2) + '\n');
  await ctx.documents.details.show(uri, 'json', true);
  return uri;
}
