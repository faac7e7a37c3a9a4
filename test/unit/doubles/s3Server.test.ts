// S3Server: s3rver on 127.0.0.1 driven by the real @aws-sdk/client-s3, the version the product
// uses. Besides the server's own contract, these tests keep what an S3 client needs to talk to
// it (see the header of test/doubles/aws/s3.ts): path-style addressing, the S3RVER access key,
// and checksums only when required for any upload whose body is a stream. The SDK is imported
// lazily, as the lint rule for cloud SDKs asks everywhere.
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { S3ObjectError, S3Server } from '../../doubles/aws/s3';

type Sdk = typeof import('@aws-sdk/client-s3');
let sdk: Sdk;
beforeAll(async () => {
  sdk = await import('@aws-sdk/client-s3');
});

const open: S3Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function setup(buckets = ['code'], config: Partial<S3ClientConfig> = {}): Promise<{ s3: S3Server; client: S3Client }> {
  const s3 = await S3Server.start({ buckets });
  open.push(s3);
  const client = new sdk.S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    credentials: S3Server.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    ...config,
  });
  return { s3, client };
}

async function failure(call: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

describe('S3Server', () => {
  it('stores what the SDK puts, lists it, serves it to the SDK and to getObject, and forgets what it deletes', async () => {
    const { s3, client } = await setup(['code', 'other']);
    expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.from('layer bytes')]);
    await client.send(new sdk.PutObjectCommand({ Bucket: 'code', Key: 'layers/r-runtime.zip', Body: zip }));
    await client.send(new sdk.PutObjectCommand({ Bucket: 'other', Key: 'a.txt', Body: 'abc' }));

    expect(await s3.objects()).toEqual([
      { bucket: 'code', key: 'layers/r-runtime.zip', size: zip.length },
      { bucket: 'other', key: 'a.txt', size: 3 },
    ]);
    expect(await s3.objects('other')).toEqual([{ bucket: 'other', key: 'a.txt', size: 3 }]);
    expect(await s3.getObject('code', 'layers/r-runtime.zip')).toEqual(zip);
    const got = await client.send(new sdk.GetObjectCommand({ Bucket: 'code', Key: 'layers/r-runtime.zip' }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(zip);
    const listed = await client.send(new sdk.ListObjectsV2Command({ Bucket: 'code' }));
    expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual([['layers/r-runtime.zip', zip.length]]);

    await client.send(new sdk.DeleteObjectCommand({ Bucket: 'code', Key: 'layers/r-runtime.zip' }));
    expect(await s3.objects('code')).toEqual([]);
    const gone = await failure(s3.getObject('code', 'layers/r-runtime.zip'));
    expect(gone).toBeInstanceOf(S3ObjectError);
    expect(gone).toMatchObject({ name: 'NoSuchKey', message: 'The specified key does not exist.' });
    const sdkGone = await failure(client.send(new sdk.GetObjectCommand({ Bucket: 'code', Key: 'layers/r-runtime.zip' })));
    expect(sdkGone).toBeInstanceOf(sdk.NoSuchKey);
    expect(sdkGone).toMatchObject({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    expect(await failure(s3.getObject('nobucket', 'k'))).toMatchObject({ name: 'NoSuchBucket', message: 'The specified bucket does not exist' });
    expect(await s3.objects('nobucket')).toEqual([]);
  });

  it('runs in its own temporary directory, which close() removes', async () => {
    const [a, b] = await Promise.all([S3Server.start(), S3Server.start()]);
    expect(a!.directory).not.toBe(b!.directory);
    expect(a!.endpoint).not.toBe(b!.endpoint);
    expect(existsSync(a!.directory)).toBe(true);
    await Promise.all([a!.close(), b!.close()]);
    expect(existsSync(a!.directory)).toBe(false);
    await a!.close(); // twice is fine
  });

  it('needs path-style addressing for a host name endpoint, and the S3RVER access key', async () => {
    const { s3, client: byIp } = await setup(['code'], { forcePathStyle: false });
    // For an IP endpoint the SDK picks path style by itself …
    await byIp.send(new sdk.PutObjectCommand({ Bucket: 'code', Key: 'ip.txt', Body: 'x' }));
    // … for a host name only forcePathStyle keeps the bucket out of the host (BUCKET.localhost).
    const byName = new sdk.S3Client({ region: 'us-east-1', endpoint: s3.endpoint.replace('127.0.0.1', 'localhost'), credentials: S3Server.credentials, forcePathStyle: true, maxAttempts: 1 });
    await byName.send(new sdk.PutObjectCommand({ Bucket: 'code', Key: 'name.txt', Body: 'y' }));
    expect((await s3.objects()).map((o) => o.key)).toEqual(['ip.txt', 'name.txt']);

    const stranger = new sdk.S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
    const refused = await failure(stranger.send(new sdk.PutObjectCommand({ Bucket: 'code', Key: 'k', Body: 'z' })));
    expect(refused.name).toBe('InvalidAccessKeyId');
    expect(refused.$metadata?.httpStatusCode).toBe(403);
  });

  it('keeps a streamed upload intact only with requestChecksumCalculation WHEN_REQUIRED; Buffers need nothing', async () => {
    const data = Buffer.from('R runtime layer, streamed from a file');
    const stream = () => Readable.from([data]);
    const { s3, client: defaults } = await setup(['code'], { requestChecksumCalculation: undefined, responseChecksumValidation: undefined });
    await defaults.send(new sdk.PutObjectCommand({ Bucket: 'code', Key: 'buffer.zip', Body: data }));
    expect(await s3.getObject('code', 'buffer.zip')).toEqual(data);
    const got = await defaults.send(new sdk.GetObjectCommand({ Bucket: 'code', Key: 'buffer.zip' }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(data);

    // The SDK's default sends a stream aws-chunked with a trailing checksum; s3rver keeps the framing.
    await defaults.send(new sdk.PutObjectCommand({ Bucket: 'code', Key: 'chunked.zip', Body: stream(), ContentLength: data.length }));
    const framed = await s3.getObject('code', 'chunked.zip');
    expect(framed).not.toEqual(data);
    expect(framed.toString('latin1')).toContain('x-amz-checksum-crc32:');

    const whenRequired = new sdk.S3Client({ region: 'us-east-1', endpoint: s3.endpoint, credentials: S3Server.credentials, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', maxAttempts: 1 });
    await whenRequired.send(new sdk.PutObjectCommand({ Bucket: 'code', Key: 'plain.zip', Body: stream(), ContentLength: data.length }));
    expect(await s3.getObject('code', 'plain.zip')).toEqual(data);
  });
});
