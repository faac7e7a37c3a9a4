import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { expiredToken, malformedToken, missingToken, wrongAudience, type ArmError } from './errors';
import type { Principal } from './types';

/**
 * Bearer tokens the double mints and accepts: JWT-shaped (header.payload.signature, base64url),
 * signed with HMAC-SHA256 under a key only this double holds, so a token minted elsewhere — or
 * by another double — is refused. Real Entra tokens are RS256; clients never verify them, they
 * only read `exp` (and MSAL its own cache), so the difference is invisible to them.
 */
export interface TokenClaims {
  aud: string;
  iss: string;
  oid: string;
  sub: string;
  tid: string;
  appid?: string;
  iat: number;
  nbf: number;
  exp: number;
  uti: string;
}

export class TokenMinter {
  private readonly key = randomBytes(32);

  constructor(private readonly tenantId: string) {}

  mint(objectId: string, audience: string, clientId?: string, lifetimeSeconds = 3600): string {
    const now = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      aud: audience,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      oid: objectId,
      sub: objectId,
      tid: this.tenantId,
      ...(clientId ? { appid: clientId } : {}),
      iat: now,
      nbf: now - 300,
      exp: now + lifetimeSeconds,
      uti: randomUUID(),
    };
    const head = b64(JSON.stringify({ typ: 'JWT', alg: 'HS256' })) + '.' + b64(JSON.stringify(claims));
    return `${head}.${this.sign(head)}`;
  }

  /** The claims of a token this double minted, or undefined for anything else. */
  verify(token: string): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return undefined;
    }
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** Audiences compare without their trailing slashes: `https://h/` and `https://h` are one resource. */
export const sameAudience = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

/** The caller behind an Authorization header, or the ArmError ARM answers with. */
export function authenticate(authorization: string | undefined, minter: TokenMinter, audience: string): Principal | ArmError {
  if (!authorization) return missingToken();
  const m = /^Bearer\s+(\S+)$/i.exec(authorization);
  const claims = m ? minter.verify(m[1]!) : undefined;
  if (!claims) return malformedToken();
  if (claims.exp * 1000 < Date.now()) return expiredToken();
  if (!sameAudience(claims.aud, audience)) return wrongAudience(claims.aud, [audience, audience.replace(/\/$/, '')]);
  return { objectId: claims.oid, ...(claims.appid ? { clientId: claims.appid } : {}) };
}
