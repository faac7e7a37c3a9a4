import { AppError } from '../../core/errors';
import type { Owner } from '../../core/owner';
import { buildProjectImage } from '../image/projectImage';
import { pushImage } from '../image/push';
import type { DeployStep, Plan, TargetContext } from '../Target';
import { lambdaClients } from './clients';
import type { LambdaPlanDetails, LambdaRecordDetails } from './details';
import { ensureRepository, imageSize, registryLogin } from './ecr';
import { checkImageQuotas } from './package/quotas';
import { createOrUpdate } from './function';
import { executionRoleStep } from './roles';

/**
 * Image mode: the Lambda image built by the platform pipeline (runtime in `lambda` mode), the
 * deployment's ECR repository, the push (ECR's token as the registry login, never recorded), the
 * 10 GB quota checked on the size ECR reports, then the function created or updated from the
 * image's digest.
 */
export function lambdaImageSteps(plan: Plan<LambdaPlanDetails>): DeployStep[] {
  const d = plan.details;
  const s = d.settings;
  const img = d.image!;
  const scope = { ...(s.region ? { region: s.region } : {}), ...(s.profile ? { profile: s.profile } : {}) };
  const clients = (ctx: TargetContext) => lambdaClients(ctx, scope);
  let imageId: string | undefined;
  let repositoryUri: string | undefined;
  let imageUri: string | undefined;
  let roleArn = s.role;
  return [
    {
      title: `Building the Lambda image FROM ${d.builderImage}`,
      run: async ({ ctx }) => {
        imageId = await buildProjectImage(await ctx.connections.docker(), { root: plan.project.root, inputs: img.build, tag: `rdeploy-lambda/${plan.name}:${img.tag}`, signal: ctx.signal, progress: ctx.progress });
        const { session } = await clients(ctx);
        const details: LambdaRecordDetails = { region: session.region, ...(s.profile ? { profile: s.profile } : {}), packageType: 'image', memoryMb: s.memoryMb, timeoutSeconds: s.timeoutSeconds, architecture: s.architecture, builderImage: d.builderImage };
        return { details };
      },
    },
    ...(d.roleName ? [executionRoleStep(d.roleName, clients, (arn) => (roleArn = arn))] : []),
    {
      title: `Creating the ECR repository ${img.repository}`,
      creates: { kind: 'repository', id: img.repository },
      run: async ({ ctx, owner }) => {
        repositoryUri = await ensureRepository((await clients(ctx)).session, img.repository, owner);
        return { id: img.repository, details: { repositoryUri } };
      },
    },
    {
      title: `Pushing the image to ${img.repository}`,
      run: async ({ ctx }) => {
        const { session } = await clients(ctx);
        const login = await registryLogin(session);
        const pushed = await pushImage(await ctx.connections.docker(), { image: imageId!, repository: repositoryUri!, tag: img.tag, credentials: login.credentials, signal: ctx.signal, progress: ctx.progress });
        const size = await imageSize(session, img.repository, pushed.digest);
        if (size !== undefined) {
          const quota = checkImageQuotas({ imageBytes: size, memoryMb: s.memoryMb, timeoutSeconds: s.timeoutSeconds });
          if (!quota.ok) throw new AppError('deploy-failed', quota.problems[0]!.message);
        }
        imageUri = `${repositoryUri}@${pushed.digest}`;
        return { details: { imageUri } };
      },
    },
    {
      title: `Creating or updating the function ${d.functionName}`,
      creates: { kind: 'function', id: d.functionName },
      run: async ({ ctx, owner }: { ctx: TargetContext; owner: Owner }) => {
        const arn = await createOrUpdate(await clients(ctx), { plan, handler: plan.project.handler, roleArn: roleArn!, layerArns: [], owner, ctx }, { ImageUri: imageUri! });
        return { id: d.functionName, details: { functionName: d.functionName, functionArn: arn }, endpoint: arn };
      },
    },
  ];
}
