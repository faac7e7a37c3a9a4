import { AppError, cancelledError } from '../../core/errors';
import { ownerTags, type Owner } from '../../core/owner';
import { awsFailure } from '../../clouds/aws/session';
import type { DeployStep, TargetContext } from '../Target';
import { BASIC_EXECUTION_POLICY, LAMBDA_TRUST_POLICY } from './names';
import type { LambdaClients } from './clients';
import { roleResource } from './resources';

/** How long a deploy waits for a new role to become usable (IAM is eventually consistent). */
const ROLE_PROPAGATION_MS = 60_000;

export interface RoleSpec {
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

/** A role created seconds ago may not be assumable by Lambda yet (IAM replicates): retry for a minute. */
export async function whenRoleUsable<T>(ctx: TargetContext, call: () => Promise<T>): Promise<T> {
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


/** The deploy step that creates (or reuses) the function's execution role; `set` receives its ARN for the later steps. */
export function executionRoleStep(roleName: string, clients: (ctx: TargetContext) => Promise<LambdaClients>, set: (arn: string) => void): DeployStep {
  return {
    title: `Creating the execution role ${roleName}`,
    creates: { kind: 'role', id: roleName },
    run: async ({ ctx, owner }) => {
      const roleArn = await ensureRole(await clients(ctx), roleName, owner, ctx, {
        trust: LAMBDA_TRUST_POLICY,
        description: `R Deploy: execution role of ${owner.name}`,
        managedPolicy: BASIC_EXECUTION_POLICY,
      });
      set(roleArn);
      return { id: roleName, details: { roleArn } };
    },
  };
}
