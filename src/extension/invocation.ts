import * as path from 'node:path';
import * as vscode from 'vscode';
import { deploymentId } from '../core/view/deploymentState';
import { handlerError } from '../core/view/invocationHistory';
import type { InvokeResult } from '../targets/Target';
import type { RDeployContext } from './context';
import type { DeploymentRef } from './model/WorkspaceModel';

/** Calls a deployment and records the call in the tree's "Last invocations". */
export async function invokeDeployment(ctx: RDeployContext, ref: DeploymentRef, payload: string, payloadName: string | undefined, signal?: AbortSignal): Promise<InvokeResult> {
  const result = await ctx.deployments.invoke(ref, payload, { signal });
  ctx.log.info(`invoked ${ref.record.name}: ${result.ok ? 'ok' : 'handler error'} in ${result.durationMs.toFixed(1)} ms`);
  ctx.invocations.add(deploymentId(ref.root, ref.record.name), {
    at: new Date(),
    ok: result.ok,
    durationMs: result.durationMs,
    payloadName,
    error: result.ok ? undefined : handlerError(result.body),
  });
  const node = ctx.tree.findDeploymentNode(ref.root, ref.record.name);
  if (node) {
    ctx.tree.refreshNode(node);
    // A target whose deployments run jobs has one run more: shown at once, if its runs are.
    ctx.refresh.runsChanged(node);
  }
  return result;
}

export interface ShownResult {
  ok: boolean;
  body: unknown;
  raw: string;
  durationMs: number;
  /** The end of the function's log for this call (Lambda), shown beside the answer. */
  logTail?: string;
}

/**
 * The answer in a read-only JSON editor titled with who answered, the status and the duration;
 * a handler error is also shown as an error notification.
 */
export async function showResponse(ctx: RDeployContext, who: string, result: ShownResult): Promise<vscode.Uri> {
  const status = result.ok ? 'ok' : 'error';
  const title = `${who} · ${status} · ${Math.round(result.durationMs)} ms.json`;
  const uri = ctx.documents.response.create(title, prettyJson(result.raw));
  // Called from code (the CodeLens), keep the code in view and answer beside it.
  const fromCode = vscode.window.activeTextEditor?.document.uri.scheme === 'file';
  await ctx.documents.response.show(uri, 'json', true, fromCode ? vscode.ViewColumn.Beside : undefined);
  if (result.logTail) {
    // The cloud's log excerpt for this very call (Lambda's last 4 KB): why it answered as it did.
    const log = ctx.documents.response.create(`${who} · ${status} · log.txt`, `${result.logTail.trimEnd()}\n`);
    await ctx.documents.response.show(log, 'log', true, vscode.ViewColumn.Beside);
    await ctx.documents.response.show(uri, 'json', true, fromCode ? vscode.ViewColumn.Beside : undefined);
  }
  if (!result.ok) {
    const why = handlerError(result.body) ?? vscode.l10n.t('the handler failed');
    void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', who, why));
  }
  return uri;
}

function prettyJson(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2) + '\n';
  } catch {
    return raw;
  }
}

export function projectLabel(root: string): string {
  return path.basename(root);
}
