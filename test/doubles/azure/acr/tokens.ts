import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * ACR's own tokens, with the claim sets Azure/acr's AAD-OAuth.md shows: the refresh token that
 * `POST /oauth2/exchange` hands out (who, for which registry, 3 hours) and the access token that
 * `/oauth2/token` hands out for a scope (what, 75 minutes). HMAC-signed JWT shapes under a key
 * only this AcrDouble holds. Both carry the Entra token's `oid`, so the double knows whom a token
 * stands for; real ACR keeps that inside its opaque claims.
 */
export interface Access {
  type: string;
  name: string;
  actions: string[];
}

interface Common {
  jti: string;
  sub: string;
  oid: string;
  nbf: number;
  exp: number;
  iat: number;
  iss: 'Azure Container Registry';
  aud: string;
  version: '1.0';
  tenant: string;
  roles: string[];
}

export interface RefreshClaims extends Common {
  grant_type: 'refresh_token';
  permissions: { actions: string[]; notActions: string[] };
}

export interface AccessClaims extends Common {
  grant_type: 'access_token';
  access: Access[];
}

const REFRESH_SECONDS = 3 * 3600;
const ACCESS_SECONDS = 75 * 60;

export class AcrTokens {
  private readonly key = randomBytes(32);

  constructor(private readonly loginServer: () => string) {}

  refresh(oid: string, tenant: string): string {
    return this.sign({ ...this.common(oid, tenant, REFRESH_SECONDS), grant_type: 'refresh_token', permissions: { actions: ['*'], notActions: [] } });
  }

  access(refresh: RefreshClaims, access: Access[]): string {
    return this.sign({ ...this.common(refresh.oid, refresh.tenant, ACCESS_SECONDS), grant_type: 'access_token', access });
  }

  verifyRefresh(token: string): RefreshClaims | undefined {
    const claims = this.verify(token);
    return claims?.grant_type === 'refresh_token' ? claims : undefined;
  }

  verifyAccess(token: string): AccessClaims | undefined {
    const claims = this.verify(token);
    return claims?.grant_type === 'access_token' ? claims : undefined;
  }

  private common(oid: string, tenant: string, lifetime: number): Common {
    const now = Math.floor(Date.now() / 1000);
    return { jti: randomUUID(), sub: oid, oid, nbf: now, exp: now + lifetime, iat: now, iss: 'Azure Container Registry', aud: this.loginServer(), version: '1.0', tenant, roles: [] };
  }

  /** Claims of an unexpired token this double signed for its own login server. */
  private verify(token: string): RefreshClaims | AccessClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [head, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(`${head}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims: RefreshClaims | AccessClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as RefreshClaims | AccessClaims;
    } catch {
      return undefined;
    }
    if (claims.exp * 1000 < Date.now() || claims.aud !== this.loginServer()) return undefined;
    return claims;
  }

  private sign(claims: RefreshClaims | AccessClaims): string {
    const head = `${b64(JSON.stringify({ typ: 'JWT', alg: 'HS256' }))}.${b64(JSON.stringify(claims))}`;
    return `${head}.${this.mac(head)}`;
  }

  private mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** `repository:NAME:pull,push` (or `registry:catalog:*`): the scope grammar of the registry token spec. */
export function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return undefined;
  const actions = scope.slice(last + 1).split(',').map((a) => a.trim()).filter(Boolean);
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

export const formatScope = (a: Access) => `${a.type}:${a.name}:${a.actions.join(',')}`;
