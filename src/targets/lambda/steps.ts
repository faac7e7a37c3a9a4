import { cancelledError } from '../../core/errors';
import { readPayload } from '../../core/payloads';
import type { Owner } from '../../core/owner';
import { awsFailure } from '../../clouds/aws/session';
import type { DeployStep, Plan, StepState, TargetContext } from '../Target';
import { awsErrorName, lambdaClients, type LambdaClients } from './clients';
import type { LambdaPlanDetails, LambdaRecordDetails } from './details';
import {
  INVOKE_POLICY_NAME,
  invokeOnlyPolicy,
  layerDescription,
  layerName,
  layerOwnedBy,
  layerSha,
  SCHEDULER_TRUST_POLICY,
  scheduleName,
  schedulerRoleName,
} from './names';
import { lambdaPackaging } from './package';
import type { LambdaManifest, ManifestArtefact } from './package/manifest';
import { layersResource } from './resources';
import { ensureUrl, upsertFunction } from './function';
import { lambdaImageSteps } from './imageSteps';
import { ensureRole, executionRoleStep } from './roles';
import { ensureSchedule } from './schedule';
import { StagingArea } from './staging';

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
    ...(d.roleName ? [executionRoleStep(d.roleName, clients, (arn) => (roleArn = arn))] : []),
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


const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
