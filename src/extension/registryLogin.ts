import * as vscode from 'vscode';
import type { RegistryCredentials } from '../targets/image/push';
import { environmentRegistryLogin } from '../targets/connections';

const key = (server: string) => `rdeploy.registry.${server.toLowerCase()}`;

/**
 * A registry login for VS Code: RDEPLOY_REGISTRY_USERNAME/PASSWORD when VS Code was started with
 * them, else the one kept in VS Code's secret storage for that registry, else asked for once
 * (the password box hides what is typed) and kept there. Never in settings, records or logs.
 */
export function vscodeRegistryLogin(secrets: vscode.SecretStorage): (server: string) => Promise<RegistryCredentials | undefined> {
  return async (server) => {
    const fromEnv = await environmentRegistryLogin(server);
    if (fromEnv) return fromEnv;
    const kept = await secrets.get(key(server));
    if (kept) return JSON.parse(kept) as RegistryCredentials;
    const title = vscode.l10n.t('Sign in to the registry {0}', server);
    const username = await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('User name (for Azure Container Registry: a token name, or the admin user)'), ignoreFocusOut: true });
    if (!username) return undefined;
    const password = await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('Password (kept in VS Code\'s secret storage; the cloud gets it as a secure value)'), password: true, ignoreFocusOut: true });
    if (!password) return undefined;
    const login = { username, password };
    await secrets.store(key(server), JSON.stringify(login));
    return login;
  };
}
