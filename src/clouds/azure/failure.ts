import { AppError } from '../../core/errors';

/** Query values that are secrets in any Azure URL an error may quote (callback and SAS signatures, tokens). */
const SECRET_QUERY = /([?&](?:sig|se|skoid|sktid|code|token|access_token|refresh_token|password)=)[^&\s"']+/gi;

/** A text with every secret-bearing query value replaced: errors quote URLs. */
export const redactAzure = (text: string): string => text.replace(SECRET_QUERY, '$1<redacted>');

interface RestErrorLike {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
}

/**
 * One sentence for what an Azure call failed with: a missing or refused sign-in says how to
 * sign in, a missing permission or resource group says what to ask for or create; otherwise
 * Resource Manager's own message (it names the resource and the rule), without secrets.
 */
export function azureFailure(what: string, e: unknown): AppError {
  if (e instanceof AppError) return e;
  const err = (e ?? {}) as RestErrorLike;
  const message = redactAzure(err.message ?? String(e)).split('\n')[0]!.trim();
  if (err.name === 'CredentialUnavailableError' || err.name === 'AggregateAuthenticationError') {
    return new AppError('config-invalid', `${what}: no Azure sign-in was found. Run \`az login\` (or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal); in VS Code, sign in with Microsoft when asked.`, { cause: e });
  }
  if (err.name === 'AuthenticationError' || err.name === 'AuthenticationRequiredError') {
    return new AppError('config-invalid', `${what}: Azure refused the sign-in (${firstSentence(message)}). Sign in again with \`az login\`, or check the service principal's secret.`, { cause: e });
  }
  if (err.statusCode === 401) {
    return new AppError('config-invalid', `${what}: Azure did not accept the token (${err.code ?? 'Unauthorized'}). Sign in again with \`az login\`.`, { cause: e });
  }
  if (err.code === 'AuthorizationFailed' || err.statusCode === 403) {
    return new AppError('deploy-failed', `${what}: your Azure identity lacks a permission (${firstSentence(message)}). Ask for Contributor and "Role Based Access Control Administrator" (or Owner) on the resource group.`, { cause: e });
  }
  if (err.code === 'ResourceGroupNotFound') {
    return new AppError('config-invalid', `${what}: ${firstSentence(message)} Create it (\`az group create\`) or set resourceGroup to an existing one.`, { cause: e });
  }
  if (err.code === 'SubscriptionNotFound' || err.code === 'InvalidSubscriptionId') {
    return new AppError('config-invalid', `${what}: ${firstSentence(message)} Check the subscription setting (\`az account list\` shows yours).`, { cause: e });
  }
  const net = (e as NodeJS.ErrnoException).code ?? '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH'].includes(net) || err.code === 'REQUEST_SEND_ERROR') {
    return new AppError('deploy-failed', `${what}: Azure could not be reached (${message}). Check the network, a proxy, or the cloud setting.`, { cause: e });
  }
  return new AppError('deploy-failed', `${what}: ${err.code && !message.includes(err.code) ? `${err.code}: ` : ''}${message}`, { cause: e });
}

/** AADSTS messages run on for lines (trace ids, timestamps): the first sentence says it. */
const firstSentence = (text: string): string => (/^(.*?[.!?])(\s|$)/.exec(text)?.[1] ?? text).slice(0, 300);
