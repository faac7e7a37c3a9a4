import type { TokenCredential } from '@azure/core-auth';
import { AppError } from '../../core/errors';
import { resolveCloud, type AzureCloud } from './clouds';
import { defaultSubscription } from './subscription';

/**
 * Where and as whom the Azure targets work: a cloud's endpoints, a credential, and the
 * subscription. The CLI's credential is the @azure/identity chain (credential.ts); the extension
 * brings VS Code's Microsoft sign-in.
 */
export interface AzureSessionOptions {
  /** The `cloud` setting: a known cloud's name or a custom Resource Manager URL. */
  cloud?: string;
  /** The `subscription` setting; the default subscription when absent. */
  subscription?: string;
  signal?: AbortSignal;
}

export interface AzureSession {
  readonly cloud: AzureCloud;
  readonly credential: TokenCredential;
  readonly subscription: string;
  /** The options every ARM client of this session is made with. */
  clientOptions(): { endpoint: string; credentialScopes: string[]; retryOptions: { maxRetries: number } };
}

export type CredentialFactory = (cloud: AzureCloud) => Promise<TokenCredential>;
export type SubscriptionDefault = () => Promise<string | undefined>;

export async function resolveAzureSession(opts: AzureSessionOptions, credentialFor: CredentialFactory, subscriptionDefault: SubscriptionDefault = defaultSubscription): Promise<AzureSession> {
  const cloud = await resolveCloud(opts.cloud, opts.signal);
  const subscription = opts.subscription ?? (await subscriptionDefault());
  if (!subscription) {
    throw new AppError('config-invalid', 'No Azure subscription is set. Set subscription in rdeploy.json (or --set subscription=<id>), AZURE_SUBSCRIPTION_ID, or a default with `az account set --subscription <id>`.');
  }
  const credential = await credentialFor(cloud);
  return {
    cloud,
    credential,
    subscription,
    // ARM throttles with 429 and Retry-After: the pipeline's retry policy honours it; a few more tries than its default 3.
    clientOptions: () => ({ endpoint: cloud.resourceManager.replace(/\/$/, ''), credentialScopes: [`${cloud.audience}.default`], retryOptions: { maxRetries: 5 } }),
  };
}
