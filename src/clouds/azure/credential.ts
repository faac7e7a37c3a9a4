import type { TokenCredential } from '@azure/core-auth';
import type { AzureCloud } from './clouds';

/**
 * The CLI's Azure sign-in: the `@azure/identity` chain the Azure CLI users expect — a service
 * principal from the environment (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or
 * AZURE_CLIENT_CERTIFICATE_PATH), then `az login`, then a managed identity. The extension passes
 * VS Code's Microsoft sign-in instead (see src/extension).
 *
 * The managed identity is asked only where one is announced (IDENTITY_ENDPOINT, MSI_ENDPOINT:
 * App Service, Functions, Arc, Cloud Shell) or RDEPLOY_AZURE_MANAGED_IDENTITY=1 says so (an
 * Azure VM): elsewhere its probe of the instance metadata address only waits and fails.
 */
export async function cliCredential(cloud: AzureCloud, env: NodeJS.ProcessEnv = process.env): Promise<TokenCredential> {
  const id = await import('@azure/identity');
  // A custom cloud's authority is not one Entra knows: skip instance discovery (which would ask login.microsoftonline.com).
  const options = { authorityHost: cloud.authorityHost, ...(cloud.custom ? { disableInstanceDiscovery: true } : {}) };
  const chain: TokenCredential[] = [];
  const { AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: client, AZURE_CLIENT_SECRET: secret, AZURE_CLIENT_CERTIFICATE_PATH: certificate } = env;
  if (tenant && client && secret) chain.push(new id.ClientSecretCredential(tenant, client, secret, options));
  else if (tenant && client && certificate) chain.push(new id.ClientCertificateCredential(tenant, client, { certificatePath: certificate }, options));
  chain.push(new id.AzureCliCredential(tenant ? { tenantId: tenant } : {}));
  if (env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT || env.RDEPLOY_AZURE_MANAGED_IDENTITY === '1') {
    chain.push(client ? new id.ManagedIdentityCredential({ clientId: client }) : new id.ManagedIdentityCredential());
  }
  return new id.ChainedTokenCredential(...chain);
}
