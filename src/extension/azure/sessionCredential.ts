import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { cancelledError } from '../../core/errors';
import type { AzureCloud } from '../../clouds/azure/clouds';

// The rules of the VS Code Microsoft sign-in as an Azure credential, without `vscode` (so they
// are unit-tested): which authentication provider serves which cloud, what a session's token is
// good for, and what counts as a refused sign-in. vscodeCredential.ts wires them to VS Code.

/**
 * VS Code's provider for a cloud: `microsoft` for the public cloud, `microsoft-sovereign-cloud`
 * for China and US Government — that provider signs in to the one cloud its
 * `microsoft-sovereign-cloud.environment` setting names (`ChinaCloud`, `USGovernment`), so the
 * setting must agree. A custom cloud (Azure Stack Hub) has none: undefined.
 */
export type SignInProvider = { id: 'microsoft' } | { id: 'microsoft-sovereign-cloud'; environment: 'ChinaCloud' | 'USGovernment' };

export function signInProvider(cloud: Pick<AzureCloud, 'name' | 'custom'>): SignInProvider | undefined {
  if (cloud.custom) return undefined;
  if (cloud.name === 'AzureChinaCloud') return { id: 'microsoft-sovereign-cloud', environment: 'ChinaCloud' };
  if (cloud.name === 'AzureUSGovernment') return { id: 'microsoft-sovereign-cloud', environment: 'USGovernment' };
  return { id: 'microsoft' };
}

/** What VS Code's `getSession` answers (the part used). */
export interface SessionLike {
  accessToken: string;
}

export type GetSession = (provider: SignInProvider['id'], scopes: string[]) => PromiseLike<SessionLike | undefined>;

/**
 * The expiry of an access token. VS Code's sessions do not say when their token expires; Entra's
 * access tokens are JWTs whose `exp` claim does (read, not verified: Resource Manager verifies
 * it). A token that is not a readable JWT is taken as valid for `fallbackMs` (5 minutes): after
 * that the pipeline asks VS Code again, which answers from its own cache and refreshes the token
 * itself when it is due.
 */
export function tokenExpiry(accessToken: string, now = Date.now(), fallbackMs = 5 * 60_000): number {
  const payload = accessToken.split('.')[1];
  if (payload) {
    try {
      const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
      if (typeof exp === 'number' && Number.isFinite(exp) && exp > 0) return exp * 1000;
    } catch {
      // not a JWT: the fallback below
    }
  }
  return now + fallbackMs;
}

/**
 * The scopes VS Code is asked for: the pipeline's (`<audience>/.default`), plus the tenant the
 * pipeline names, in VS Code's own notation (`VSCODE_TENANT:<id>`).
 */
export function sessionScopes(scopes: string | string[], options?: GetTokenOptions): string[] {
  const list = Array.isArray(scopes) ? [...scopes] : [scopes];
  if (options?.tenantId) list.push(`VSCODE_TENANT:${options.tenantId}`);
  return list;
}

/**
 * Whether `getSession` failed because the person said no: the consent dialog declined ("User did
 * not consent to login."), the browser sign-in cancelled (VS Code's CancellationError,
 * "Canceled"). Anything else is a sign-in that broke.
 */
export function isSignInRefusal(e: unknown): boolean {
  const err = e as { name?: unknown; message?: unknown } | undefined;
  const message = typeof err?.message === 'string' ? err.message : '';
  return /did not consent|cancell?ed the authentication|^cancell?ed\.?$/i.test(message) || err?.name === 'Canceled' || err?.name === 'CancellationError';
}

/**
 * A TokenCredential over a session source: each getToken asks for a session (the source may show
 * a sign-in) and answers its token with the expiry read from it. `failure` turns what went
 * wrong into the one error the user reads. An aborted request stops waiting for the sign-in.
 */
export function sessionCredential(provider: SignInProvider, getSession: GetSession, failure: (e: unknown) => Error, now: () => number = Date.now): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      const signal = options?.abortSignal;
      if (signal?.aborted) throw cancelledError();
      let session: SessionLike | undefined;
      try {
        session = await abortable(getSession(provider.id, sessionScopes(scopes, options)), signal);
      } catch (e) {
        if (signal?.aborted) throw cancelledError();
        throw failure(e);
      }
      if (!session) throw failure(new Error('no session'));
      return { token: session.accessToken, expiresOnTimestamp: tokenExpiry(session.accessToken, now()), tokenType: 'Bearer' };
    },
  };
}

/** VS Code's sign-in cannot be cancelled from here; the caller can stop waiting for it. */
function abortable<T>(work: PromiseLike<T>, signal: GetTokenOptions['abortSignal']): Promise<T> {
  if (!signal) return Promise.resolve(work);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(work).then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}
