import { randomBytes } from 'node:crypto';
import { AwsError } from './faults';
import { AwsDouble } from './http';
import { awsJsonProtocol, type JsonHandler } from './json';
import { RegistryReader, type RegistryImage } from './ecrRegistry';

/**
 * Test double of Amazon ECR's control plane, driven by the real @aws-sdk/client-ecr (awsJson1_1,
 * `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>`), in front of a REAL registry
 * (e.g. test/support/registry.ts's docker-registry) that holds the images: what is pushed with
 * `docker push` lands there, and DescribeImages reads it back through the registry's HTTP API v2.
 *
 * Operations: CreateRepository, DescribeRepositories, DeleteRepository, ListTagsForResource,
 * TagResource, GetAuthorizationToken, DescribeImages.
 *
 * Where it differs from ECR, on purpose:
 * - repositoryUri is `<registry>/<name>` (e.g. 127.0.0.1:PORT/name), not
 *   `<account>.dkr.ecr.<region>.amazonaws.com/<name>`, so a push really reaches the local registry;
 *   proxyEndpoint is `http://<registry>` (the registry speaks plain HTTP on loopback).
 * - GetAuthorizationToken's token is base64 of `<username>:<password>`, the registry's own
 *   credentials: start the registry with username `AWS` (the default here, and the user name of
 *   every real ECR token) and the token is exactly ECR's `AWS:<password>`.
 * - The registry accepts a push to any name; ECR refuses one to a repository that was not created
 *   ("name unknown: The repository with name 'X' does not exist in the registry with id 'Y'",
 *   aws-actions/amazon-ecr-login#166). Images pushed to a name the double does not know are simply
 *   not seen. imageTagMutability is recorded, not enforced (the registry lets a tag move).
 * - DescribeImages sees tagged images only (the registry API lists tags, not untagged manifests)
 *   unless asked for a digest; imagePushedAt is when the double first saw the digest.
 * - DeleteRepository with force deletes the repository's manifests from the registry (when its
 *   storage allows deletes; otherwise they stay) and forgets the repository.
 *
 * Error texts (all 400, `{"__type", "message"}`), as users quote them:
 * - RepositoryAlreadyExistsException "The repository with name 'X' already exists in the registry
 *   with id 'ACCOUNT'" (CircleCI-Public/aws-ecr-orb#22, testground/testground#536)
 * - RepositoryNotFoundException "The repository with name 'X' does not exist in the registry with
 *   id 'ACCOUNT'" (aws-actions/amazon-ecr-login#166 and plexsystems/sinker#55 through the registry
 *   API; the same words from DescribeRepositories in ECR emulators)
 * - RepositoryNotEmptyException "The repository with name 'X' in registry with id 'ACCOUNT' cannot
 *   be deleted because it still contains images" (hashicorp/terraform-provider-aws#33523,
 *   pulumi/pulumi-aws-native#1270)
 * - ImageNotFoundException "The image with imageId {imageDigest:'null', imageTag:'latest'} does not
 *   exist within the repository with name 'X' in the registry with id 'ACCOUNT'"
 *   (hashicorp/terraform-provider-aws#35268)
 * - InvalidParameterException "Invalid parameter at 'repositoryName' failed to satisfy constraint:
 *   'must satisfy regular expression '…''" (localstack/localstack#8051, jenkins-x/jx#1344), "…
 *   'must have length greater than or equal to 2'" (aws/aws-dotnet-deploy#549), and for a digest
 *   "Invalid parameter at 'imageDigest' failed to satisfy constraint: 'must satisfy regular
 *   expression '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+''" (pulumi/pulumi-aws#2466, prowler-cloud/prowler#603)
 * Token lifetime: "The authorization token is valid for 12 hours." (GetAuthorizationToken, ECR API
 * reference); `expiresAt` is "The Unix time in seconds and milliseconds when the authorization token
 * expires" (AuthorizationData).
 */

export interface EcrDoubleOptions {
  /** host:port of the real registry behind the double (TestRegistry.host). */
  registry: string;
  /** The registry's user (htpasswd); default 'AWS', as in every ECR token. */
  username?: string;
  /** The registry's password; without one the registry is taken to need no auth, and the token
   * carries a random password (any login to an open registry succeeds). */
  password?: string;
  accountId?: string;
  region?: string;
}

export interface EcrRepositoryView {
  name: string;
  uri: string;
  arn: string;
  /** Resource tags (CreateRepository tags, TagResource). */
  tags: Record<string, string>;
  imageTagMutability: string;
  scanOnPush: boolean;
}

interface StoredRepository {
  name: string;
  arn: string;
  uri: string;
  createdAt: number;
  imageTagMutability: string;
  scanOnPush: boolean;
  encryption: { encryptionType: string; kmsKey?: string };
  tags: Map<string, string>;
}

interface Settings {
  registry: string;
  username: string;
  password: string;
  accountId: string;
  region: string;
}

const TOKEN_LIFETIME_S = 12 * 60 * 60;
const NAME_PATTERN = '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*';
const NAME = new RegExp(`^${NAME_PATTERN}$`);
const DIGEST_PATTERN = '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+';
const DIGEST = new RegExp(`^${DIGEST_PATTERN}$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export class EcrDouble extends AwsDouble {
  private constructor(
    private readonly settings: Settings,
    private readonly repos: Map<string, StoredRepository>,
  ) {
    const reader = new RegistryReader(settings.registry, settings.password === '' ? undefined : settings);
    const withToken = { ...settings, password: settings.password || `ecr-double-${randomBytes(12).toString('hex')}` };
    super(awsJsonProtocol({ targetPrefix: 'AmazonEC2ContainerRegistry_V20150921', throttleStatus: 400, handlers: handlers(withToken, repos, reader) }));
  }

  static async start(opts: EcrDoubleOptions): Promise<EcrDouble> {
    if (!/^[^/\s:]+:\d+$/.test(opts.registry)) throw new Error(`registry must be host:port (e.g. 127.0.0.1:5000), got ${opts.registry}`);
    const double = new EcrDouble(
      {
        registry: opts.registry,
        username: opts.username ?? 'AWS',
        password: opts.password ?? '',
        accountId: opts.accountId ?? '123456789012',
        region: opts.region ?? 'us-east-1',
      },
      new Map(),
    );
    await double.listen();
    return double;
  }

  /** host:port of the registry the repositories live in. */
  get registry(): string {
    return this.settings.registry;
  }

  /** The repositories that exist now, in creation order. */
  repositories(): EcrRepositoryView[] {
    return [...this.repos.values()].map((r) => ({
      name: r.name,
      uri: r.uri,
      arn: r.arn,
      tags: Object.fromEntries(r.tags),
      imageTagMutability: r.imageTagMutability,
      scanOnPush: r.scanOnPush,
    }));
  }
}

function handlers(settings: Settings, repos: Map<string, StoredRepository>, reader: RegistryReader): Record<string, JsonHandler> {
  const { accountId, region, registry } = settings;
  const registryIdOf = (params: Record<string, unknown>) => (typeof params.registryId === 'string' ? params.registryId : accountId);
  const notFound = (name: string, id = accountId) =>
    new AwsError(400, 'RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${id}'`);
  const find = (params: Record<string, unknown>): StoredRepository => {
    const name = repositoryName(params);
    const repo = repos.get(name);
    if (!repo) throw notFound(name, registryIdOf(params));
    return repo;
  };
  const byArn = (params: Record<string, unknown>): StoredRepository => {
    const arn = typeof params.resourceArn === 'string' ? params.resourceArn : '';
    const match = /^arn:aws[a-z-]*:ecr:[^:]*:(\d{12}):repository\/(.+)$/.exec(arn);
    // (unverified) ECR's words for an ARN that is not a repository's.
    if (!match) throw invalidParameter('resourceArn', 'Invalid ARN');
    const repo = repos.get(match[2]!);
    if (!repo || repo.arn !== arn) throw notFound(match[2]!, match[1]);
    return repo;
  };
  const view = (repo: StoredRepository) => ({
    repositoryArn: repo.arn,
    registryId: accountId,
    repositoryName: repo.name,
    repositoryUri: repo.uri,
    createdAt: repo.createdAt,
    imageTagMutability: repo.imageTagMutability,
    imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
    encryptionConfiguration: repo.encryption,
  });
  /** First time the double saw each digest: ECR's imagePushedAt as near as the registry lets us. */
  const firstSeen = new Map<string, number>();
  const detail = (repo: StoredRepository, image: RegistryImage, tags: string[]) => {
    if (!firstSeen.has(image.digest)) firstSeen.set(image.digest, Date.now() / 1000);
    return {
      registryId: accountId,
      repositoryName: repo.name,
      imageDigest: image.digest,
      ...(tags.length > 0 ? { imageTags: tags } : {}),
      imageSizeInBytes: image.sizeInBytes,
      imagePushedAt: firstSeen.get(image.digest),
      imageManifestMediaType: image.manifestMediaType,
      ...(image.artifactMediaType ? { artifactMediaType: image.artifactMediaType } : {}),
    };
  };
  /** Every tag of the repository, grouped by the digest it points at. */
  const tagsByDigest = async (name: string): Promise<Map<string, string[]>> => {
    const groups = new Map<string, string[]>();
    for (const tag of await reader.tags(name)) {
      const digest = await reader.digestOf(name, tag);
      if (digest) groups.set(digest, [...(groups.get(digest) ?? []), tag]);
    }
    return groups;
  };

  return {
    CreateRepository: (params) => {
      const name = repositoryName(params);
      if (repos.has(name)) {
        throw new AwsError(400, 'RepositoryAlreadyExistsException', `The repository with name '${name}' already exists in the registry with id '${registryIdOf(params)}'`);
      }
      const scanning = object(params.imageScanningConfiguration);
      const encryption = object(params.encryptionConfiguration);
      const repo: StoredRepository = {
        name,
        arn: `arn:aws:ecr:${region}:${accountId}:repository/${name}`,
        uri: `${registry}/${name}`,
        createdAt: Date.now() / 1000,
        imageTagMutability: typeof params.imageTagMutability === 'string' ? params.imageTagMutability : 'MUTABLE',
        scanOnPush: scanning?.scanOnPush === true,
        encryption: {
          encryptionType: typeof encryption?.encryptionType === 'string' ? encryption.encryptionType : 'AES256',
          ...(typeof encryption?.kmsKey === 'string' ? { kmsKey: encryption.kmsKey } : {}),
        },
        tags: tagMap(params.tags),
      };
      repos.set(name, repo);
      return { repository: view(repo) };
    },
    DescribeRepositories: (params) => {
      const names = Array.isArray(params.repositoryNames) ? (params.repositoryNames as unknown[]).map(String) : undefined;
      if (names) {
        const missing = names.find((name) => !repos.has(name));
        if (missing !== undefined) throw notFound(missing, registryIdOf(params));
        return { repositories: names.map((name) => view(repos.get(name)!)) };
      }
      const { items, nextToken } = page([...repos.values()], params);
      return { repositories: items.map(view), nextToken };
    },
    DeleteRepository: async (params) => {
      const repo = find(params);
      const groups = await tagsByDigest(repo.name);
      if (groups.size > 0 && params.force !== true) {
        throw new AwsError(400, 'RepositoryNotEmptyException', `The repository with name '${repo.name}' in registry with id '${registryIdOf(params)}' cannot be deleted because it still contains images`);
      }
      for (const digest of groups.keys()) await reader.deleteManifest(repo.name, digest);
      // Another DeleteRepository may have finished while the registry answered.
      if (repos.get(repo.name) !== repo) throw notFound(repo.name, registryIdOf(params));
      repos.delete(repo.name);
      return { repository: view(repo) };
    },
    ListTagsForResource: (params) => ({ tags: [...byArn(params).tags].map(([Key, Value]) => ({ Key, Value })) }),
    TagResource: (params) => {
      const repo = byArn(params);
      for (const [key, value] of tagMap(params.tags)) repo.tags.set(key, value);
      return {};
    },
    GetAuthorizationToken: () => ({
      authorizationData: [
        {
          authorizationToken: Buffer.from(`${settings.username}:${settings.password}`).toString('base64'),
          expiresAt: Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S,
          proxyEndpoint: `http://${registry}`,
        },
      ],
    }),
    DescribeImages: async (params) => {
      const repo = find(params);
      const ids = Array.isArray(params.imageIds) ? (params.imageIds as unknown[]).map((id) => object(id) ?? {}) : undefined;
      if (ids) {
        const details = [];
        for (const id of ids) {
          const digest = typeof id.imageDigest === 'string' ? id.imageDigest : undefined;
          const tag = typeof id.imageTag === 'string' ? id.imageTag : undefined;
          if (digest !== undefined && !DIGEST.test(digest)) throw invalidParameter('imageDigest', `must satisfy regular expression '${DIGEST_PATTERN}'`);
          const reference = digest ?? tag;
          // A tag the registry could never hold (its grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) is not looked up.
          const image = reference && (digest !== undefined || TAG.test(reference)) ? await reader.image(repo.name, reference) : undefined;
          // (unverified) a list with some ids found and some not: ECR's answer is not documented;
          // the double fails the whole call on the first missing one.
          if (!image || (digest && tag && (await reader.digestOf(repo.name, tag)) !== image.digest)) {
            throw new AwsError(
              400,
              'ImageNotFoundException',
              `The image with imageId {imageDigest:'${digest ?? 'null'}', imageTag:'${tag ?? 'null'}'} does not exist within the repository with name '${repo.name}' in the registry with id '${registryIdOf(params)}'`,
            );
          }
          const groups = await tagsByDigest(repo.name);
          details.push(detail(repo, image, groups.get(image.digest) ?? []));
        }
        return { imageDetails: details };
      }
      const tagStatus = object(params.filter)?.tagStatus;
      if (tagStatus === 'UNTAGGED') return { imageDetails: [] };
      const groups = [...(await tagsByDigest(repo.name))];
      const { items, nextToken } = page(groups, params);
      const details = [];
      for (const [digest, tags] of items) {
        const image = await reader.image(repo.name, digest);
        if (image) details.push(detail(repo, image, tags));
      }
      return { imageDetails: details, nextToken };
    },
  };
}

function repositoryName(params: Record<string, unknown>): string {
  const name = typeof params.repositoryName === 'string' ? params.repositoryName : '';
  if (name.length < 2) throw invalidParameter('repositoryName', 'must have length greater than or equal to 2');
  if (name.length > 256) throw invalidParameter('repositoryName', 'must have length less than or equal to 256');
  if (!NAME.test(name)) throw invalidParameter('repositoryName', `must satisfy regular expression '${NAME_PATTERN}'`);
  return name;
}

function invalidParameter(field: string, constraint: string): AwsError {
  return new AwsError(400, 'InvalidParameterException', `Invalid parameter at '${field}' failed to satisfy constraint: '${constraint}'`);
}

function object(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** ECR's tags are `[{Key, Value}]`, capitalised unlike the rest of its JSON. */
function tagMap(tags: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (!Array.isArray(tags)) return map;
  for (const tag of tags as unknown[]) {
    const t = object(tag);
    if (typeof t?.Key === 'string') map.set(t.Key, typeof t.Value === 'string' ? t.Value : '');
  }
  return map;
}

/** maxResults (1–1000, default 100) and an opaque nextToken, as DescribeRepositories and DescribeImages page. */
function page<T>(items: T[], params: Record<string, unknown>): { items: T[]; nextToken?: string } {
  const max = typeof params.maxResults === 'number' ? params.maxResults : 100;
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw invalidParameter('maxResults', 'must be between 1 and 1000'); // (unverified)
  const start = typeof params.nextToken === 'string' ? Number(Buffer.from(params.nextToken, 'base64').toString('utf8')) || 0 : 0;
  const end = start + max;
  return { items: items.slice(start, end), nextToken: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined };
}
