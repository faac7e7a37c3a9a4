import type { TokenCredential } from '@azure/core-auth';
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- a test double, not the extension: a synchronous credential keeps each test's setup to one line
import { ClientSecretCredential } from '@azure/identity';
import type { ArmDouble } from './ArmDouble';

/**
 * How a test reaches an ArmDouble with the real SDK: a service principal's ClientSecretCredential
 * against the double's Entra endpoint (no instance discovery: the authority is not one Entra
 * knows), and client options pointing an @azure/arm-* client at the double.
 */
export function doubleCredential(arm: ArmDouble, sp: { clientId: string; clientSecret: string } = arm.deployer): TokenCredential {
  return new ClientSecretCredential(arm.tenantId, sp.clientId, sp.clientSecret, { authorityHost: arm.url, disableInstanceDiscovery: true });
}

export const doubleClientOptions = (arm: ArmDouble): { endpoint: string; credentialScopes: string[] } => ({ endpoint: arm.url, credentialScopes: [`${arm.url}.default`] });
