import type { ArmDouble } from '../doubles/azure';

/**
 * Signs this process (and the CLI it spawns) in to the ARM double as its deployer, the way a
 * user's service principal would (AZURE_* variables), with the given registry login (none by
 * default); returns what puts the environment back.
 */
export function signInToDouble(arm: ArmDouble, registry: { username: string; password: string } = { username: '', password: '' }): () => void {
  const env: Record<string, string> = {
    AZURE_TENANT_ID: arm.tenantId,
    AZURE_CLIENT_ID: arm.deployer.clientId,
    AZURE_CLIENT_SECRET: arm.deployer.clientSecret,
    AZURE_SUBSCRIPTION_ID: arm.subscriptionId,
    RDEPLOY_REGISTRY_USERNAME: registry.username,
    RDEPLOY_REGISTRY_PASSWORD: registry.password,
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
