import type { TokenCredential } from '@azure/core-auth';
import * as vscode from 'vscode';
import type { AzureCloud } from '../../clouds/azure/clouds';
import { cliCredential } from '../../clouds/azure/credential';
import type { CredentialFactory } from '../../clouds/azure/session';
import { AppError } from '../../core/errors';
import { isSignInRefusal, sessionCredential, signInProvider, type SignInProvider } from './sessionCredential';

const SOVEREIGN_SETTING = 'microsoft-sovereign-cloud.environment';

/**
 * The extension's Azure credential: the Microsoft account signed in to VS Code (Accounts menu),
 * asked for a token of the cloud's Resource Manager; VS Code shows its sign-in the first time.
 *
 * - AzureCloud: the `microsoft` provider.
 * - AzureChinaCloud, AzureUSGovernment: the `microsoft-sovereign-cloud` provider, which signs in
 *   to the cloud that VS Code's `microsoft-sovereign-cloud.environment` setting picks
 *   (`ChinaCloud` or `USGovernment`); a setting naming another cloud is reported before any
 *   sign-in, with the value to set.
 * - A custom cloud (Azure Stack Hub, by its Resource Manager URL): VS Code cannot sign in to it;
 *   the CLI's chain (service principal from the environment, `az login`) is used instead.
 *
 * The token's expiry: VS Code's sessions do not expose it, so it is read from the token's `exp`
 * claim (5 minutes when unreadable); see tokenExpiry.
 */
export const vscodeCredential: CredentialFactory = async (cloud: AzureCloud): Promise<TokenCredential> => {
  const provider = signInProvider(cloud);
  if (!provider) return cliCredential(cloud);
  if (provider.id === 'microsoft-sovereign-cloud') checkSovereignSetting(provider, cloud);
  return sessionCredential(
    provider,
    (id, scopes) => vscode.authentication.getSession(id, scopes, { createIfNone: true }),
    (e) => signInFailure(e, cloud),
  );
};

function checkSovereignSetting(provider: Extract<SignInProvider, { id: 'microsoft-sovereign-cloud' }>, cloud: AzureCloud): void {
  const setting = vscode.workspace.getConfiguration().get<string>(SOVEREIGN_SETTING);
  // "custom" describes its own endpoints (microsoft-sovereign-cloud.customEnvironment): trusted as set.
  if (setting === provider.environment || setting === 'custom') return;
  throw new AppError(
    'config-invalid',
    vscode.l10n.t(
      'The deployment is in {0}, and VS Code signs in to it through the "{1}" setting, which is {2}: set it to "{3}" (Preferences: Open User Settings), then try again.',
      cloud.name,
      SOVEREIGN_SETTING,
      setting ? `"${setting}"` : vscode.l10n.t('not set'),
      provider.environment,
    ),
  );
}

/** One sentence for a sign-in that did not happen: refused by the person, or broken. */
function signInFailure(e: unknown, cloud: AzureCloud): AppError {
  if (e instanceof AppError) return e;
  if (isSignInRefusal(e)) {
    return new AppError('config-invalid', vscode.l10n.t('R Deploy needs you to sign in with Microsoft to reach Azure ({0}), and the sign-in was declined: sign in when asked, or from the Accounts menu, then try again.', cloud.name), { cause: e });
  }
  const why = e instanceof Error ? e.message : String(e);
  return new AppError('config-invalid', vscode.l10n.t('Signing in with Microsoft to reach Azure ({0}) failed: {1}', cloud.name, why.split('\n')[0]!), { cause: e });
}
