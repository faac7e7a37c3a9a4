import { randomUUID } from 'node:crypto';
import type { Directory } from './principals';
import { sameAudience, type TokenMinter } from './tokens';

/**
 * The part of Microsoft Entra ID that @azure/identity's ClientSecretCredential (msal-node) uses
 * when its authorityHost is the double and instance discovery is off: the tenant's OpenID
 * configuration and the v2.0 token endpoint with the client_credentials grant. Errors carry
 * Entra's own AADSTS codes and texts.
 */
export interface EntraReply {
  status: number;
  body: unknown;
}

/** The Entra ID (or cloud metadata) answer to a request, with its operation name; undefined for ARM requests. */
export function serveEntra(
  req: { method: string; path: string; rawBody: string },
  ctx: { url: string; tenantId: string; directory: Directory; minter: TokenMinter },
): { operation: string; reply: EntraReply } | undefined {
  let m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(req.path);
  if (m && req.method === 'GET') return { operation: 'Entra_OpenIdConfiguration', reply: openidConfiguration(ctx.url, m[1]!) };
  m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(req.path);
  if (m && req.method === 'POST') {
    const form = new URLSearchParams(req.rawBody);
    return { operation: 'Entra_Token', reply: token(form, { tenantId: ctx.tenantId, pathTenant: m[1]!, audiences: [ctx.url], directory: ctx.directory, minter: ctx.minter }) };
  }
  if (req.path === '/metadata/endpoints' && req.method === 'GET') return { operation: 'Metadata_Endpoints', reply: cloudMetadata(ctx.url) };
  return undefined;
}

export function openidConfiguration(base: string, tenant: string): EntraReply {
  const root = `${base.replace(/\/$/, '')}/${tenant}`;
  return {
    status: 200,
    body: {
      token_endpoint: `${root}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${root}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${root}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${root}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    },
  };
}

/** POST /{tenant}/oauth2/v2.0/token, form-encoded. */
export function token(form: URLSearchParams, ctx: { tenantId: string; pathTenant: string; audiences: string[]; directory: Directory; minter: TokenMinter }): EntraReply {
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') {
    return aadError(400, 'unsupported_grant_type', 70003, `AADSTS70003: The app requested an unsupported grant type '${grant ?? ''}'.`);
  }
  if (ctx.pathTenant.toLowerCase() !== ctx.tenantId.toLowerCase()) {
    return aadError(400, 'invalid_request', 90002, `AADSTS90002: Tenant '${ctx.pathTenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
  }
  const clientId = form.get('client_id') ?? '';
  const entry = ctx.directory.byClientId(clientId);
  if (!entry || entry.clientSecret === undefined) {
    return aadError(400, 'unauthorized_client', 700016, `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${ctx.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
  }
  if (form.get('client_secret') !== entry.clientSecret) {
    return aadError(401, 'invalid_client', 7000215, `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
  }
  const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
  const resourceScope = scopes.find((s) => s.endsWith('/.default'));
  const resource = resourceScope?.slice(0, -'.default'.length);
  if (!resource || !ctx.audiences.some((a) => sameAudience(a, resource))) {
    return aadError(400, 'invalid_resource', 500011, `AADSTS500011: The resource principal named ${resource ?? scopes.join(' ')} was not found in the tenant named ${ctx.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
  }
  // The audience is the resource as the caller named it, with the trailing slash Entra keeps.
  const audience = resource.replace(/\/+$/, '') + '/';
  return {
    status: 200,
    body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: ctx.minter.mint(entry.objectId, audience, entry.clientId) },
  };
}

function aadError(status: number, error: string, code: number, description: string): EntraReply {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

/**
 * GET /metadata/endpoints?api-version=2022-09-01: the cloud's endpoints, shaped like ARM's answer
 * for a cloud (an array of one), with the double as resource manager, login endpoint and
 * audience. Suffixes are Azure public cloud's; nothing in them resolves here.
 */
export function cloudMetadata(base: string): EntraReply {
  const host = base.replace(/\/$/, '');
  return {
    status: 200,
    body: [
      {
        portal: host,
        authentication: { loginEndpoint: host, audiences: [`${host}/`], tenant: 'common', identityProvider: 'AAD' },
        media: 'https://rest.media.azure.net',
        graphAudience: 'https://graph.windows.net/',
        graph: 'https://graph.windows.net/',
        name: 'RDeployTestDouble',
        suffixes: {
          azureDataLakeStoreFileSystem: 'azuredatalakestore.net',
          acrLoginServer: 'azurecr.io',
          sqlServerHostname: 'database.windows.net',
          azureDataLakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
          keyVaultDns: 'vault.azure.net',
          storage: 'core.windows.net',
          azureFrontDoorEndpointSuffix: 'azurefd.net',
          storageSyncEndpointSuffix: 'afs.azure.net',
          mhsmDns: 'managedhsm.azure.net',
          mysqlServerEndpoint: 'mysql.database.azure.com',
          postgresqlServerEndpoint: 'postgres.database.azure.com',
          mariadbServerEndpoint: 'mariadb.database.azure.com',
          synapseAnalytics: 'dev.azuresynapse.net',
          attestationEndpoint: 'attest.azure.net',
        },
        batch: 'https://batch.core.windows.net/',
        resourceManager: `${host}/`,
        vmImageAliasDoc: 'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/arm-compute/quickstart-templates/aliases.json',
        activeDirectoryDataLake: 'https://datalake.azure.net/',
        sqlManagement: 'https://management.core.windows.net:8443/',
        microsoftGraphResourceId: 'https://graph.microsoft.com/',
        appInsightsResourceId: 'https://api.applicationinsights.io',
        appInsightsTelemetryChannelResourceId: 'https://dc.applicationinsights.azure.com/v2/track',
        attestationResourceId: 'https://attest.azure.net',
        synapseAnalyticsResourceId: 'https://dev.azuresynapse.net',
        logAnalyticsResourceId: 'https://api.loganalytics.io',
        ossrDbmsResourceId: 'https://ossrdbms-aad.database.windows.net',
      },
    ],
  };
}
