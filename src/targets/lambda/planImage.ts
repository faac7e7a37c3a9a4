import { ownerTags, type Owner } from '../../core/owner';
import type { RProject } from '../../core/project/model';
import { buildInputsHash } from '../image/buildInputs';
import { generatedBuildInputs } from '../image/generatedBuildInputs';
import { defaultPackageDir } from '../Packaging';
import type { Plan, PlanOptions } from '../Target';
import type { LambdaPlanDetails } from './details';
import { BASIC_EXECUTION_POLICY, functionName, LAMBDA_TRUST_POLICY, layerPrefix, repositoryName, roleName } from './names';
import type { EffectiveLambdaSettings } from './settings';

/**
 * Image mode: the project's image, built by the same pipeline as a local deploy but with the
 * runtime in `lambda` mode (its CMD loops on the Runtime API), FROM an image with R
 * (`rocker/r-ver:<version>` unless --base-image), pushed to an ECR repository of the deployment,
 * and the function created from its digest. 10 GB instead of the layers' 250 MB.
 */
export function planLambdaImage(project: RProject, options: PlanOptions, settings: EffectiveLambdaSettings): Plan<LambdaPlanDetails> {
  const owner: Owner = { root: project.root, name: options.name };
  const fn = functionName(options.name);
  const role = settings.role ? undefined : roleName(owner);
  const baseImage = options.baseImage ?? `rocker/r-ver:${project.rVersion ?? 'latest'}`;
  const build = generatedBuildInputs(project, { baseImage, mode: 'lambda', ...(options.exclude ? { exclude: options.exclude } : {}) });
  const repository = repositoryName(options.name);
  const tag = buildInputsHash(build);
  const tags = ownerTags(owner);
  const tagList = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  return {
    target: 'lambda',
    name: options.name,
    project,
    runtimeMode: 'lambda',
    baseImage,
    resources: [
      ...(role ? [{ kind: 'role', id: role, description: 'IAM role for the function: basic execution logging only' }] : []),
      { kind: 'repository', id: repository, description: 'Amazon ECR repository for the function\'s image' },
      { kind: 'function', id: fn, description: `container image · ${settings.architecture} · ${settings.memoryMb} MB · ${settings.timeoutSeconds} s` },
    ],
    requests: [
      ...(role
        ? [
            { service: 'iam', operation: 'CreateRole', target: role, body: { RoleName: role, Path: '/', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY, Tags: tagList } },
            { service: 'iam', operation: 'AttachRolePolicy', target: role, body: { RoleName: role, PolicyArn: BASIC_EXECUTION_POLICY } },
          ]
        : []),
      { service: 'ecr', operation: 'CreateRepository', target: repository, body: { repositoryName: repository, imageTagMutability: 'MUTABLE', tags: tagList.map(({ Key, Value }) => ({ Key, Value })) } },
      { service: 'docker', operation: 'ImageBuild', target: `${repository}:${tag}`, body: { dockerfile: '.rdeploy-build/Dockerfile', networkmode: 'host', rm: true, forcerm: true } },
      { service: 'docker', operation: 'ImagePush', target: `<account>.dkr.ecr.<region>.amazonaws.com/${repository}:${tag}`, body: { auth: '<ECR authorization token>' } },
      {
        service: 'lambda',
        operation: 'CreateFunction',
        target: fn,
        body: {
          FunctionName: fn,
          PackageType: 'Image',
          Role: settings.role ?? `arn:aws:iam::<account>:role/${role}`,
          Code: { ImageUri: `<account>.dkr.ecr.<region>.amazonaws.com/${repository}@<digest>` },
          MemorySize: settings.memoryMb,
          Timeout: settings.timeoutSeconds,
          Architectures: [settings.architecture],
          Tags: tags,
        },
      },
    ],
    settings: { ...settings },
    dockerfiles: { image: build.dockerfile, ...(build.runtime ? { runtime: build.runtime.dockerfile } : {}) },
    details: {
      settings,
      functionName: fn,
      ...(role ? { roleName: role } : {}),
      layerPrefix: layerPrefix(options.name),
      packageDir: defaultPackageDir(project.root, 'lambda'),
      builderImage: baseImage,
      image: { repository, build, tag },
    },
    facts: [
      { label: 'region', value: settings.region ?? 'from your AWS configuration (AWS_REGION or the profile)' },
      { label: 'image', value: `FROM ${baseImage}, pushed to ECR ${repository}; Lambda takes images up to 10 GB` },
    ],
  };
}
