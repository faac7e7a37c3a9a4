import { describe, expect, it } from 'vitest';
import { knownCloud, plannedCloud } from '../../../src/clouds/azure/clouds';
import { AppError } from '../../../src/core/errors';
import { isSignInRefusal, sessionCredential, sessionScopes, signInProvider, tokenExpiry, type GetSession } from '../../../src/extension/azure/sessionCredential';

/** A JWT as Entra issues them (header.payload.signature, base64url); the signature is not read. */
const jwt = (claims: Record<string, unknown>) =>
  [{ typ: 'JWT', alg: 'RS256' }, claims].map((o) => Buffer.from(JSON.stringify(o)).toString('base64url')).join('.') + '.c2lnbmF0dXJl';

describe('the VS Code Microsoft sign-in as an Azure credential', () => {
  it('picks the provider by cloud: microsoft, the sovereign provider with the environment it must name, none for a custom cloud', () => {
    expect(signInProvider(knownCloud('AzureCloud')!)).toEqual({ id: 'microsoft' });
    expect(signInProvider(knownCloud(undefined)!)).toEqual({ id: 'microsoft' });
    expect(signInProvider(knownCloud('AzureChinaCloud')!)).toEqual({ id: 'microsoft-sovereign-cloud', environment: 'ChinaCloud' });
    expect(signInProvider(knownCloud('AzureUSGovernment')!)).toEqual({ id: 'microsoft-sovereign-cloud', environment: 'USGovernment' });
    expect(signInProvider(plannedCloud('https://management.local.azurestack.external/'))).toBeUndefined();
  });

  it('reads the expiry from the token’s exp claim, and falls back to a few minutes for a token it cannot read', () => {
    const now = Date.UTC(2025, 0, 1);
    expect(tokenExpiry(jwt({ aud: 'https://management.azure.com/', exp: now / 1000 + 4000 }), now)).toBe(now + 4_000_000);
    expect(tokenExpiry('opaque-token', now)).toBe(now + 300_000);
    expect(tokenExpiry('a.%%%.c', now)).toBe(now + 300_000);
    expect(tokenExpiry(jwt({ exp: 'soon' }), now)).toBe(now + 300_000);
  });

  it('asks VS Code for the pipeline’s scopes, with the tenant in VS Code’s notation', () => {
    expect(sessionScopes('https://management.azure.com/.default')).toEqual(['https://management.azure.com/.default']);
    expect(sessionScopes(['https://management.azure.com/.default'], { tenantId: 'contoso.onmicrosoft.com' })).toEqual(['https://management.azure.com/.default', 'VSCODE_TENANT:contoso.onmicrosoft.com']);
  });

  it('tells a declined sign-in from a broken one', () => {
    expect(isSignInRefusal(new Error('User did not consent to login.'))).toBe(true);
    expect(isSignInRefusal(Object.assign(new Error('Canceled'), { name: 'Canceled' }))).toBe(true);
    expect(isSignInRefusal(new Error('User cancelled the authentication flow.'))).toBe(true);
    expect(isSignInRefusal(new Error('AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.'))).toBe(false);
    expect(isSignInRefusal(undefined)).toBe(false);
  });

  it('answers getToken with the session’s token and its expiry, asking the provider each time', async () => {
    const asked: { provider: string; scopes: string[] }[] = [];
    const token = jwt({ exp: 2_000_000_000 });
    const getSession: GetSession = async (provider, scopes) => (asked.push({ provider, scopes }), { accessToken: token });
    const credential = sessionCredential({ id: 'microsoft-sovereign-cloud', environment: 'ChinaCloud' }, getSession, () => new Error('unused'));
    expect(await credential.getToken(['https://management.chinacloudapi.cn/.default'])).toEqual({ token, expiresOnTimestamp: 2_000_000_000_000, tokenType: 'Bearer' });
    await credential.getToken('https://management.chinacloudapi.cn/.default');
    expect(asked).toEqual([
      { provider: 'microsoft-sovereign-cloud', scopes: ['https://management.chinacloudapi.cn/.default'] },
      { provider: 'microsoft-sovereign-cloud', scopes: ['https://management.chinacloudapi.cn/.default'] },
    ]);
  });

  it('turns a refused sign-in, or no session at all, into the caller’s one error', async () => {
    const refusal = new Error('User did not consent to login.');
    const seen: unknown[] = [];
    const failure = (e: unknown) => (seen.push(e), new AppError('config-invalid', 'R Deploy needs you to sign in with Microsoft.'));
    const refused = sessionCredential({ id: 'microsoft' }, () => Promise.reject(refusal), failure);
    await expect(refused.getToken('s')).rejects.toThrow('R Deploy needs you to sign in with Microsoft.');
    expect(seen).toEqual([refusal]);
    const none = sessionCredential({ id: 'microsoft' }, async () => undefined, failure);
    await expect(none.getToken('s')).rejects.toBeInstanceOf(AppError);
  });

  it('stops waiting for a sign-in when the request is aborted', async () => {
    const controller = new AbortController();
    const pending = sessionCredential({ id: 'microsoft' }, () => new Promise(() => undefined), () => new Error('unused'));
    const result = pending.getToken('s', { abortSignal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    expect(((await result) as AppError).code).toBe('cancelled');
  });
});
