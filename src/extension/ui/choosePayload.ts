import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { cancelledError } from '../../core/errors';
import { payloadTemplate, readHandlerFormals } from '../../core/handlerFormals';
import { loadProject } from '../../core/project/loadProject';
import { listPayloads, readNamedPayload, readPayload, validatePayload } from '../../core/payloads';
import { resolveRPath } from '../../core/rPath';
import type { AutomationArgs } from '../../core/view/automationArgs';
import { extensionSignal } from '../commands/extensionLifetime';
import type { RDeployContext } from '../context';
import { readSettings, rExtensionPaths } from '../settings';

export type PayloadChoice = { kind: 'payload'; text: string; name?: string } | { kind: 'template' } | { kind: 'panel' };

/** The payload from the automation argument, or a pick among saved payloads and samples. */
export async function choosePayload(ctx: RDeployContext, root: string, args: AutomationArgs | undefined, opts: { title: string; panel: boolean }): Promise<PayloadChoice> {
  if (args?.payload !== undefined) return { kind: 'payload', text: validatePayload(args.payload, 'the payload argument'), name: args.payloadName };
  // The contract's payloadName is a saved payload's or a sample's name, never a path.
  if (args?.payloadName) return { kind: 'payload', text: await readNamedPayload(root, args.payloadName), name: args.payloadName };

  type Item = vscode.QuickPickItem & { choice?: PayloadChoice['kind']; file?: string; name?: string };
  const payloads = await listPayloads(root);
  const items: Item[] = [];
  const saved = payloads.filter((p) => p.origin === 'saved');
  const samples = payloads.filter((p) => p.origin === 'sample');
  if (saved.length) items.push({ label: vscode.l10n.t('Saved payloads'), kind: vscode.QuickPickItemKind.Separator });
  for (const p of saved) items.push({ label: `$(json) ${p.name}`, description: vscode.workspace.asRelativePath(p.file), file: p.file, name: p.name, choice: 'payload' });
  if (samples.length) items.push({ label: vscode.l10n.t('Samples'), kind: vscode.QuickPickItemKind.Separator });
  for (const p of samples) items.push({ label: `$(beaker) ${p.name}`, description: vscode.workspace.asRelativePath(p.file), file: p.file, name: p.name, choice: 'payload' });
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: `$(new-file) ${vscode.l10n.t("New payload from the handler's arguments…")}`, choice: 'template' });
  if (opts.panel) items.push({ label: `$(window) ${vscode.l10n.t('Open Invoke Panel')}`, choice: 'panel' });

  const picked = await vscode.window.showQuickPick(items, { title: opts.title, placeHolder: vscode.l10n.t('Choose a payload') });
  if (!picked?.choice) throw cancelledError();
  if (picked.choice !== 'payload') return { kind: picked.choice };
  return { kind: 'payload', text: await readPayload(picked.file!, root, root), name: picked.name };
}

/** The host's R executable, found as the R extension finds it; undefined when there is none. */
export function findR(): string | undefined {
  return resolveRPath(
    { setting: readSettings().rPath, rExtension: rExtensionPaths(), platform: process.platform, env: process.env },
    (p) => existsSync(p),
  );
}

/** A JSON object with one key per handler argument (read with R when trusted and available). */
export async function handlerTemplate(root: string, signal?: AbortSignal): Promise<string> {
  const project = await loadProject(root);
  // Running R on the workspace's files needs trust; without it the TypeScript reader answers
  // (useR: false — an undefined rPath alone would mean `Rscript` from PATH).
  const trusted = vscode.workspace.isTrusted;
  const formals = await readHandlerFormals(root, project.handler, trusted ? { rPath: findR(), signal } : { useR: false, signal });
  return payloadTemplate(formals.args);
}

/** Opens an untitled JSON editor with the template and its one-click "Save Payload". */
export async function openPayloadTemplate(ctx: RDeployContext, root: string): Promise<void> {
  const template = await handlerTemplate(root, extensionSignal(ctx));
  await ctx.payloadEditors.open({ root, suggestedName: 'my-payload' }, template);
}
