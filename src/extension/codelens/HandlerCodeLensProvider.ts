import * as path from 'node:path';
import * as vscode from 'vscode';
import { readCommonConfig } from '../../core/config';
import { isProjectDir } from '../../core/project/findProjects';
import { DEFAULT_HANDLER } from '../../core/project/model';
import { listDir } from '../../core/project/walk';
import { candidateRoots, handlerDefinitionLine, handlerTarget } from '../../core/view/handlerLocation';

/**
 * "Invoke locally" and "Deploy…" above the handler function, only in an R file that is the
 * handler file of a project (score.R's `score`, or rdeploy.json's "handler").
 */
export class HandlerCodeLensProvider implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  /** `changed` belongs to the provider registered at activation (see extension.ts). */
  constructor(changed: vscode.EventEmitter<void>) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/rdeploy.json');
    const fire = () => changed.fire();
    this.disposables = [watcher, watcher.onDidChange(fire), watcher.onDidCreate(fire), watcher.onDidDelete(fire)];
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!/\.r$/i.test(doc.fileName)) return [];
    const found = await this.projectOf(doc.uri.fsPath);
    if (!found) return [];
    const line = handlerDefinitionLine(doc.getText(), found.fn);
    if (line === undefined) return [];
    const range = new vscode.Range(line, 0, line, 0);
    const arg = { root: found.root };
    return [
      new vscode.CodeLens(range, { title: `$(play) ${vscode.l10n.t('Invoke locally')}`, command: 'rdeploy.invokeLocally', arguments: [arg], tooltip: vscode.l10n.t('Call {0} with your R and a payload', found.handler) }),
      new vscode.CodeLens(range, { title: `$(cloud-upload) ${vscode.l10n.t('Deploy…')}`, command: 'rdeploy.deploy', arguments: [arg], tooltip: vscode.l10n.t('Deploy {0}', path.basename(found.root)) }),
    ];
  }

  /** The project whose handler file this is, nearest folder first. */
  private async projectOf(file: string): Promise<{ root: string; fn: string; handler: string } | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath;
    for (const root of candidateRoots(file, folder)) {
      if (!(await isProjectDir(root, await listDir(root)))) continue;
      const handler = (await readCommonConfig(root).catch(() => ({ handler: undefined }))).handler ?? DEFAULT_HANDLER;
      const target = handlerTarget(root, handler);
      if (path.resolve(target.file) === path.resolve(file)) return { root, fn: target.fn, handler };
    }
    return undefined;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
