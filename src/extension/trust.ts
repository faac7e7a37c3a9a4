import * as vscode from 'vscode';
import { AppError } from '../core/errors';

/** Building, deploying or running project code needs a trusted workspace (capabilities.untrustedWorkspaces: limited). */
export function requireTrust(action: string): void {
  if (vscode.workspace.isTrusted) return;
  throw new AppError(
    'usage',
    vscode.l10n.t('{0} is not available in Restricted Mode: it would run code from this workspace. Trust the workspace to continue.', action),
  );
}
