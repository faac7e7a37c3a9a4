import { AppError } from '../../core/errors';

/**
 * Where and as whom the AWS targets work: a region and the standard credential chain (the
 * environment, `~/.aws/config` and `credentials` with the profile, SSO, `aws login`, container
 * and instance roles), as the AWS CLI resolves them. Endpoints come from the SDK's own
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> variables (the tests' doubles use them).
 */
export interface AwsSessionOptions {
  region?: string;
  profile?: string;
}

export interface AwsClientConfig {
  region: string;
  credentials: unknown;
  maxAttempts: number;
  /**
   * With a custom endpoint (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>) the SDK must not put a
   * host prefix in front of it: CloudWatch Logs' StartLiveTail would turn 127.0.0.1 into
   * "streaming-127.0.0.1", a name that resolves nowhere here (or somewhere else entirely).
   */
  disableHostPrefix: boolean;
}

export interface AwsSession {
  readonly region: string;
  readonly profile?: string;
  /** The configuration every SDK client of this session is made with. */
  config(): AwsClientConfig;
}

/** Throttled calls are retried by the SDK (standard mode, with backoff): a few more than its default 3. */
const MAX_ATTEMPTS = 5;

export async function resolveAwsSession(opts: AwsSessionOptions, env: NodeJS.ProcessEnv = process.env): Promise<AwsSession> {
  // The SDK warns on Node < 22 that its releases after early January 2027 will need Node 22.
  // R Deploy pins SDK versions that run on Node 20 (VS Code 1.100's Node; see package.json and
  // the README), so the warning would only be noise on every command.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  const region = opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (await profileRegion(opts.profile));
  if (!region) {
    throw new AppError(
      'config-invalid',
      'No AWS region is set. Set targets.lambda.region in rdeploy.json (or --set region=eu-central-1), AWS_REGION, or a region in your AWS profile (`aws configure`).',
    );
  }
  const credentials = fromNodeProviderChain(opts.profile ? { profile: opts.profile } : {});
  return {
    region,
    ...(opts.profile ? { profile: opts.profile } : {}),
    config: () => ({ region, credentials, maxAttempts: MAX_ATTEMPTS, disableHostPrefix: Object.keys(env).some((k) => k === 'AWS_ENDPOINT_URL' || k.startsWith('AWS_ENDPOINT_URL_')) }),
  };
}

/** The region of the profile (AWS_PROFILE or default) in ~/.aws/config, resolved by the SDK as the AWS CLI does. */
async function profileRegion(profile: string | undefined): Promise<string | undefined> {
  const { STSClient } = await import('@aws-sdk/client-sts');
  const client = new STSClient(profile ? { profile } : {});
  try {
    return await client.config.region();
  } catch {
    return undefined; // "Region is missing": the caller says how to set one
  } finally {
    client.destroy();
  }
}

/**
 * One sentence for what an AWS call failed with. Missing or expired credentials say how to sign
 * in; the service's own message is kept otherwise (it names the resource and the rule).
 */
export function awsFailure(what: string, e: unknown): AppError {
  if (e instanceof AppError) return e;
  const name = (e as { name?: string } | null)?.name ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new AppError('config-invalid', `${what}: no AWS credentials were found. Sign in with \`aws configure\`, \`aws sso login\` or \`aws login\`, or set AWS_PROFILE.`, { cause: e });
  }
  if (['ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException', 'InvalidSignatureException'].includes(name)) {
    return new AppError('config-invalid', `${what}: AWS refused the credentials (${name}: ${message}). Sign in again with \`aws sso login\` or \`aws configure\`.`, { cause: e });
  }
  const code = (e as NodeJS.ErrnoException | null)?.code ?? '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH'].includes(code) || name === 'TimeoutError') {
    return new AppError('deploy-failed', `${what}: AWS could not be reached (${message}). Check the network, a proxy, or AWS_ENDPOINT_URL if you set one.`, { cause: e });
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return new AppError('deploy-failed', `${what}: access denied (${message}). Your AWS identity needs permission for this call.`, { cause: e });
  }
  return new AppError('deploy-failed', `${what}: ${name ? `${name}: ` : ''}${message}`, { cause: e });
}

/** The account the session's credentials belong to (STS GetCallerIdentity): also the proof that they work. */
export async function callerAccount(session: AwsSession, signal?: AbortSignal): Promise<string> {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient(session.config() as never);
  try {
    return (await sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal })).Account ?? 'unknown';
  } finally {
    sts.destroy();
  }
}
