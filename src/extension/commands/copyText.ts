import * as vscode from 'vscode';
import type { RDeployContext } from '../context';

/** Internal (tree item click): copies an endpoint. */
export async function copyText(_ctx: RDeployContext, text?: unknown): Promise<void> {
  if (typeof text !== 'string') return;
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('$(copy) Copied {0}', text), 3000);
}
