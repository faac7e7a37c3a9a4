import type { ArmDouble } from '../ArmDouble';
import { grant } from './access';
import { acrError, missingParameter, unauthorized, unsupportedGrant, type AcrReply } from './errors';
import { parseScope, type Access, type AcrTokens, type RefreshClaims } from './tokens';

/**
 * ACR's token service (Azure/acr docs/AAD-OAuth.md; the ACR data-plane REST reference):
 * - `POST /oauth2/exchange` (form: grant_type=access_token, service, tenant, access_token): an
 *   Entra token for ARM (or https://containerregistry.azure.net) → `{ "refresh_token" }`;
 * - `POST /oauth2/token` (form: grant_type=refresh_token, service, scope…, refresh_token; or
 *   grant_type=password with username/password) and `GET /oauth2/token?service=&scope=` with
 *   Basic auth (the null GUID and a refresh token: how the Docker engine logs in) →
 *   `{ "access_token" }` holding what the scopes ask for and the principal's roles allow.
 */
export const NULL_GUID = '00000000-0000-0000-0000-000000000000';

/** Audiences ACR accepts an Entra token for: ARM's (the ARM double's URL here) and ACR's own. */
const ACR_AUDIENCES = ['https://containerregistry.azure.net/', 'https://management.azure.com/', 'https://management.core.windows.net/'];

export interface AuthContext {
  arm: ArmDouble;
  tokens: AcrTokens;
  loginServer: string;
  registryId: string;
}

export interface AuthOutcome {
  reply: AcrReply;
  /** Whom the request stood for, once known. */
  principal?: string;
  scopes?: string[];
  granted?: Access[];
}

export function exchange(form: URLSearchParams, ctx: AuthContext): AuthOutcome {
  const grantType = form.get('grant_type') ?? '';
  if (grantType !== 'access_token') return { reply: grantType ? unsupportedGrant(grantType) : missingParameter('grant_type') };
  const service = form.get('service');
  if (!service) return { reply: missingParameter('service') };
  const token = form.get('access_token');
  if (!token) return { reply: missingParameter('access_token') };
  if (service.toLowerCase() !== ctx.loginServer.toLowerCase()) return { reply: unauthorized() };
  const claims = ctx.arm.verifyToken(token, [ctx.arm.url, ...ACR_AUDIENCES]);
  if (typeof claims === 'string') return { reply: unauthorized() };
  const tenant = form.get('tenant');
  // The tenant is optional (Azure/acr's own sample omits it); when given it must be the token's.
  if (tenant && tenant.toLowerCase() !== claims.tid.toLowerCase()) return { reply: unauthorized(), principal: claims.oid };
  return { reply: { status: 200, body: { refresh_token: ctx.tokens.refresh(claims.oid, claims.tid) } }, principal: claims.oid };
}

export function token(method: string, params: URLSearchParams, authorization: string | undefined, ctx: AuthContext): AuthOutcome {
  const scopes = params.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
  let refresh: RefreshClaims | undefined;
  const basic = parseBasic(authorization);
  if (basic) {
    refresh = fromPassword(basic.username, basic.password, ctx);
  } else if (method === 'POST') {
    const grantType = params.get('grant_type') ?? '';
    if (grantType === 'refresh_token') {
      const value = params.get('refresh_token');
      if (!value) return { reply: missingParameter('refresh_token'), scopes };
      refresh = ctx.tokens.verifyRefresh(value);
    } else if (grantType === 'password') {
      refresh = fromPassword(params.get('username') ?? '', params.get('password') ?? '', ctx);
    } else {
      return { reply: grantType ? unsupportedGrant(grantType) : missingParameter('grant_type'), scopes };
    }
  }
  if (!refresh) return { reply: unauthorized(undefined, { 'WWW-Authenticate': `Basic realm="${ctx.loginServer}"` }), scopes };
  const service = params.get('service');
  if (service && service.toLowerCase() !== ctx.loginServer.toLowerCase()) return { reply: unauthorized(), principal: refresh.oid, scopes };
  const wanted = scopes.map(parseScope);
  const bad = scopes.find((_, i) => wanted[i] === undefined);
  if (bad !== undefined) return { reply: acrError(400, 'UNSUPPORTED', `invalid scope '${bad}'`), principal: refresh.oid, scopes };
  const granted = grant(ctx.arm.rbac, refresh.oid, ctx.registryId, wanted as Access[]);
  return { reply: { status: 200, body: { access_token: ctx.tokens.access(refresh, granted) } }, principal: refresh.oid, scopes, granted };
}

/** The null GUID with an ACR refresh token; no admin user or repository-scoped tokens here. */
function fromPassword(username: string, password: string, ctx: AuthContext): RefreshClaims | undefined {
  return username === NULL_GUID ? ctx.tokens.verifyRefresh(password) : undefined;
}

function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}
