import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { AppError } from '../../core/errors';
import type { AwsSession } from '../../clouds/aws/session';
import type { TargetContext } from '../Target';
import { lambdaRecordDetails } from './details';

export interface LambdaClients {
  session: AwsSession;
  lambda: LambdaClient;
  iam: IAMClient;
  logs: CloudWatchLogsClient;
  scheduler: SchedulerClient;
  /** The SDK modules, for their command classes (imported here only: see lambdaClients). */
  sdk: {
    lambda: typeof import('@aws-sdk/client-lambda');
    iam: typeof import('@aws-sdk/client-iam');
    logs: typeof import('@aws-sdk/client-cloudwatch-logs');
    scheduler: typeof import('@aws-sdk/client-scheduler');
  };
}

const made = new WeakMap<AwsSession, Promise<LambdaClients>>();

/** Where the AWS calls of an operation go: the plan's settings, else the record's, else the standard chain's. */
export interface AwsScope {
  region?: string;
  profile?: string;
}

/** The scope a resource operation works in: the record's region and profile (set by the first deploy step). */
export function recordScope(ctx: TargetContext): AwsScope {
  const d = ctx.record ? lambdaRecordDetails(ctx.record.details) : {};
  return { ...(d.region ? { region: d.region } : {}), ...(d.profile ? { profile: d.profile } : {}) };
}

/**
 * The SDK clients for a scope, loaded on first use (the AWS SDK is not loaded for a user who
 * never deploys to AWS) and made once per session.
 */
export async function lambdaClients(ctx: TargetContext, scope: AwsScope = recordScope(ctx)): Promise<LambdaClients> {
  if (!ctx.connections.aws) throw new AppError('internal', 'This R Deploy host cannot reach AWS (no AWS connection).');
  const session = await ctx.connections.aws(scope);
  let clients = made.get(session);
  if (!clients) {
    clients = (async () => {
      const [lambdaSdk, iamSdk, logsSdk, schedulerSdk] = await Promise.all([
        import('@aws-sdk/client-lambda'),
        import('@aws-sdk/client-iam'),
        import('@aws-sdk/client-cloudwatch-logs'),
        import('@aws-sdk/client-scheduler'),
      ]);
      const config = session.config() as NonNullable<ConstructorParameters<typeof lambdaSdk.LambdaClient>[0]>;
      return {
        session,
        lambda: new lambdaSdk.LambdaClient(config),
        iam: new iamSdk.IAMClient(config as never),
        logs: new logsSdk.CloudWatchLogsClient(config as never),
        scheduler: new schedulerSdk.SchedulerClient(config as never),
        sdk: { lambda: lambdaSdk, iam: iamSdk, logs: logsSdk, scheduler: schedulerSdk },
      };
    })();
    made.set(session, clients);
  }
  return clients;
}

/** The SDK's error name ("ResourceNotFoundException", "NoSuchEntity"). */
export const awsErrorName = (e: unknown): string => (e as { name?: string } | null)?.name ?? '';
