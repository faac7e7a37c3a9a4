/**
 * A TEST DOUBLE of Azure Container Registry's data plane for password-less deploys: the deploy
 * pushes with an Entra token exchanged for an ACR refresh token (what `az acr login` does), and
 * container groups pull through a user-assigned managed identity holding AcrPull. It serves
 * plain HTTP on 127.0.0.1 (the Docker engine talks to loopback registries without TLS) in front
 * of a real docker-registry (test/support/registry.ts) that stores what is pushed.
 *
 * Covers (shapes and texts of Azure/acr docs/AAD-OAuth.md and ACR's error answers):
 * - GET /v2/ (and any /v2/ path) without a token → 401 with
 *   `WWW-Authenticate: Bearer realm="http://127.0.0.1:PORT/oauth2/token",service="127.0.0.1:PORT"`
 *   (plus scope="…" for a repository path; a token that falls short gets the same challenge)
 *   and `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required, visit https://aka.ms/acr/authorization for more information.", "detail":[…]}]}`.
 * - POST /oauth2/exchange (grant_type=access_token, service, tenant, access_token: a token the ARM
 *   double minted for its own audience or https://containerregistry.azure.net) → { refresh_token }.
 * - GET|POST /oauth2/token: refresh_token grant with scope=repository:NAME:pull,push (repeatable),
 *   password grant or Basic auth with user 00000000-0000-0000-0000-000000000000 and the refresh
 *   token (the Docker engine's way) → { access_token } holding the scopes the principal's roles
 *   on the registry's ARM scope allow (access.ts): pull needs AcrPull or more (Reader included, as
 *   in ACR's role table), push AcrPush/Contributor/Owner, delete AcrDelete/Contributor/Owner.
 * - Everything under /v2/ with a sufficient access token is proxied to the real registry with its
 *   Basic credentials, bodies streamed both ways, Location headers rewritten to the double.
 * - The registry resource in the ARM double (Microsoft.ContainerRegistry/registries list/get).
 * - Recording (calls(): who, what scopes, what was granted, what a request needed), faults.
 *
 * Deviations and gaps: HTTP, not HTTPS; loginServer is 127.0.0.1:PORT, not NAME.azurecr.io; no
 * admin user, repository-scoped tokens, ABAC repository permissions, anonymous pull, AAD refresh
 * token grants (deprecated), ACR's /acr/v1 API, or network rules; an access token is not
 * accepted as a Basic password; catalog listing is allowed with pull.
 */
export { AcrDouble, type AcrCall, type AcrDoubleOptions, type AcrFault, type AcrOperation } from './AcrDouble';
export { NULL_GUID } from './auth';
export type { Access } from './tokens';
