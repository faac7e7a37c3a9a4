import { taggedFor, ownerTags, type Owner } from '../../core/owner';
import { awsFailure, type AwsSession } from '../../clouds/aws/session';
import type { RegistryCredentials } from '../image/push';
import type { ResourceKind, TargetContext } from '../Target';
import { awsErrorName, lambdaClients } from './clients';
import { repositoryName } from './names';

type EcrSdk = typeof import('@aws-sdk/client-ecr');

/** The ECR client of a session, loaded only for image mode. */
async function ecrOf(session: AwsSession) {
  const sdk = await import('@aws-sdk/client-ecr');
  return { sdk, client: new sdk.ECRClient(session.config() as never) };
}

type Ecr = { sdk: EcrSdk; client: InstanceType<EcrSdk['ECRClient']> };

async function describe(ecr: Ecr, name: string) {
  try {
    return (await ecr.client.send(new ecr.sdk.DescribeRepositoriesCommand({ repositoryNames: [name] }))).repositories?.[0];
  } catch (e) {
    if (awsErrorName(e) === 'RepositoryNotFoundException') return undefined;
    throw awsFailure(`Reading the ECR repository ${name}`, e);
  }
}

async function tagsOf(ecr: Ecr, arn: string): Promise<Record<string, string>> {
  const tags = (await ecr.client.send(new ecr.sdk.ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? [];
  return Object.fromEntries(tags.map((t) => [t.Key!, t.Value ?? '']));
}

/** Creates the deployment's repository (tagged) or reuses it; refuses one that is not ours. Returns its URI. */
export async function ensureRepository(session: AwsSession, name: string, owner: Owner): Promise<string> {
  const ecr = await ecrOf(session);
  const existing = await describe(ecr, name);
  if (existing) {
    if (!taggedFor(await tagsOf(ecr, existing.repositoryArn!), owner)) {
      throw awsFailure(`Creating the ECR repository ${name}`, new Error('a repository of that name exists and is not this deployment\'s; choose another deployment name'));
    }
    return existing.repositoryUri!;
  }
  try {
    const created = await ecr.client.send(
      new ecr.sdk.CreateRepositoryCommand({ repositoryName: name, imageTagMutability: 'MUTABLE', tags: Object.entries(ownerTags(owner)).map(([Key, Value]) => ({ Key, Value })) }),
    );
    return created.repository!.repositoryUri!;
  } catch (e) {
    throw awsFailure(`Creating the ECR repository ${name}`, e);
  }
}

/** A registry login for a push, from ECR's authorization token ("AWS:<password>", valid 12 hours). Never recorded. */
export async function registryLogin(session: AwsSession): Promise<{ registry: string; credentials: RegistryCredentials }> {
  const ecr = await ecrOf(session);
  try {
    const data = (await ecr.client.send(new ecr.sdk.GetAuthorizationTokenCommand({}))).authorizationData?.[0];
    const [username, password] = Buffer.from(data!.authorizationToken!, 'base64').toString('utf8').split(/:(.*)/s);
    return { registry: new URL(data!.proxyEndpoint!).host, credentials: { username: username!, password: password! } };
  } catch (e) {
    throw awsFailure('Signing in to Amazon ECR', e);
  }
}

/** The size ECR reports for a pushed image (Lambda's quota is 10 GB). */
export async function imageSize(session: AwsSession, name: string, digest: string): Promise<number | undefined> {
  const ecr = await ecrOf(session);
  const out = await ecr.client.send(new ecr.sdk.DescribeImagesCommand({ repositoryName: name, imageIds: [{ imageDigest: digest }] })).catch(() => undefined);
  return out?.imageDetails?.[0]?.imageSizeInBytes;
}

export const repositoryResource: ResourceKind = {
  billable: true, // ECR bills storage per GB-month
  async ownership(id, owner, ctx) {
    const ecr = await ecrOf((await lambdaClients(ctx)).session);
    const repo = await describe(ecr, id);
    if (!repo) return 'gone';
    return taggedFor(await tagsOf(ecr, repo.repositoryArn!), owner) ? 'ours' : 'theirs';
  },
  async remove(id, ctx) {
    const ecr = await ecrOf((await lambdaClients(ctx)).session);
    try {
      // force: the images go with it (they are this deployment's builds)
      await ecr.client.send(new ecr.sdk.DeleteRepositoryCommand({ repositoryName: id, force: true }));
    } catch (e) {
      if (awsErrorName(e) === 'RepositoryNotFoundException') return;
      throw awsFailure(`Deleting the ECR repository ${id}`, e);
    }
  },
  async find(owner, ctx: TargetContext) {
    const name = repositoryName(owner.name);
    // A sweep without a record also asks here; an identity that may not read ECR has no repository of ours to find.
    const found = await repositoryResource.ownership(name, owner, ctx).catch((e: unknown) => (/AccessDenied/.test(String((e as { cause?: { name?: string } }).cause?.name)) ? 'gone' : Promise.reject(e)));
    return found === 'ours' ? [name] : [];
  },
  describe: (id) => `ECR repository ${id}`,
};
