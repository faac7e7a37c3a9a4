import * as vscode from 'vscode';
import { automationArgs, resolveDeployment } from '../args';
import type { RDeployContext } from '../context';
import { invokeDeployment, showResponse, type ShownResult } from '../invocation';
import { choosePayload, openPayloadTemplate } from '../ui/choosePayload';
import { withCancellableProgress } from '../ui/progress';
import { openInvokePanel } from './openInvokePanel';

/** Invoke with Sample Payload…: pick a saved payload or sample (or make one), call, show the answer. */
export async function invokeWithPayload(ctx: RDeployContext, arg?: unknown): Promise<ShownResult | undefined> {
  const ref = await resolveDeployment(ctx, arg);
  const choice = await choosePayload(ctx, ref.root, automationArgs(arg), { title: vscode.l10n.t('Invoke {0}', ref.record.name), panel: true });
  if (choice.kind === 'template') return void (await openPayloadTemplate(ctx, ref.root));
  if (choice.kind === 'panel') {
    await openInvokePanel(ctx, { root: ref.root, name: ref.record.name });
    return undefined;
  }
  // Cancel aborts the HTTP call; the helper disposes its cancellation subscription.
  const result = await withCancellableProgress(vscode.l10n.t('Invoking {0}…', ref.record.name), ctx.log, (signal) =>
    invokeDeployment(ctx, ref, choice.text, choice.name, signal),
  );
  await showResponse(ctx, ref.record.name, result);
  return { ok: result.ok, body: result.body, raw: result.raw, durationMs: result.durationMs };
}
