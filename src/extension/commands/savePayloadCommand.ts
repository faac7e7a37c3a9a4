import * as path from 'node:path';
import * as vscode from 'vscode';
import { AppError, cancelledError } from '../../core/errors';
import { listPayloads, savePayload } from '../../core/payloads';
import { automationArgs, resolveProject } from '../args';
import type { RDeployContext } from '../context';
import { PAYLOAD_NAME } from '../../core/payloadName';


/**
 * Save Payload: one click from the template editor's CodeLens or title button. Saves the JSON
 * as `.rdeploy/payloads/<name>.json` of the project, then shows the saved file in its place.
 */
export async function savePayloadCommand(ctx: RDeployContext, arg?: unknown): Promise<string | undefined> {
  const args = automationArgs(arg);
  if (args?.payload !== undefined) {
    const root = await resolveProject(ctx, args);
    if (!args.payloadName) throw new AppError('usage', vscode.l10n.t('Give the payload a name with payloadName.'));
    return savePayload(root, args.payloadName, args.payload);
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'json') {
    throw new AppError('usage', vscode.l10n.t('Open the JSON payload to save in an editor first.'));
  }
  const doc = editor.document;
  const draft = ctx.payloadEditors.draftOf(doc.uri);
  const root = draft?.root ?? (args?.root ? path.resolve(args.root) : await resolveProject(ctx, undefined));
  const taken = new Set((await listPayloads(root)).filter((p) => p.origin === 'saved').map((p) => p.name));
  const name =
    args?.payloadName ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Save Payload'),
      prompt: vscode.l10n.t('Name of the payload (saved as .rdeploy/payloads/<name>.json)'),
      value: draft?.suggestedName ?? path.basename(doc.fileName, '.json'),
      validateInput: (v) =>
        !PAYLOAD_NAME.test(v)
          ? vscode.l10n.t('Use letters, digits, ".", "_" and "-".')
          : taken.has(v)
            ? { message: vscode.l10n.t('"{0}" exists and will be replaced.', v), severity: vscode.InputBoxValidationSeverity.Warning }
            : undefined,
    }));
  if (!name) throw cancelledError();
  const file = await savePayload(root, name, doc.getText());
  ctx.log.info(`saved payload ${file}`);
  if (draft) {
    ctx.payloadEditors.forget(doc.uri);
    // Replace the untitled draft by the saved file, so nothing asks to be saved again.
    if (vscode.window.activeTextEditor?.document === doc) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
  }
  void vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Saved payload {0}', name), 4000);
  return file;
}
