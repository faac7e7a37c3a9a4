import { LAMBDA_PRICES } from '../../core/cost';
import type { DeploymentRecord } from '../../core/records/record';
import { awsFailure, callerAccount } from '../../clouds/aws/session';
import type { Target, TargetCheck, TargetContext } from '../Target';
import { lambdaClients } from './clients';
import { LambdaRecordDetailsSchema, lambdaRecordDetails, type LambdaPlanDetails } from './details';
import { invokeLambda, invokeLambdaAsync } from './invoke';
import { lambdaLogs, purgeLambdaLogs } from './logs';
import { lambdaUsage, planLambda } from './plan';
import { functionResource, layersResource, roleResource, scheduleResource, schedulerRoleResource, urlResource } from './resources';
import { lambdaDefaults, LambdaSettingsSchema, type LambdaSettings } from './settings';
import { lambdaStatus } from './status';
import { stagingResource } from './staging';
import { repositoryResource } from './ecr';
import { lambdaSteps } from './steps';

/** The AWS account the credentials belong to: proves they work, before anything is recorded or built. */
async function callerAccountOf(settings: LambdaSettings, ctx: TargetContext): Promise<{ account: string; region: string }> {
  const { session } = await lambdaClients(ctx, { ...(settings.region ? { region: settings.region } : {}), ...(settings.profile ? { profile: settings.profile } : {}) });
  try {
    return { account: await callerAccount(session, ctx.signal), region: session.region };
  } catch (e) {
    throw awsFailure('Checking your AWS credentials', e);
  }
}

export const lambdaTarget: Target<LambdaPlanDetails> = {
  kind: 'lambda',
  settings: LambdaSettingsSchema,
  recordDetails: LambdaRecordDetailsSchema,
  runtimeMode: () => 'lambda',
  plan: (project, options) => planLambda(project, options),
  async preflight(plan, ctx) {
    // Docker builds the package; AWS must accept the credentials. Either missing is one sentence and no record.
    await ctx.connections.docker();
    await callerAccountOf(plan.details.settings, ctx);
  },
  steps: (plan) => lambdaSteps(plan),
  // Creation order; destroy goes in reverse: the schedule and its role, the URL, the function, its layers, its role.
  resources: {
    // Never recorded: a bucket that only a killed deploy leaves behind, found by its tags.
    staging: stagingResource,
    role: roleResource,
    repository: repositoryResource,
    layers: layersResource,
    function: functionResource,
    url: urlResource,
    'schedule-role': schedulerRoleResource,
    schedule: scheduleResource,
  },
  anchor: 'function',
  invoke: (record, payload, ctx) => invokeLambda(record, payload, ctx),
  invokeAsync: (record, payload, ctx) => invokeLambdaAsync(record, payload, ctx),
  logs: (record, opts, ctx) => lambdaLogs(record, opts, ctx),
  purgeLogs: (owner, record, ctx) => purgeLambdaLogs(owner, record, ctx),
  status: (record, ctx) => lambdaStatus(record, ctx),
  describe(record: DeploymentRecord) {
    const d = lambdaRecordDetails(record.details);
    return [
      ...(d.functionName ? [{ kind: 'function', label: d.functionName, description: d.region, tooltip: [d.functionArn, `${d.memoryMb} MB · ${d.timeoutSeconds} s · ${d.architecture}`].filter(Boolean).join('\n') }] : []),
      ...(d.layers ?? []).map((l) => ({ kind: 'layer', label: l.arn.split(':').slice(-2).join(':'), description: l.file, tooltip: `${l.arn}\nsha256 ${l.sha256}` })),
      ...(d.roleArn ? [{ kind: 'role', label: d.roleArn.split('/').pop()!, tooltip: d.roleArn }] : []),
      ...(d.schedule ? [{ kind: 'schedule', label: d.schedule, description: 'UTC', tooltip: 'EventBridge Scheduler runs the function on this schedule' }] : []),
      ...(d.url ? [{ kind: 'url', label: d.url, description: d.urlAuthType, tooltip: d.urlAuthType === 'NONE' ? 'public: anyone with the URL can call it' : 'callers sign their requests (AWS_IAM)' }] : []),
    ];
  },
  prices: LAMBDA_PRICES,
  usage: (plan, workload) => lambdaUsage(plan, workload),
  async checks(settings, ctx): Promise<TargetCheck[]> {
    try {
      const { account, region } = await callerAccountOf(lambdaDefaults(settings as LambdaSettings), ctx);
      return [{ id: 'aws-credentials', title: 'AWS credentials', status: 'ok', detail: `account ${account}, region ${region}` }];
    } catch (e) {
      const detail = (e as Error).message;
      // The sentence already says what to do; the sign-in commands only help when credentials are the problem.
      return [{ id: 'aws-credentials', title: 'AWS credentials', status: 'fail', detail, ...(/credentials/i.test(detail.replace(/^Checking your AWS credentials: /, '')) ? { fix: 'aws configure, aws sso login, or aws login' } : {}) }];
    }
  },
  redeployOptions: (record) => {
    const builder = lambdaRecordDetails(record.details).builderImage;
    return builder ? { baseImage: builder } : {};
  },
};
