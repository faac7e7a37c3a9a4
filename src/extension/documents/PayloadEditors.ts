import * as vscode from 'vscode';

export interface PayloadDraft {
  /** The R project the payload belongs to. */
  root: string;
  /** The name offered when saving. */
  suggestedName: string;
}

/**
 * Untitled JSON editors opened from a handler template. They get a "Save Payload" CodeLens and
 * editor-title button (context key `rdeploy.payloadDraft`) that saves them in one click as
 * `.rdeploy/payloads/<name>.json`.
 */
export class PayloadEditors implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly drafts = new Map<string, PayloadDraft>();
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      this.lensesChanged,
      vscode.languages.registerCodeLensProvider({ scheme: 'untitled', language: 'json' }, this),
      vscode.window.onDidChangeActiveTextEditor((e) => void this.updateContext(e)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.isClosed) this.drafts.delete(d.uri.toString());
      }),
    );
  }

  async open(draft: PayloadDraft, content: string): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
    this.drafts.set(doc.uri.toString(), draft);
    this.lensesChanged.fire();
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    await this.updateContext(editor);
    return editor;
  }

  draftOf(uri: vscode.Uri): PayloadDraft | undefined {
    return this.drafts.get(uri.toString());
  }

  forget(uri: vscode.Uri): void {
    this.drafts.delete(uri.toString());
    this.lensesChanged.fire();
    void this.updateContext(vscode.window.activeTextEditor);
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const draft = this.drafts.get(doc.uri.toString());
    if (!draft) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, {
        title: `$(save) ${vscode.l10n.t('Save Payload')}`,
        tooltip: vscode.l10n.t('Save as .rdeploy/payloads/<name>.json in {0}', draft.root),
        command: 'rdeploy.savePayload',
        arguments: [],
      }),
    ];
  }

  private updateContext(editor: vscode.TextEditor | undefined): Thenable<unknown> {
    const isDraft = editor ? this.drafts.has(editor.document.uri.toString()) : false;
    return vscode.commands.executeCommand('setContext', 'rdeploy.payloadDraft', isDraft);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
