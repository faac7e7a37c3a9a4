/**
 * How the Container Instances double pulls with a managed identity, as ACI does with ACR: it
 * mints an Entra token for the identity, exchanges it at the registry's `POST /oauth2/exchange`
 * for an ACR refresh token, and hands the engine the null-GUID user with that refresh token (the
 * engine then gets its access token for the pull scope itself). The registry decides: an identity
 * without AcrPull gets no pull access, and the pull fails as with a wrong password. Plain HTTP:
 * the registries the double pulls from are on loopback (an AcrDouble), never azurecr.io.
 */
export const ACR_NULL_USER = '00000000-0000-0000-0000-000000000000';

export async function acrRefreshToken(server: string, accessToken: string, tenant: string): Promise<string> {
  const res = await fetch(`http://${server}/oauth2/exchange`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'access_token', service: server, tenant, access_token: accessToken }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`ACR ${server} rejected token exchange: ACR token exchange endpoint returned error status: ${res.status}. body: ${text}`);
  const token = (JSON.parse(text) as { refresh_token?: unknown }).refresh_token;
  if (typeof token !== 'string') throw new Error(`ACR ${server} answered the token exchange without a refresh_token: ${text}`);
  return token;
}
