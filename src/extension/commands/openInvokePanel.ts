import * as vscode from 'vscode';
import { listPayloads, readNamedPayload, savePayload } from '../../core/payloads';
import { resolveDeployment } from '../args';
import type { RDeployContext } from '../context';
import { invokeDeployment } from '../invocation';
import { showInvokePanel } from '../panels/InvokePanel';
import { handlerTemplate } from '../ui/choosePayload';
import { untilCancelledOrDeactivated } from './extensionLifetime';

/** Open Invoke Panel: the webview with a payload editor, Send, the response and a latency chart. */
export async function openInvokePanel(ctx: RDeployContext, arg?: unknown): Promise<void> {
  const ref = await resolveDeployment(ctx, arg);
  const { root } = ref;
  showInvokePanel({
    extensionUri: ctx.extension.extensionUri,
    title: vscode.l10n.t('Invoke {0}', ref.record.name),
    key: `${root}:${ref.record.name}`,
    invoke: (payload, signal) => invokeDeployment(ctx, ref, payload, undefined, signal),
    listPayloads: async () => (await listPayloads(root)).map((p) => ({ name: p.name, origin: p.origin })),
    // Names from the panel's list only: a name is never read as a path.
    readPayload: (name) => readNamedPayload(root, name),
    savePayload: (name, json) => savePayload(root, name, json),
    template: (signal) => handlerTemplate(root, untilCancelledOrDeactivated(ctx, signal)),
  });
}
