// The ECR double's contract, driven only through the real @aws-sdk/client-ecr pointed at the
// double's 127.0.0.1 endpoint. Images live in a real docker-registry (test/support/registry.ts):
// pushed through its HTTP API v2 here, and, when a Docker engine runs, with `docker push` using
// the token's credentials. Image functions of the Lambda double take the repository's URI. The
// SDKs are imported lazily, as the lint rule for cloud SDKs asks everywhere.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { EcrDouble, type EcrDoubleOptions } from '../../doubles/aws/ecr';
import { LambdaDouble, zipOf, type InvokedFunction, type LambdaInvokeHandler } from '../../doubles/aws/lambda';
import { startRegistry, type TestRegistry } from '../../support/registry';

const run = promisify(execFile);
let sdk: typeof import('@aws-sdk/client-ecr');
let lambdaSdk: typeof import('@aws-sdk/client-lambda');
beforeAll(async () => {
  sdk = await import('@aws-sdk/client-ecr');
  lambdaSdk = await import('@aws-sdk/client-lambda');
});

const ACCOUNT = '123456789012';
const USER = 'AWS';
const PASSWORD = `ecr-double-${process.pid}`;
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' };
/** A registry address nothing listens on: the control-plane cases never reach it. */
const NO_REGISTRY = '127.0.0.1:9';

const open: Array<EcrDouble | LambdaDouble> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function setup(opts: EcrDoubleOptions, maxAttempts?: number): Promise<{ double: EcrDouble; client: ECRClient }> {
  const double = await EcrDouble.start(opts);
  open.push(double);
  return { double, client: new sdk.ECRClient({ region: 'us-east-1', endpoint: double.endpoint, credentials: CREDENTIALS, maxAttempts }) };
}

async function failure(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await call;
  } catch (e) {
    return e as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Uploads an image (one config blob, the given layers, an OCI manifest) through the registry's
 * HTTP API v2, as any registry client would; returns its digest and its blobs' total size. */
async function pushViaApi(registry: TestRegistry, repository: string, tag: string, layers: Buffer[]): Promise<{ digest: string; size: number }> {
  const base = `http://${registry.host}`;
  const auth = { Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` };
  const putBlob = async (data: Buffer) => {
    const started = await fetch(`${base}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: auth });
    expect(started.status).toBe(202);
    const location = new URL(started.headers.get('location')!, base);
    location.searchParams.set('digest', sha256(data));
    const put = await fetch(location, { method: 'PUT', headers: { ...auth, 'Content-Type': 'application/octet-stream' }, body: data });
    expect(put.status).toBe(201);
    return { digest: sha256(data), size: data.length };
  };
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const configBlob = await putBlob(config);
  const layerBlobs = [];
  for (const layer of layers) layerBlobs.push(await putBlob(layer));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
    layers: layerBlobs.map((b) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...b })),
  });
  const put = await fetch(`${base}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...auth, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  expect(put.status).toBe(201);
  return { digest: sha256(manifest), size: config.length + layers.reduce((n, l) => n + l.length, 0) };
}

describe('EcrDouble: repositories, tags and tokens', () => {
  it('creates, describes, tags and lists repositories with ECR shapes; the URI names the real registry', async () => {
    const { double, client } = await setup({ registry: NO_REGISTRY });
    const created = await client.send(
      new sdk.CreateRepositoryCommand({
        repositoryName: 'rdeploy/churn',
        tags: [{ Key: 'rdeploy:deployment', Value: 'churn' }],
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
    expect(created.repository).toMatchObject({
      repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/rdeploy/churn`,
      registryId: ACCOUNT,
      repositoryName: 'rdeploy/churn',
      repositoryUri: `${NO_REGISTRY}/rdeploy/churn`,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    expect(created.repository?.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(created.repository!.createdAt!.getTime() - Date.now())).toBeLessThan(60_000);
    await client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'other' }));

    const all = await client.send(new sdk.DescribeRepositoriesCommand({}));
    expect(all.repositories?.map((r) => [r.repositoryName, r.imageTagMutability])).toEqual([['rdeploy/churn', 'IMMUTABLE'], ['other', 'MUTABLE']]);
    const paged = await client.send(new sdk.DescribeRepositoriesCommand({ maxResults: 1 }));
    expect(paged.repositories).toHaveLength(1);
    const rest = await client.send(new sdk.DescribeRepositoriesCommand({ maxResults: 1, nextToken: paged.nextToken }));
    expect(rest.repositories?.map((r) => r.repositoryName)).toEqual(['other']);
    expect(rest.nextToken).toBeUndefined();
    const one = await client.send(new sdk.DescribeRepositoriesCommand({ repositoryNames: ['other'] }));
    expect(one.repositories?.map((r) => r.repositoryUri)).toEqual([`${NO_REGISTRY}/other`]);

    const arn = created.repository!.repositoryArn!;
    await client.send(new sdk.TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'team', Value: 'risk' }, { Key: 'rdeploy:deployment', Value: 'churn2' }] }));
    const tags = await client.send(new sdk.ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags.tags).toEqual([{ Key: 'rdeploy:deployment', Value: 'churn2' }, { Key: 'team', Value: 'risk' }]);
    expect(double.repositories()[0]).toEqual({
      name: 'rdeploy/churn',
      uri: `${NO_REGISTRY}/rdeploy/churn`,
      arn,
      tags: { 'rdeploy:deployment': 'churn2', team: 'risk' },
      imageTagMutability: 'IMMUTABLE',
      scanOnPush: true,
    });
    expect(double.calls().map((c) => c.operation)).toEqual([
      'CreateRepository',
      'CreateRepository',
      'DescribeRepositories',
      'DescribeRepositories',
      'DescribeRepositories',
      'DescribeRepositories',
      'TagResource',
      'ListTagsForResource',
    ]);
    expect(double.calls('TagResource')[0]?.params).toMatchObject({ resourceArn: arn });
  });

  it("answers with ECR's exceptions and texts", async () => {
    const { client } = await setup({ registry: NO_REGISTRY });
    await client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'churn' }));

    const again = await failure(client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'churn' })));
    expect(again).toBeInstanceOf(sdk.RepositoryAlreadyExistsException);
    expect(again.message).toBe(`The repository with name 'churn' already exists in the registry with id '${ACCOUNT}'`);
    expect(again.$metadata.httpStatusCode).toBe(400);

    const missing = await failure(client.send(new sdk.DescribeRepositoriesCommand({ repositoryNames: ['churn', 'nope'] })));
    expect(missing).toBeInstanceOf(sdk.RepositoryNotFoundException);
    expect(missing.message).toBe(`The repository with name 'nope' does not exist in the registry with id '${ACCOUNT}'`);
    const deleteMissing = await failure(client.send(new sdk.DeleteRepositoryCommand({ repositoryName: 'nope' })));
    expect(deleteMissing).toBeInstanceOf(sdk.RepositoryNotFoundException);
    const imagesMissing = await failure(client.send(new sdk.DescribeImagesCommand({ repositoryName: 'nope' })));
    expect(imagesMissing).toBeInstanceOf(sdk.RepositoryNotFoundException);
    const tagsMissing = await failure(client.send(new sdk.ListTagsForResourceCommand({ resourceArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/nope` })));
    expect(tagsMissing).toBeInstanceOf(sdk.RepositoryNotFoundException);

    const upper = await failure(client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'Churn' })));
    expect(upper).toBeInstanceOf(sdk.InvalidParameterException);
    expect(upper.message).toBe(
      "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''",
    );
    const short = await failure(client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'a' })));
    expect(short.message).toBe("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater than or equal to 2'");
    const badDigest = await failure(client.send(new sdk.DescribeImagesCommand({ repositoryName: 'churn', imageIds: [{ imageDigest: 'latest' }] })));
    expect(badDigest).toBeInstanceOf(sdk.InvalidParameterException);
    expect(badDigest.message).toBe("Invalid parameter at 'imageDigest' failed to satisfy constraint: 'must satisfy regular expression '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+''");
  });

  it('hands out a 12-hour token of AWS:<password> for http://<registry>', async () => {
    const { client } = await setup({ registry: NO_REGISTRY, password: PASSWORD, accountId: '210987654321' });
    const before = Date.now();
    const { authorizationData } = await client.send(new sdk.GetAuthorizationTokenCommand({}));
    expect(authorizationData).toHaveLength(1);
    const [data] = authorizationData!;
    expect(Buffer.from(data!.authorizationToken!, 'base64').toString('utf8')).toBe(`AWS:${PASSWORD}`);
    expect(data!.proxyEndpoint).toBe(`http://${NO_REGISTRY}`);
    const lifetime = data!.expiresAt!.getTime() - before;
    expect(lifetime).toBeGreaterThan(12 * 3600_000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(12 * 3600_000 + 1_000);

    // Without a password (an open registry) the token still has ECR's form.
    const { client: openClient } = await setup({ registry: NO_REGISTRY });
    const token = (await openClient.send(new sdk.GetAuthorizationTokenCommand({}))).authorizationData![0]!.authorizationToken!;
    expect(Buffer.from(token, 'base64').toString('utf8')).toMatch(/^AWS:\S+$/);
  });

  it('throttles and fails as told, in the awsJson format the SDK classifies', async () => {
    const { double, client } = await setup({ registry: NO_REGISTRY }, 2);
    double.injectFault({ operation: 'CreateRepository', kind: 'throttle' });
    await client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'churn' }));
    expect(double.calls('CreateRepository')).toHaveLength(2);
    double.injectFault({ operation: 'GetAuthorizationToken', kind: 'error', status: 400, code: 'AccessDeniedException', message: 'no' });
    const denied = await failure(client.send(new sdk.GetAuthorizationTokenCommand({})));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.$metadata.attempts).toBe(1);
  });
});

describe('EcrDouble in front of a real registry', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: { username: USER, password: PASSWORD } });
  }, 30_000);
  afterAll(async () => {
    await registry?.stop();
  });

  it('describes pushed images by tag, by digest and all: digest, tags, and layers + config as the size', async () => {
    const { client } = await setup({ registry: registry.host, password: PASSWORD });
    await client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'rdeploy/sizes' }));
    const pushed = await pushViaApi(registry, 'rdeploy/sizes', 'v1', [Buffer.alloc(1000, 1), Buffer.alloc(2345, 2)]);
    const other = await pushViaApi(registry, 'rdeploy/sizes', 'v2', [Buffer.alloc(10, 3)]);
    await pushViaApi(registry, 'rdeploy/sizes', 'latest', [Buffer.alloc(10, 3)]);
    expect(await registry.manifestDigest('rdeploy/sizes', 'v1')).toBe(pushed.digest);

    const byTag = await client.send(new sdk.DescribeImagesCommand({ repositoryName: 'rdeploy/sizes', imageIds: [{ imageTag: 'v1' }] }));
    expect(byTag.imageDetails).toEqual([
      expect.objectContaining({
        registryId: ACCOUNT,
        repositoryName: 'rdeploy/sizes',
        imageDigest: pushed.digest,
        imageTags: ['v1'],
        imageSizeInBytes: pushed.size,
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactMediaType: 'application/vnd.oci.image.config.v1+json',
      }),
    ]);
    expect(byTag.imageDetails![0]!.imagePushedAt).toBeInstanceOf(Date);
    const byDigest = await client.send(new sdk.DescribeImagesCommand({ repositoryName: 'rdeploy/sizes', imageIds: [{ imageDigest: other.digest }] }));
    expect(byDigest.imageDetails?.map((d) => [d.imageDigest, d.imageTags, d.imageSizeInBytes])).toEqual([[other.digest, ['latest', 'v2'], other.size]]);
    const all = await client.send(new sdk.DescribeImagesCommand({ repositoryName: 'rdeploy/sizes' }));
    expect(all.imageDetails?.map((d) => d.imageDigest).sort()).toEqual([pushed.digest, other.digest].sort());

    const missingTag = await failure(client.send(new sdk.DescribeImagesCommand({ repositoryName: 'rdeploy/sizes', imageIds: [{ imageTag: 'v9' }] })));
    expect(missingTag).toBeInstanceOf(sdk.ImageNotFoundException);
    expect(missingTag.message).toBe(
      `The image with imageId {imageDigest:'null', imageTag:'v9'} does not exist within the repository with name 'rdeploy/sizes' in the registry with id '${ACCOUNT}'`,
    );
    const absent = sha256('absent');
    const missingDigest = await failure(client.send(new sdk.DescribeImagesCommand({ repositoryName: 'rdeploy/sizes', imageIds: [{ imageDigest: absent }] })));
    expect(missingDigest.message).toBe(
      `The image with imageId {imageDigest:'${absent}', imageTag:'null'} does not exist within the repository with name 'rdeploy/sizes' in the registry with id '${ACCOUNT}'`,
    );
    const mismatch = await failure(client.send(new sdk.DescribeImagesCommand({ repositoryName: 'rdeploy/sizes', imageIds: [{ imageDigest: pushed.digest, imageTag: 'v2' }] })));
    expect(mismatch).toBeInstanceOf(sdk.ImageNotFoundException);

    const emptyRepo = await client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'rdeploy/empty' }));
    expect((await client.send(new sdk.DescribeImagesCommand({ repositoryName: 'rdeploy/empty' }))).imageDetails).toEqual([]);
    expect(emptyRepo.repository?.repositoryUri).toBe(`${registry.host}/rdeploy/empty`);
  });

  it('refuses to delete a repository with images unless forced; forced, its images leave the registry too', async () => {
    const { double, client } = await setup({ registry: registry.host, password: PASSWORD });
    await client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'rdeploy/gone' }));
    await client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'rdeploy/never-pushed' }));
    await pushViaApi(registry, 'rdeploy/gone', 'v1', [Buffer.from('layer')]);

    const refused = await failure(client.send(new sdk.DeleteRepositoryCommand({ repositoryName: 'rdeploy/gone' })));
    expect(refused).toBeInstanceOf(sdk.RepositoryNotEmptyException);
    expect(refused.message).toBe(`The repository with name 'rdeploy/gone' in registry with id '${ACCOUNT}' cannot be deleted because it still contains images`);

    const deleted = await client.send(new sdk.DeleteRepositoryCommand({ repositoryName: 'rdeploy/gone', force: true }));
    expect(deleted.repository?.repositoryName).toBe('rdeploy/gone');
    expect(await registry.manifestDigest('rdeploy/gone', 'v1')).toBeUndefined();
    await client.send(new sdk.DeleteRepositoryCommand({ repositoryName: 'rdeploy/never-pushed' }));
    expect(double.repositories()).toEqual([]);
    // Made again, it starts empty.
    await client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'rdeploy/gone' }));
    expect((await client.send(new sdk.DescribeImagesCommand({ repositoryName: 'rdeploy/gone' }))).imageDetails).toEqual([]);
  });

  it('image functions: the Lambda double takes the repository URI, hands it to onInvoke, and updates it', async () => {
    const { client } = await setup({ registry: registry.host, password: PASSWORD });
    const repo = (await client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'rdeploy/fn' }))).repository!;
    await pushViaApi(registry, 'rdeploy/fn', 'v1', [Buffer.from('one')]);
    await pushViaApi(registry, 'rdeploy/fn', 'v2', [Buffer.from('two')]);
    const seen: InvokedFunction[] = [];
    const onInvoke: LambdaInvokeHandler = async (fn, payload) => {
      seen.push(fn);
      return { payload, logLines: [] };
    };
    const lambda = await LambdaDouble.start({ onInvoke, settleMs: 0 });
    open.push(lambda);
    const fns = new lambdaSdk.LambdaClient({ region: 'us-east-1', endpoint: lambda.endpoint, credentials: CREDENTIALS });
    const ROLE = `arn:aws:iam::${ACCOUNT}:role/rdeploy-exec`;
    const WAIT = { maxWaitTime: 5, minDelay: 0.05, maxDelay: 0.2 };

    const withRuntime = await failure(
      fns.send(new lambdaSdk.CreateFunctionCommand({ FunctionName: 'img', PackageType: 'Image', Role: ROLE, Runtime: 'provided.al2023', Handler: 'score.R', Code: { ImageUri: `${repo.repositoryUri}:v1` } })),
    );
    expect(withRuntime).toBeInstanceOf(lambdaSdk.InvalidParameterValueException);
    expect(withRuntime.message).toBe("Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.");
    const withLayers = await failure(
      fns.send(new lambdaSdk.CreateFunctionCommand({ FunctionName: 'img', PackageType: 'Image', Role: ROLE, Layers: [`arn:aws:lambda:us-east-1:${ACCOUNT}:layer:r:1`], Code: { ImageUri: `${repo.repositoryUri}:v1` } })),
    );
    expect(withLayers.message).toBe("Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.");
    const noUri = await failure(fns.send(new lambdaSdk.CreateFunctionCommand({ FunctionName: 'img', PackageType: 'Image', Role: ROLE, Code: {} })));
    expect(noUri).toBeInstanceOf(lambdaSdk.InvalidParameterValueException);
    expect(noUri.message).toBe('Please provide a source for function code.');

    const created = await fns.send(new lambdaSdk.CreateFunctionCommand({ FunctionName: 'img', PackageType: 'Image', Role: ROLE, Code: { ImageUri: `${repo.repositoryUri}:v1` }, MemorySize: 1024 }));
    expect(created).toMatchObject({ PackageType: 'Image', CodeSize: 0 });
    expect(created.Runtime).toBeUndefined();
    expect(created.Handler).toBeUndefined();
    await lambdaSdk.waitUntilFunctionActiveV2({ client: fns, ...WAIT }, { FunctionName: 'img' });
    await fns.send(new lambdaSdk.InvokeCommand({ FunctionName: 'img', Payload: Buffer.from('{}') }));
    expect(seen[0]).toMatchObject({ name: 'img', packageType: 'Image', imageUri: `${registry.host}/rdeploy/fn:v1`, handler: '', layers: [], memoryMb: 1024 });
    expect(seen[0]!.code).toHaveLength(0);

    const zipToImage = await failure(fns.send(new lambdaSdk.UpdateFunctionCodeCommand({ FunctionName: 'img', ZipFile: Buffer.from('PK') })));
    expect(zipToImage).toBeInstanceOf(lambdaSdk.InvalidParameterValueException);
    expect(zipToImage.message).toBe('Please provide ImageUri when updating a function with packageType Image.');
    const config = await failure(fns.send(new lambdaSdk.UpdateFunctionConfigurationCommand({ FunctionName: 'img', Handler: 'score.R' })));
    expect(config.message).toBe("Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.");

    await fns.send(new lambdaSdk.UpdateFunctionCodeCommand({ FunctionName: 'img', ImageUri: `${repo.repositoryUri}:v2` }));
    await lambdaSdk.waitUntilFunctionUpdatedV2({ client: fns, ...WAIT }, { FunctionName: 'img' });
    const got = await fns.send(new lambdaSdk.GetFunctionCommand({ FunctionName: 'img' }));
    expect(got.Code).toMatchObject({ RepositoryType: 'ECR', ImageUri: `${repo.repositoryUri}:v2` });
    await fns.send(new lambdaSdk.InvokeCommand({ FunctionName: 'img', Payload: Buffer.from('{}') }));
    expect(seen[1]).toMatchObject({ packageType: 'Image', imageUri: `${repo.repositoryUri}:v2` });

    // A zip function takes no image.
    await fns.send(new lambdaSdk.CreateFunctionCommand({ FunctionName: 'zip', Runtime: 'provided.al2023', Handler: 'score.R', Role: ROLE, Code: { ZipFile: await zipOf({ bootstrap: '#!/bin/sh\n' }) } }));
    await lambdaSdk.waitUntilFunctionActiveV2({ client: fns, ...WAIT }, { FunctionName: 'zip' });
    const imageToZip = await failure(fns.send(new lambdaSdk.UpdateFunctionCodeCommand({ FunctionName: 'zip', ImageUri: `${repo.repositoryUri}:v2` })));
    expect(imageToZip.message).toBe("Please don't provide ImageUri when updating a function with packageType Zip.");
    await fns.send(new lambdaSdk.InvokeCommand({ FunctionName: 'zip', Payload: Buffer.from('{}') }));
    expect(seen[2]).toMatchObject({ name: 'zip', packageType: 'Zip', handler: 'score.R' });
    expect(seen[2]!.imageUri).toBeUndefined();
  });

  it(
    'docker push with the token, then DescribeImages has its digest and size, and an image function runs it',
    async (ctx) => {
      const docker = (args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}) => {
        const child = run('docker', args, { env: opts.env ?? process.env, timeout: opts.timeout ?? 60_000, encoding: 'utf8' });
        if (opts.input !== undefined) child.child.stdin?.end(opts.input);
        return child;
      };
      try {
        await docker(['info'], { timeout: 10_000 });
      } catch {
        ctx.skip('no Docker engine answers `docker info`');
      }
      const source = 'rdeploy-test/glibc-only:bookworm';
      try {
        await docker(['image', 'inspect', source], { timeout: 10_000 });
      } catch {
        ctx.skip(`the local image ${source} is missing (scripts/setup.sh builds it; nothing is pulled here)`);
      }

      const { client } = await setup({ registry: registry.host, password: PASSWORD });
      const repo = (await client.send(new sdk.CreateRepositoryCommand({ repositoryName: 'rdeploy/glibc' }))).repository!;
      const auth = (await client.send(new sdk.GetAuthorizationTokenCommand({}))).authorizationData![0]!;
      const [user, password] = Buffer.from(auth.authorizationToken!, 'base64').toString('utf8').split(':') as [string, string];
      // docker login writes credentials: into a config dir of this test, never the user's.
      const config = mkdtempSync(path.join(tmpdir(), 'rdeploy-ecr-docker-'));
      const env = { ...process.env, DOCKER_CONFIG: config };
      const target = `${repo.repositoryUri}:v1`;
      try {
        await docker(['login', '--username', user, '--password-stdin', auth.proxyEndpoint!], { env, input: password });
        await docker(['tag', source, target]);
        const pushed = await docker(['push', target], { env, timeout: 120_000 });
        const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed.stdout)?.[1];
        expect(digest).toBeDefined();

        const [detail] = (await client.send(new sdk.DescribeImagesCommand({ repositoryName: 'rdeploy/glibc', imageIds: [{ imageTag: 'v1' }] }))).imageDetails!;
        expect(detail).toMatchObject({ imageDigest: digest, imageTags: ['v1'], imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json' });
        // The manifest's own sum, read independently: layers (compressed, as pushed) and config.
        const manifest = (await (
          await fetch(`http://${registry.host}/v2/rdeploy/glibc/manifests/v1`, {
            headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json', Authorization: `Basic ${auth.authorizationToken}` },
          })
        ).json()) as { config: { size: number }; layers: Array<{ size: number }> };
        expect(detail!.imageSizeInBytes).toBe(manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0));
        // "docker images … may return a larger image size than the image sizes returned by DescribeImages"
        const local = Number((await docker(['image', 'inspect', '--format', '{{.Size}}', source])).stdout.trim());
        expect(detail!.imageSizeInBytes).toBeGreaterThan(0);
        expect(detail!.imageSizeInBytes).toBeLessThan(local);

        // An image function whose onInvoke runs the pushed image with the payload on stdin.
        await docker(['rmi', target]);
        const lambda = await LambdaDouble.start({
          settleMs: 0,
          onInvoke: async (fn, payload) => {
            await docker(['pull', fn.imageUri!], { env });
            const out = await docker(['run', '--rm', '-i', '--network', 'none', fn.imageUri!, '/bin/sh', '-c', 'read -r line; printf \'{"echoed":%s}\' "$line"'], { input: `${payload.toString()}\n` });
            return { payload: Buffer.from(out.stdout), logLines: [] };
          },
        });
        open.push(lambda);
        const fns = new lambdaSdk.LambdaClient({ region: 'us-east-1', endpoint: lambda.endpoint, credentials: CREDENTIALS });
        await fns.send(new lambdaSdk.CreateFunctionCommand({ FunctionName: 'glibc', PackageType: 'Image', Role: `arn:aws:iam::${ACCOUNT}:role/x`, Timeout: 60, Code: { ImageUri: target } }));
        await lambdaSdk.waitUntilFunctionActiveV2({ client: fns, maxWaitTime: 5, minDelay: 0.05, maxDelay: 0.2 }, { FunctionName: 'glibc' });
        const answer = await fns.send(new lambdaSdk.InvokeCommand({ FunctionName: 'glibc', Payload: Buffer.from('{"rows":3}') }));
        expect(answer.FunctionError).toBeUndefined();
        expect(Buffer.from(answer.Payload!).toString('utf8')).toBe('{"echoed":{"rows":3}}');
      } finally {
        await docker(['rmi', target]).catch(() => undefined);
        rmSync(config, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
