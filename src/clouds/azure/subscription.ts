import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The subscription to use when the settings name none: AZURE_SUBSCRIPTION_ID, else the Azure
 * CLI's default (`az account set`), read from its profile file without running `az`.
 */
export async function defaultSubscription(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (env.AZURE_SUBSCRIPTION_ID) return env.AZURE_SUBSCRIPTION_ID;
  const dir = env.AZURE_CONFIG_DIR ?? path.join(os.homedir(), '.azure');
  try {
    // The file is written with a byte-order mark by the Azure CLI.
    const text = (await readFile(path.join(dir, 'azureProfile.json'), 'utf8')).replace(/^\uFEFF/, '');
    const profile = JSON.parse(text) as { subscriptions?: Array<{ id?: string; isDefault?: boolean }> };
    return profile.subscriptions?.find((s) => s.isDefault)?.id;
  } catch {
    return undefined;
  }
}
