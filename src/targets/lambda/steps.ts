import { AppError, cancelledError } from '../../core/errors';
import { readPayload } from '../../core/payloads';
import { ownerTags, type Owner } from '../../core/owner';
import { awsFailure } from '../../clouds/aws/session';
import type { DeployStep, Plan, StepState, TargetContext } from '../Target';
import { awsErrorName, lambdaClients, type LambdaClients } from './clients';
import type { LambdaPlanDetails, LambdaRecordDetails } from './details';
import {
  BASIC_EXECUTION_POLICY,
  INVOKE_POLICY_NAME,
  invokeOnlyPolicy,
  LAMBDA_TRUST_POLICY,
  layerDescription,
  layerName,
  layerOwnedBy,
  layerSha,
  SCHEDULER_TRUST_POLICY,
  scheduleDescription,
  scheduleName,
  schedulerRoleName,
  URL_PERMISSION_ID,
} from './names';
import { lambdaPackaging } from './package';
import type { LambdaManifest, ManifestArtefact } from './package/manifest';
import { layersResource, roleResource, scheduleResource } from './resources';
import { lambdaImageSteps } from './imageSteps';
import { StagingArea, type ZipContent } from './staging';

/** How long a deploy waits for a new role to become usable by Lambda (IAM is eventually consistent). */
const ROLE_PROPAGATION_MS = 60_000;
/** How long it waits for the function to become Active or finish an update. */
const WAITER_SECONDS = 300;

/**
 * A Lambda deploy: package (reused when up to date), the execution role unless the user gives
 * one, the layers (a version whose zip is byte-identical is reused, not published again), the
 * function created or updated in place (each change followed by the SDK's waiter; a conflict
 * with an update in progress waits and tries again), then the superseded layer versions go.
 */
export function lambdaSteps(plan: Plan<LambdaPlanDetails>): DeployStep[] {
  if (plan.details.image) return lambdaImageSteps(plan);
  const d = plan.details;
  const s = d.settings;
  const scope = { ...(s.region ? { region: s.region } : {}), ...(s.profile ? { profile: s.profile } : {}) };
  let manifest: LambdaManifest | undefined;
  let roleArn = s.role;
  let layerArns: string[] = [];
  let functionArn: string | undefined;
  const owner: Owner = { root: plan.project.root, name: plan.name };
  const clients = (ctx: TargetContext) => lambdaClients(ctx, scope);
  return [
    {
      title: 'Packaging R and the project for Lambda',
      run: async ({ ctx }) => {
        const packaged = await lambdaPackaging.package(plan.project, { name: plan.name, out: d.packageDir, ...(d.builderImage ? { builderImage: d.builderImage } : {}), settings: s }, ctx);
        manifest = packaged.manifest as unknown as LambdaManifest;
        const { session } = await clients(ctx);
        const details: LambdaRecordDetails = {
          region: session.region,
          ...(s.profile ? { profile: s.profile } : {}),
          memoryMb: s.memoryMb,
          timeoutSeconds: s.timeoutSeconds,
          architecture: s.architecture,
          packageDir: d.packageDir,
          ...(d.builderImage ? { builderImage: d.builderImage } : {}),
        };
        return { details };
      },
    },
    ...(d.roleName
      ? [
          {
            title: `Creating the execution role ${d.roleName}`,
            creates: { kind: 'role', id: d.roleName },
            run: async ({ ctx, owner }: StepState) => {
              roleArn = await ensureRole(await clients(ctx), d.roleName!, owner, ctx, {
                trust: LAMBDA_TRUST_POLICY,
                description: `R Deploy: execution role of ${owner.name}`,
                managedPolicy: BASIC_EXECUTION_POLICY,
              });
              return { id: d.roleName!, details: { roleArn } };
            },
          },
        ]
      : []),
    {
      title: 'Publishing the layers',
      creates: { kind: 'layers', id: d.layerPrefix },
      run: async ({ ctx, owner }) => {
        const layers = await publishLayers(await clients(ctx), manifest!, plan, owner, ctx);
        layerArns = layers.map((l) => l.arn);
        return { id: d.layerPrefix, details: { layers } };
      },
    },
    {
      title: `Creating or updating the function ${d.functionName}`,
      creates: { kind: 'function', id: d.functionName },
      run: async ({ ctx, owner }) => {
        const arn = await upsertFunction(await clients(ctx), { plan, manifest: manifest!, roleArn: roleArn!, layerArns, owner, ctx });
        functionArn = arn;
        return { id: d.functionName, details: { functionName: d.functionName, functionArn: arn }, endpoint: arn };
      },
    },
    ...(s.url
      ? [
          {
            title: `Giving ${d.functionName} a function URL (${s.url})`,
            creates: { kind: 'url', id: d.functionName },
            run: async ({ ctx }: StepState) => {
              const url = await ensureUrl(await clients(ctx), d.functionName, s.url!, ctx);
              return { id: d.functionName, details: { url, urlAuthType: s.url }, endpoint: url };
            },
          },
        ]
      : []),
    ...(s.schedule
      ? [
          {
            title: `Creating the role the schedule invokes ${d.functionName} with`,
            creates: { kind: 'schedule-role', id: schedulerRoleName(owner) },
            run: async ({ ctx }: StepState) => {
              const arn = await ensureRole(await clients(ctx), schedulerRoleName(owner), owner, ctx, {
                trust: SCHEDULER_TRUST_POLICY,
                description: `R Deploy: lets EventBridge Scheduler invoke ${d.functionName}, and nothing else`,
                inlinePolicy: { name: INVOKE_POLICY_NAME, document: invokeOnlyPolicy(functionArn!) },
              });
              return { id: schedulerRoleName(owner), details: { schedulerRoleArn: arn } };
            },
          },
          {
            title: `Scheduling ${d.functionName}: ${s.schedule}`,
            creates: { kind: 'schedule', id: scheduleName(owner) },
            run: async ({ ctx, record }: StepState) => {
              const input = s.scheduleInput ? await readPayload(s.scheduleInput, plan.project.root, plan.project.root) : '{}';
              const roleArnOfSchedule = (record.details as { schedulerRoleArn?: string }).schedulerRoleArn!;
              await ensureSchedule(await clients(ctx), { name: scheduleName(owner), owner, expression: s.schedule!, functionArn: functionArn!, roleArn: roleArnOfSchedule, input, ctx });
              return { id: scheduleName(owner), details: { schedule: s.schedule } };
            },
          },
        ]
      : []),
    {
      title: 'Removing superseded layer versions',
      run: async ({ ctx, owner }) => {
        const { lambda, sdk } = await clients(ctx);
        for (const v of await layersResource.versions(d.layerPrefix, ctx, owner)) {
          if (!v.ours || layerArns.includes(v.arn)) continue;
          await lambda.send(new sdk.lambda.DeleteLayerVersionCommand({ LayerName: v.name, VersionNumber: v.version })).catch((e: unknown) => {
            throw awsFailure(`Deleting the superseded layer version ${v.arn}`, e);
          });
        }
      },
    },
  ];
}

/** EventBridge Scheduler's limit on a target's Input. */
const MAX_SCHEDULE_INPUT = 8192;

async function ensureSchedule(
  { scheduler, sdk }: LambdaClients,
  o: { name: string; owner: Owner; expression: string; functionArn: string; roleArn: string; input: string; ctx: TargetContext },
): Promise<void> {
  if (o.input.length > MAX_SCHEDULE_INPUT) {
    throw new AppError('payload-invalid', `The scheduled payload is ${o.input.length} characters; EventBridge Scheduler passes at most ${MAX_SCHEDULE_INPUT}. Schedule a smaller payload that says where to read the data.`);
  }
  const ownership = await scheduleResource.ownership(o.name, o.owner, o.ctx);
  if (ownership === 'theirs') throw new AppError('deploy-failed', `A schedule named ${o.name} exists and is not this deployment's. Delete it, or choose another deployment name.`);
  const request = {
    Name: o.name,
    ScheduleExpression: o.expression,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' as const },
    Target: { Arn: o.functionArn, RoleArn: o.roleArn, Input: o.input },
    Description: scheduleDescription(o.owner),
    State: 'ENABLED' as const,
  };
  try {
    await whenRoleUsable(o.ctx, () =>
      ownership === 'ours' ? scheduler.send(new sdk.scheduler.UpdateScheduleCommand(request)) : scheduler.send(new sdk.scheduler.CreateScheduleCommand(request)),
    );
  } catch (e) {
    throw awsFailure(`Scheduling ${o.name}`, e);
  }
}

/** Creates or updates the URL; NONE also needs a resource-policy statement that lets anyone call it. */
async function ensureUrl({ lambda, sdk }: LambdaClients, fn: string, authType: 'AWS_IAM' | 'NONE', ctx: TargetContext): Promise<string> {
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

interface RoleSpec {
  trust: string;
  description: string;
  managedPolicy?: string;
  inlinePolicy?: { name: string; document: string };
}

/** Creates the role when it does not exist (tagged), and sets its policies either way; refuses a role that is not ours. */
export async function ensureRole({ iam, sdk }: LambdaClients, name: string, owner: Owner, ctx: TargetContext, spec: RoleSpec): Promise<string> {
  const ownership = await roleResource.ownership(name, owner, ctx);
  if (ownership === 'theirs') {
    throw new AppError('deploy-failed', `An IAM role named ${name} exists and is not this deployment's. Give the function a role with --set role=ARN, or delete that role.`);
  }
  try {
    if (ownership === 'gone') {
      await iam.send(
        new sdk.iam.CreateRoleCommand({
          RoleName: name,
          Path: '/',
          AssumeRolePolicyDocument: spec.trust,
          Description: spec.description,
          Tags: Object.entries(ownerTags(owner)).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    }
    if (spec.managedPolicy) await iam.send(new sdk.iam.AttachRolePolicyCommand({ RoleName: name, PolicyArn: spec.managedPolicy }));
    if (spec.inlinePolicy) await iam.send(new sdk.iam.PutRolePolicyCommand({ RoleName: name, PolicyName: spec.inlinePolicy.name, PolicyDocument: spec.inlinePolicy.document }));
    const role = await iam.send(new sdk.iam.GetRoleCommand({ RoleName: name }));
    return role.Role!.Arn!;
  } catch (e) {
    throw awsFailure(`Creating the IAM role ${name}`, e);
  }
}

async function publishLayers(clients: LambdaClients, manifest: LambdaManifest, plan: Plan<LambdaPlanDetails>, owner: Owner, ctx: TargetContext) {
  const staging = new StagingArea(clients, owner, ctx);
  try {
    return await publishEach(clients, staging, manifest, plan, owner, ctx);
  } finally {
    await staging.close();
  }
}

async function publishEach({ lambda, sdk }: LambdaClients, staging: StagingArea, manifest: LambdaManifest, plan: Plan<LambdaPlanDetails>, owner: Owner, ctx: TargetContext) {
  const out: Array<{ arn: string; sha256: string; file: string }> = [];
  for (const a of manifest.artefacts.filter((x) => x.kind === 'layer')) {
    if (ctx.signal?.aborted) throw cancelledError();
    const name = layerName(plan.name, a.name);
    const existing = await sameLayer(lambda, sdk, name, a, owner);
    if (existing) {
      ctx.progress?.report({ message: `Layer ${name} unchanged: reusing ${existing}` });
      out.push({ arn: existing, sha256: a.sha256, file: a.file });
      continue;
    }
    ctx.progress?.report({ message: `Uploading layer ${name} (${mb(a.zippedBytes)})` });
    const content = await staging.content(a, plan.details.packageDir);
    try {
      const published = await lambda.send(
        new sdk.lambda.PublishLayerVersionCommand({
          LayerName: name,
          Description: layerDescription(owner, a.sha256),
          Content: content,
          CompatibleRuntimes: ['provided.al2023'],
          CompatibleArchitectures: [plan.details.settings.architecture],
        }),
        { abortSignal: ctx.signal },
      );
      out.push({ arn: published.LayerVersionArn!, sha256: a.sha256, file: a.file });
    } catch (e) {
      if (ctx.signal?.aborted) throw cancelledError();
      throw awsFailure(`Publishing the layer ${name}`, e);
    }
  }
  return out;
}

/** A version of this layer, of this deployment, with exactly these bytes. */
async function sameLayer(lambda: LambdaClients['lambda'], sdk: LambdaClients['sdk'], name: string, a: ManifestArtefact, owner: Owner): Promise<string | undefined> {
  try {
    const versions = await lambda.send(new sdk.lambda.ListLayerVersionsCommand({ LayerName: name }));
    return versions.LayerVersions?.find((v) => layerOwnedBy(v.Description, owner) && layerSha(v.Description) === a.sha256)?.LayerVersionArn;
  } catch (e) {
    if (awsErrorName(e) === 'ResourceNotFoundException') return undefined;
    throw awsFailure(`Listing the versions of the layer ${name}`, e);
  }
}


interface Upsert {
  plan: Plan<LambdaPlanDetails>;
  manifest: LambdaManifest;
  roleArn: string;
  layerArns: string[];
  owner: Owner;
  ctx: TargetContext;
}

async function upsertFunction(c: LambdaClients, u: Upsert): Promise<string> {
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

/** A role created seconds ago may not be assumable by Lambda yet (IAM replicates): retry for a minute. */
async function whenRoleUsable<T>(ctx: TargetContext, call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ROLE_PROPAGATION_MS;
  for (let delay = 1000; ; delay = Math.min(delay * 2, 8000)) {
    try {
      return await call();
    } catch (e) {
      // Lambda: "The role defined for the function cannot be assumed by Lambda."; Scheduler:
      // "The execution role you provide must allow AWS EventBridge Scheduler to assume the role."
      const propagating = /cannot be assumed by Lambda|must allow AWS EventBridge Scheduler to assume the role/i.test((e as Error).message);
      if (!propagating || Date.now() + delay > deadline) throw e;
      ctx.progress?.report({ message: 'Waiting for the new role to reach Lambda (IAM takes a few seconds)' });
      await new Promise((r) => setTimeout(r, delay));
      if (ctx.signal?.aborted) throw cancelledError();
    }
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
