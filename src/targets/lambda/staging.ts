import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { cancelledError } from '../../core/errors';
import { ownerTags, taggedFor, type Owner } from '../../core/owner';
import { awsFailure, callerAccount, type AwsSession } from '../../clouds/aws/session';
import type { Ownership, ResourceKind, TargetContext } from '../Target';
import { awsErrorName, lambdaClients, type LambdaClients } from './clients';
import { stagingBucketName } from './names';
import type { ManifestArtefact } from './package/manifest';

/** Where Lambda reads a zip from: the request itself, or an S3 object. */
export type ZipContent = { ZipFile: Uint8Array } | { S3Bucket: string; S3Key: string };

type S3Sdk = typeof import('@aws-sdk/client-s3');

/** The object that says whose a staging bucket is (S3-compatible servers without bucket tags read it too). */
const OWNER_OBJECT = 'rdeploy-owner.json';

/**
 * Zips over the direct-upload quota go through S3 (manifest `upload: "s3"`): a bucket of this
 * deployment, named from its owner and marked with an owner object, created on first need; the
 * objects and the bucket deleted once Lambda has copied them. A deploy killed half-way leaves a
 * marked bucket, which destroy finds (stagingResource) and empties.
 */
export class StagingArea {
  private bucket: string | undefined;
  private s3: { client: InstanceType<S3Sdk['S3Client']>; sdk: S3Sdk } | undefined;

  constructor(
    private readonly clients: LambdaClients,
    private readonly owner: Owner,
    private readonly ctx: TargetContext,
  ) {}

  async content(a: ManifestArtefact, packageDir: string): Promise<ZipContent> {
    const file = path.join(packageDir, a.file);
    if (a.upload !== 's3') return { ZipFile: await readFile(file) };
    const { client, sdk } = await this.client();
    const bucket = await this.ensureBucket();
    const key = `${a.name}-${a.sha256}.zip`;
    this.ctx.progress?.report({ message: `Uploading ${a.file} (${(a.zippedBytes / 1024 / 1024).toFixed(1)} MB) to S3: over the 50 MB Lambda takes in a request` });
    try {
      await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: a.zippedBytes }), { abortSignal: this.ctx.signal });
    } catch (e) {
      if (this.ctx.signal?.aborted) throw cancelledError();
      throw awsFailure(`Uploading ${a.file} to the S3 bucket ${bucket}`, e);
    }
    return { S3Bucket: bucket, S3Key: key };
  }

  /** Removes the staged objects and the bucket (Lambda keeps its own copies). */
  async close(): Promise<void> {
    if (!this.bucket || !this.s3) return;
    await emptyAndDelete(this.s3, this.bucket);
    this.bucket = undefined;
  }

  private async client() {
    this.s3 ??= await s3Client(this.clients.session);
    return this.s3;
  }

  private async ensureBucket(): Promise<string> {
    if (this.bucket) return this.bucket;
    const { client, sdk } = await this.client();
    const region = this.clients.session.region;
    const bucket = stagingBucketName(this.owner, await callerAccount(this.clients.session, this.ctx.signal), region);
    try {
      await client.send(
        new sdk.CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }) }),
      );
    } catch (e) {
      if (awsErrorName(e) !== 'BucketAlreadyOwnedByYou') throw awsFailure(`Creating the S3 bucket ${bucket} for the large zips`, e);
      // Ours from a deploy that was killed: carry on with it. Anyone else's: never touched.
      if ((await bucketOwnership({ sdk, client }, bucket, this.owner)) !== 'ours') {
        throw awsFailure(`Creating the S3 bucket ${bucket} for the large zips`, new Error(`a bucket of that name exists and is not this deployment's`));
      }
    }
    await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: OWNER_OBJECT, Body: JSON.stringify(ownerTags(this.owner)), ContentType: 'application/json' })).catch((e: unknown) => {
      throw awsFailure(`Marking the S3 bucket ${bucket} as this deployment's`, e);
    });
    this.bucket = bucket;
    return bucket;
  }
}

async function emptyAndDelete(s3: { client: InstanceType<S3Sdk['S3Client']>; sdk: S3Sdk }, bucket: string): Promise<void> {
  try {
    let token: string | undefined;
    do {
      const page = await s3.client.send(new s3.sdk.ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? []) await s3.client.send(new s3.sdk.DeleteObjectCommand({ Bucket: bucket, Key: o.Key! }));
      token = page.NextContinuationToken;
    } while (token);
    await s3.client.send(new s3.sdk.DeleteBucketCommand({ Bucket: bucket }));
  } catch (e) {
    if (awsErrorName(e) === 'NoSuchBucket') return;
    throw awsFailure(`Deleting the staging bucket ${bucket}`, e);
  }
}

/** Whose the bucket is, by its owner object: the same answer as ResourceKind.ownership. */
async function bucketOwnership(s3: { client: InstanceType<S3Sdk['S3Client']>; sdk: S3Sdk }, bucket: string, owner: Owner): Promise<Ownership> {
  try {
    const out = await s3.client.send(new s3.sdk.GetObjectCommand({ Bucket: bucket, Key: OWNER_OBJECT }));
    const tags = JSON.parse((await out.Body?.transformToString()) ?? '{}') as Record<string, string>;
    return taggedFor(tags, owner) ? 'ours' : 'theirs';
  } catch (e) {
    if (awsErrorName(e) === 'NoSuchBucket') return 'gone';
    // A bucket without our mark (or that we may not read) is someone else's.
    if (awsErrorName(e) === 'NoSuchKey' || awsErrorName(e) === 'AccessDenied' || e instanceof SyntaxError) return 'theirs';
    throw awsFailure(`Reading the S3 bucket ${bucket}`, e);
  }
}

/**
 * An S3 client for a session. A custom endpoint (the tests' S3 server) takes path-style requests,
 * and checksums only where S3 requires them; real S3 takes both.
 */
async function s3Client(session: AwsSession) {
  const sdk = await import('@aws-sdk/client-s3');
  const config = session.config();
  const client = new sdk.S3Client({ ...(config as object), forcePathStyle: config.disableHostPrefix, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as never);
  return { sdk, client };
}

async function s3Of(ctx: TargetContext) {
  const clients = await lambdaClients(ctx);
  return { clients, s3: await s3Client(clients.session) };
}

/** The staging bucket, for destroy: a deploy that was killed while uploading leaves it behind. */
export const stagingResource: ResourceKind = {
  billable: true, // S3 storage bills per GB-month while objects remain
  unrecorded: true,
  async ownership(id, owner, ctx) {
    const { s3 } = await s3Of(ctx);
    return bucketOwnership(s3, id, owner);
  },
  async remove(id, ctx) {
    const { s3 } = await s3Of(ctx);
    await emptyAndDelete(s3, id);
  },
  async find(owner, ctx) {
    if (ctx.record?.details.packageType === 'image') return []; // image mode uploads nothing through S3
    const { clients } = await s3Of(ctx);
    const bucket = stagingBucketName(owner, await callerAccount(clients.session, ctx.signal), clients.session.region);
    return (await stagingResource.ownership(bucket, owner, ctx)) === 'ours' ? [bucket] : [];
  },
  describe: (id) => `S3 staging bucket ${id}`,
};
