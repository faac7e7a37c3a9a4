import { taggedFor, type Owner } from '../../core/owner';
import { awsFailure } from '../../clouds/aws/session';
import type { Ownership, ResourceKind, TargetContext } from '../Target';
import { awsErrorName, lambdaClients } from './clients';
import { functionName, layerOwnedBy, layerPrefix, roleName, scheduleName, scheduleOwnedBy, schedulerRoleName, URL_PERMISSION_ID } from './names';

// Ids: a role by its name, the layers by their common name prefix (every version of every
// layer of the deployment: layers cannot be tagged, their descriptions name the owner), the
// function by its name. The region and profile come from the record (clients.ts).

const nameOfArn = (id: string) => id.split(':').pop()!.split('/').pop()!;

/** An IAM role of the deployment, named from its owner (the function's execution role, the scheduler's). */
function iamRole(nameFor: (owner: Owner) => string, what: string): ResourceKind {
  const kind: ResourceKind = {
    billable: false,
    async ownership(id, owner, ctx) {
      const { iam, sdk } = await lambdaClients(ctx);
      const name = nameOfArn(id);
      try {
        await iam.send(new sdk.iam.GetRoleCommand({ RoleName: name }));
      } catch (e) {
        if (awsErrorName(e) === 'NoSuchEntityException' || awsErrorName(e) === 'NoSuchEntity') return 'gone';
        throw awsFailure(`Reading the IAM role ${name}`, e);
      }
      const tags = (await iam.send(new sdk.iam.ListRoleTagsCommand({ RoleName: name }))).Tags ?? [];
      return taggedFor(Object.fromEntries(tags.map((t) => [t.Key!, t.Value ?? ''])), owner) ? 'ours' : 'theirs';
    },
    async remove(id, ctx) {
      const { iam, sdk } = await lambdaClients(ctx);
      const name = nameOfArn(id);
      try {
        // IAM deletes a role only once no policy is attached to it or inline in it.
        const attached = (await iam.send(new sdk.iam.ListAttachedRolePoliciesCommand({ RoleName: name }))).AttachedPolicies ?? [];
        for (const p of attached) await iam.send(new sdk.iam.DetachRolePolicyCommand({ RoleName: name, PolicyArn: p.PolicyArn }));
        const inline = (await iam.send(new sdk.iam.ListRolePoliciesCommand({ RoleName: name }))).PolicyNames ?? [];
        for (const p of inline) await iam.send(new sdk.iam.DeleteRolePolicyCommand({ RoleName: name, PolicyName: p }));
        await iam.send(new sdk.iam.DeleteRoleCommand({ RoleName: name }));
      } catch (e) {
        if (awsErrorName(e) === 'NoSuchEntityException' || awsErrorName(e) === 'NoSuchEntity') return;
        throw awsFailure(`Deleting the IAM role ${name}`, e);
      }
    },
    async find(owner, ctx) {
      const name = nameFor(owner);
      return (await kind.ownership(name, owner, ctx)) === 'ours' ? [name] : [];
    },
    describe: (id) => `${what} ${nameOfArn(id)}`,
  };
  return kind;
}

export const roleResource = iamRole(roleName, 'IAM role');
export const schedulerRoleResource = iamRole(schedulerRoleName, 'IAM role of the schedule');

/** Every version of the deployment's layers, with whether its description names `owner`. */
async function layerVersions(prefix: string, ctx: TargetContext, owner?: Owner): Promise<Array<{ arn: string; name: string; version: number; ours: boolean }>> {
  const { lambda, sdk } = await lambdaClients(ctx);
  const out: Array<{ arn: string; name: string; version: number; ours: boolean }> = [];
  try {
    let marker: string | undefined;
    do {
      const page = await lambda.send(new sdk.lambda.ListLayersCommand({ Marker: marker }));
      for (const layer of page.Layers ?? []) {
        if (!layer.LayerName?.startsWith(prefix)) continue;
        let vMarker: string | undefined;
        do {
          const versions = await lambda.send(new sdk.lambda.ListLayerVersionsCommand({ LayerName: layer.LayerName, Marker: vMarker }));
          for (const v of versions.LayerVersions ?? []) {
            out.push({ arn: v.LayerVersionArn!, name: layer.LayerName, version: v.Version!, ours: owner ? layerOwnedBy(v.Description, owner) : false });
          }
          vMarker = versions.NextMarker;
        } while (vMarker);
      }
      marker = page.NextMarker;
    } while (marker);
  } catch (e) {
    throw awsFailure('Listing the Lambda layers', e);
  }
  return out;
}

export const layersResource: ResourceKind & { versions: typeof layerVersions } = {
  billable: false, // stored layer versions count against the account's 75 GB code storage, not billed per hour
  versions: layerVersions,
  async ownership(id, owner, ctx) {
    const all = await layerVersions(id, ctx, owner);
    if (all.length === 0) return 'gone';
    return all.some((v) => v.ours) ? 'ours' : 'theirs';
  },
  async remove(id, ctx) {
    const { lambda, sdk } = await lambdaClients(ctx);
    // Only the versions whose description names this deployment (remove() runs after ownership()).
    const owner = ctx.record ? { root: ctx.record.projectRoot, name: ctx.record.name } : undefined;
    for (const v of await layerVersions(id, ctx, owner)) {
      if (!v.ours) continue;
      await lambda.send(new sdk.lambda.DeleteLayerVersionCommand({ LayerName: v.name, VersionNumber: v.version })).catch((e: unknown) => {
        throw awsFailure(`Deleting the layer version ${v.arn}`, e);
      });
    }
  },
  async find(owner, ctx) {
    const prefix = layerPrefix(owner.name);
    return (await layerVersions(prefix, ctx, owner)).some((v) => v.ours) ? [prefix] : [];
  },
  describe: (id) => `Lambda layers ${id}*`,
};

export const functionResource: ResourceKind = {
  billable: true,
  async ownership(id, owner, ctx): Promise<Ownership> {
    const { lambda, sdk } = await lambdaClients(ctx);
    try {
      const fn = await lambda.send(new sdk.lambda.GetFunctionCommand({ FunctionName: id }));
      return taggedFor(fn.Tags, owner) ? 'ours' : 'theirs';
    } catch (e) {
      if (awsErrorName(e) === 'ResourceNotFoundException') return 'gone';
      throw awsFailure(`Reading the Lambda function ${id}`, e);
    }
  },
  async remove(id, ctx) {
    const { lambda, sdk } = await lambdaClients(ctx);
    try {
      await lambda.send(new sdk.lambda.DeleteFunctionCommand({ FunctionName: id }));
    } catch (e) {
      if (awsErrorName(e) === 'ResourceNotFoundException') return;
      throw awsFailure(`Deleting the Lambda function ${id}`, e);
    }
  },
  async find(owner, ctx) {
    const name = functionName(owner.name);
    return (await functionResource.ownership(name, owner, ctx)) === 'ours' ? [name] : [];
  },
  describe: (id) => `Lambda function ${nameOfArn(id)}`,
};

/** The function's URL, by the function's name: ours when the function is; removing it closes the URL (and its public permission). */
export const urlResource: ResourceKind = {
  billable: false,
  async ownership(id, owner, ctx) {
    const fn = await functionResource.ownership(id, owner, ctx);
    if (fn !== 'ours') return fn;
    const { lambda, sdk } = await lambdaClients(ctx);
    try {
      await lambda.send(new sdk.lambda.GetFunctionUrlConfigCommand({ FunctionName: id }));
      return 'ours';
    } catch (e) {
      if (awsErrorName(e) === 'ResourceNotFoundException') return 'gone';
      throw awsFailure(`Reading the URL of ${id}`, e);
    }
  },
  async remove(id, ctx) {
    const { lambda, sdk } = await lambdaClients(ctx);
    for (const call of [
      () => lambda.send(new sdk.lambda.RemovePermissionCommand({ FunctionName: id, StatementId: URL_PERMISSION_ID })),
      () => lambda.send(new sdk.lambda.DeleteFunctionUrlConfigCommand({ FunctionName: id })),
    ]) {
      await call().catch((e: unknown) => {
        if (awsErrorName(e) !== 'ResourceNotFoundException') throw awsFailure(`Removing the URL of ${id}`, e);
      });
    }
  },
  async find(owner, ctx) {
    const name = functionName(owner.name);
    return (await urlResource.ownership(name, owner, ctx)) === 'ours' ? [name] : [];
  },
  describe: (id) => `function URL of ${nameOfArn(id)}`,
};

/** The schedule, in the default group: ours when its description names the owner (schedules cannot be tagged). */
export const scheduleResource: ResourceKind = {
  billable: false, // EventBridge Scheduler's first 14 million invocations a month are free; the runs bill as Lambda calls
  async ownership(id, owner, ctx) {
    const { scheduler, sdk } = await lambdaClients(ctx);
    try {
      const s = await scheduler.send(new sdk.scheduler.GetScheduleCommand({ Name: id }));
      return scheduleOwnedBy(s.Description, owner) ? 'ours' : 'theirs';
    } catch (e) {
      if (awsErrorName(e) === 'ResourceNotFoundException') return 'gone';
      throw awsFailure(`Reading the schedule ${id}`, e);
    }
  },
  async remove(id, ctx) {
    const { scheduler, sdk } = await lambdaClients(ctx);
    try {
      await scheduler.send(new sdk.scheduler.DeleteScheduleCommand({ Name: id }));
    } catch (e) {
      if (awsErrorName(e) === 'ResourceNotFoundException') return;
      throw awsFailure(`Deleting the schedule ${id}`, e);
    }
  },
  async find(owner, ctx) {
    const name = scheduleName(owner);
    // A sweep without a record also asks here; an identity that may not read schedules has none of ours to find.
    const found = await scheduleResource.ownership(name, owner, ctx).catch((e: unknown) => (/AccessDenied/.test(String((e as { cause?: { name?: string } }).cause?.name)) ? 'gone' : Promise.reject(e)));
    return found === 'ours' ? [name] : [];
  },
  describe: (id) => `schedule ${id}`,
};
