import { AppError, cancelledError } from '../../core/errors';
import { ownerTags, type Owner } from '../../core/owner';
import { awsFailure } from '../../clouds/aws/session';
import type { Plan, TargetContext } from '../Target';
import { awsErrorName, type LambdaClients } from './clients';
import type { LambdaPlanDetails } from './details';
import { URL_PERMISSION_ID } from './names';
import type { LambdaManifest } from './package/manifest';
import { whenRoleUsable } from './roles';
import { StagingArea, type ZipContent } from './staging';

/** How long a deploy waits for the function to become Active or finish an update. */
const WAITER_SECONDS = 300;

export interface Upsert {
  plan: Plan<LambdaPlanDetails>;
  manifest: LambdaManifest;
  roleArn: string;
  layerArns: string[];
  owner: Owner;
  ctx: TargetContext;
}

export async function upsertFunction(c: LambdaClients, u: Upsert): Promise<string> {
  const d = u.plan.details;
  const fn = u.manifest.artefacts.find((a) => a.kind === 'function')!;
  const staging = new StagingArea(c, u.owner, u.ctx);
  try {
    return await createOrUpdate(c, { ...u, handler: u.manifest.handler }, await staging.content(fn, d.packageDir));
  } finally {
    await staging.close();
  }
}

/** Creates the function or updates it in place; image mode passes `{ImageUri}` as the code (and no runtime, handler or layers: the image has them). */
export async function createOrUpdate(c: LambdaClients, u: Omit<Upsert, 'manifest'> & { handler: string }, code: ZipContent | { ImageUri: string }): Promise<string> {
  const { lambda, sdk } = c;
  const d = u.plan.details;
  const s = d.settings;
  const image = 'ImageUri' in code;
  const existing = await lambda.send(new sdk.lambda.GetFunctionCommand({ FunctionName: d.functionName })).catch((e: unknown) => {
    if (awsErrorName(e) === 'ResourceNotFoundException') return undefined;
    throw awsFailure(`Reading the Lambda function ${d.functionName}`, e);
  });
  const config = {
    Role: u.roleArn,
    ...(image ? {} : { Handler: u.handler, Runtime: 'provided.al2023' as const, Layers: u.layerArns }),
    MemorySize: s.memoryMb,
    Timeout: s.timeoutSeconds,
  };
  const waiter = { client: lambda, maxWaitTime: WAITER_SECONDS, abortSignal: u.ctx.signal };
  try {
    if (existing) {
      const tags = existing.Tags ?? {};
      if (tags['rdeploy-project'] !== u.owner.root || tags['rdeploy-deployment'] !== u.owner.name) {
        throw new AppError('deploy-failed', `A Lambda function named ${d.functionName} exists and is not this deployment's. Choose another deployment name.`);
      }
      const was = existing.Configuration?.PackageType ?? 'Zip';
      if (was !== (image ? 'Image' : 'Zip')) {
        // Lambda cannot change a function's package type in place.
        throw new AppError('deploy-failed', `${d.functionName} was deployed as ${was === 'Image' ? 'an image' : 'a zip'}; Lambda cannot switch a function to ${image ? 'an image' : 'a zip'} in place. Run \`rdeploy destroy ${u.owner.name}\` first, then deploy again.`);
      }
      u.ctx.progress?.report({ message: `Updating the code of ${d.functionName}` });
      await whenNoConflict(c, d.functionName, u.ctx, () => lambda.send(new sdk.lambda.UpdateFunctionCodeCommand({ FunctionName: d.functionName, ...code, Architectures: [s.architecture] })));
      await sdk.lambda.waitUntilFunctionUpdatedV2(waiter, { FunctionName: d.functionName });
      u.ctx.progress?.report({ message: `Updating the configuration of ${d.functionName}` });
      await whenNoConflict(c, d.functionName, u.ctx, () => lambda.send(new sdk.lambda.UpdateFunctionConfigurationCommand({ FunctionName: d.functionName, ...config })));
      await sdk.lambda.waitUntilFunctionUpdatedV2(waiter, { FunctionName: d.functionName });
      return existing.Configuration!.FunctionArn!;
    }
    const created = await whenRoleUsable(u.ctx, () =>
      lambda.send(
        new sdk.lambda.CreateFunctionCommand({
          FunctionName: d.functionName,
          ...config,
          ...(image ? { PackageType: 'Image' as const } : {}),
          Code: code,
          Architectures: [s.architecture],
          Tags: ownerTags(u.owner),
          Description: `R Deploy: ${u.plan.project.handler} of ${u.owner.name}`,
        }),
      ),
    );
    u.ctx.progress?.report({ message: `Waiting for ${d.functionName} to become Active` });
    await sdk.lambda.waitUntilFunctionActiveV2(waiter, { FunctionName: d.functionName });
    return created.FunctionArn!;
  } catch (e) {
    if (u.ctx.signal?.aborted) throw cancelledError();
    throw awsFailure(`Deploying the Lambda function ${d.functionName}`, e);
  }
}

/** An update while another is in progress is refused with ResourceConflictException: wait for it, then try again. */
async function whenNoConflict<T>(c: LambdaClients, fn: string, ctx: TargetContext, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (awsErrorName(e) !== 'ResourceConflictException' || attempt >= 5) throw e;
      ctx.progress?.report({ message: `${fn} is being updated; waiting for that update to finish` });
      await c.sdk.lambda.waitUntilFunctionUpdatedV2({ client: c.lambda, maxWaitTime: WAITER_SECONDS, abortSignal: ctx.signal }, { FunctionName: fn });
    }
  }
}

/** Creates or updates the URL; NONE also needs a resource-policy statement that lets anyone call it. */
export async function ensureUrl({ lambda, sdk }: LambdaClients, fn: string, authType: 'AWS_IAM' | 'NONE', ctx: TargetContext): Promise<string> {
  try {
    const existing = await lambda.send(new sdk.lambda.GetFunctionUrlConfigCommand({ FunctionName: fn })).catch((e: unknown) => {
      if (awsErrorName(e) === 'ResourceNotFoundException') return undefined;
      throw e;
    });
    const url = existing
      ? (await lambda.send(new sdk.lambda.UpdateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: authType }))).FunctionUrl!
      : (await lambda.send(new sdk.lambda.CreateFunctionUrlConfigCommand({ FunctionName: fn, AuthType: authType }))).FunctionUrl!;
    await lambda.send(new sdk.lambda.RemovePermissionCommand({ FunctionName: fn, StatementId: URL_PERMISSION_ID })).catch((e: unknown) => {
      if (awsErrorName(e) !== 'ResourceNotFoundException') throw e;
    });
    if (authType === 'NONE') {
      ctx.progress?.report({ note: `${url} is public: anyone with it can call the model, and every call is billed to you.` });
      await lambda.send(
        new sdk.lambda.AddPermissionCommand({ FunctionName: fn, StatementId: URL_PERMISSION_ID, Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' }),
      );
    }
    return url;
  } catch (e) {
    throw awsFailure(`Giving ${fn} a function URL`, e);
  }
}

