import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Workload } from '../../core/cost';
import { lambdaMeters, type Usage } from '../../core/cost';
import { ownerTags, type Owner } from '../../core/owner';
import type { RProject } from '../../core/project/model';
import { defaultPackageDir } from '../Packaging';
import type { Plan, PlanOptions } from '../Target';
import type { LambdaPlanDetails } from './details';
import type { LambdaManifest } from './package/manifest';
import {
  BASIC_EXECUTION_POLICY,
  functionName,
  INVOKE_POLICY_NAME,
  invokeOnlyPolicy,
  LAMBDA_TRUST_POLICY,
  layerName,
  layerPrefix,
  roleName,
  SCHEDULER_TRUST_POLICY,
  scheduleName,
  schedulerRoleName,
  URL_PERMISSION_ID,
} from './names';
import { planLambdaImage } from './planImage';
import { lambdaDefaults, type LambdaSettings } from './settings';


/**
 * Pure apart from reading the package's manifest when one is on disk (its sizes go into the
 * plan; the deploy rebuilds the package whenever anything changed). Every request is data, as
 * the deploy sends it; zip contents are shown by file and size, never inlined.
 */
export function planLambda(project: RProject, options: PlanOptions): Plan<LambdaPlanDetails> {
  const settings = lambdaDefaults(options.settings as LambdaSettings);
  if (settings.packageType === 'image') return planLambdaImage(project, options, settings);
  const owner: Owner = { root: project.root, name: options.name };
  const fn = functionName(options.name);
  const role = settings.role ? undefined : roleName(owner);
  const packageDir = defaultPackageDir(project.root, 'lambda');
  const manifest = readManifest(packageDir);
  const layers = manifest?.artefacts.filter((a) => a.kind === 'layer') ?? [];
  const functionZip = manifest?.artefacts.find((a) => a.kind === 'function');
  const details: LambdaPlanDetails = {
    settings,
    functionName: fn,
    ...(role ? { roleName: role } : {}),
    layerPrefix: layerPrefix(options.name),
    packageDir,
    ...(options.baseImage ? { builderImage: options.baseImage } : {}),
    ...(manifest && functionZip
      ? { packaged: { layers: layers.map((l) => ({ file: l.file, zippedBytes: l.zippedBytes, unzippedBytes: l.unzippedBytes })), functionZip: { zippedBytes: functionZip.zippedBytes, unzippedBytes: functionZip.unzippedBytes } } }
      : {}),
  };
  const tags = ownerTags(owner);
  const roleArn = settings.role ?? `arn:aws:iam::<account>:role/${role}`;
  const layerNames = layers.length ? layers.map((l) => layerName(options.name, l.name)) : [layerName(options.name, '01-r'), `${layerPrefix(options.name)}02-packages…`];
  const zip = (file: string, bytes?: number) => `<${file}${bytes !== undefined ? `, ${bytes} bytes` : ''}>`;
  return {
    target: 'lambda',
    name: options.name,
    project,
    runtimeMode: 'lambda',
    ...(options.baseImage ? { baseImage: options.baseImage } : {}),
    resources: [
      ...(role ? [{ kind: 'role', id: role, description: 'IAM role for the function: basic execution logging only' }] : []),
      { kind: 'layers', id: details.layerPrefix, description: `${layerNames.length} layer(s): R with its libraries, then your packages (reused when unchanged)` },
      { kind: 'function', id: fn, description: `provided.al2023 · ${settings.architecture} · ${settings.memoryMb} MB · ${settings.timeoutSeconds} s` },
      ...(settings.url ? [{ kind: 'url', id: fn, description: `HTTPS function URL, ${settings.url === 'NONE' ? 'public: no authentication' : 'callers sign with AWS_IAM'}` }] : []),
      ...(settings.schedule
        ? [
            { kind: 'schedule-role', id: schedulerRoleName(owner), description: `IAM role EventBridge Scheduler assumes: may invoke ${fn}, nothing else` },
            { kind: 'schedule', id: scheduleName(owner), description: `EventBridge Scheduler: ${settings.schedule} (UTC), payload ${settings.scheduleInput ?? '{}'}` },
          ]
        : []),
    ],
    requests: [
      ...(role
        ? [
            { service: 'iam', operation: 'CreateRole', target: role, body: { RoleName: role, Path: '/', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY, Tags: tagList(tags) } },
            { service: 'iam', operation: 'AttachRolePolicy', target: role, body: { RoleName: role, PolicyArn: BASIC_EXECUTION_POLICY } },
          ]
        : []),
      ...layerNames.map((name, i) => ({
        service: 'lambda',
        operation: 'PublishLayerVersion',
        target: name,
        body: {
          LayerName: name,
          Content: { ZipFile: zip(layers[i]?.file ?? 'layer zip', layers[i]?.zippedBytes) },
          CompatibleRuntimes: ['provided.al2023'],
          CompatibleArchitectures: [settings.architecture],
        },
      })),
      {
        service: 'lambda',
        operation: 'CreateFunction',
        target: fn,
        body: {
          FunctionName: fn,
          Runtime: 'provided.al2023',
          Handler: project.handler,
          Role: roleArn,
          Code: { ZipFile: zip('function.zip', functionZip?.zippedBytes) },
          Layers: layerNames.map((n) => `arn:aws:lambda:<region>:<account>:layer:${n}:<version>`),
          MemorySize: settings.memoryMb,
          Timeout: settings.timeoutSeconds,
          Architectures: [settings.architecture],
          Tags: tags,
        },
      },
      ...(settings.url ? [{ service: 'lambda', operation: 'CreateFunctionUrlConfig', target: fn, body: { FunctionName: fn, AuthType: settings.url } }] : []),
      ...(settings.schedule
        ? [
            { service: 'iam', operation: 'CreateRole', target: schedulerRoleName(owner), body: { RoleName: schedulerRoleName(owner), Path: '/', AssumeRolePolicyDocument: SCHEDULER_TRUST_POLICY, Tags: tagList(tags) } },
            { service: 'iam', operation: 'PutRolePolicy', target: schedulerRoleName(owner), body: { RoleName: schedulerRoleName(owner), PolicyName: INVOKE_POLICY_NAME, PolicyDocument: invokeOnlyPolicy(`arn:aws:lambda:<region>:<account>:function:${fn}`) } },
            {
              service: 'scheduler',
              operation: 'CreateSchedule',
              target: scheduleName(owner),
              body: {
                Name: scheduleName(owner),
                ScheduleExpression: settings.schedule,
                ScheduleExpressionTimezone: 'UTC',
                FlexibleTimeWindow: { Mode: 'OFF' },
                Target: { Arn: `arn:aws:lambda:<region>:<account>:function:${fn}`, RoleArn: `arn:aws:iam::<account>:role/${schedulerRoleName(owner)}`, Input: settings.scheduleInput ? `<the payload ${settings.scheduleInput}>` : '{}' },
                State: 'ENABLED',
              },
            },
          ]
        : []),
      ...(settings.url === 'NONE'
        ? [{ service: 'lambda', operation: 'AddPermission', target: fn, body: { FunctionName: fn, StatementId: URL_PERMISSION_ID, Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' } }]
        : []),
    ],
    settings: { ...settings },
    details,
    facts: [
      { label: 'region', value: settings.region ?? 'from your AWS configuration (AWS_REGION or the profile)' },
      {
        label: 'layers',
        value: manifest
          ? `${layers.map((l) => `${l.name} ${mb(l.zippedBytes)} zipped`).join(', ')}; ${mb(manifest.totals.unzippedBytes)} of Lambda's 250 MB unzipped (as last packaged; the deploy rebuilds what changed)`
          : 'built by the deploy (run `rdeploy package --target lambda` to see their sizes now)',
      },
    ],
    ...(settings.url === 'NONE' ? { warnings: ['url=NONE: anyone who finds the function URL can call the model, and every call is billed to you. Use url=AWS_IAM unless the model is meant to be public.'] } : {}),
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function lambdaUsage(plan: Plan<LambdaPlanDetails>, workload: Workload): Usage {
  const s = plan.details.settings;
  return lambdaMeters({
    memoryMb: workload.memoryMb ?? s.memoryMb,
    architecture: s.architecture,
    requestsPerMonth: workload.requestsPerMonth ?? workload.runsPerMonth ?? 0,
    durationMs: workload.durationMs ?? 100,
  });
}

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function readManifest(dir: string): LambdaManifest | undefined {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as LambdaManifest;
    return m.target === 'lambda' && Array.isArray(m.artefacts) ? m : undefined;
  } catch {
    return undefined;
  }
}
