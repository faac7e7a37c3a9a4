// A real S3-compatible server for tests: s3rver (a devDependency) on 127.0.0.1, on a free port,
// storing objects in a temporary directory that close() removes. The real @aws-sdk/client-s3
// talks to it at `endpoint` with these settings (found by driving 3.1169.0 against s3rver 3.7.1;
// test/unit/doubles/s3Server.test.ts keeps each finding):
//
//   new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, credentials: S3Server.credentials,
//     forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' })
//
// - forcePathStyle: true. The server runs with vhostBuckets off: a bucket is only ever the first
//   path segment (http://127.0.0.1:PORT/BUCKET/KEY). The SDK picks path style by itself for an
//   IP endpoint, but for a host name (http://localhost:PORT) it would ask for BUCKET.localhost.
// - requestChecksumCalculation: 'WHEN_REQUIRED', for any upload whose Body is a stream. With the
//   default (WHEN_SUPPORTED) a stream is sent aws-chunked with a trailing CRC32, which s3rver
//   does not decode: it stores the chunk framing as the object (and answers 200), and a stream
//   without ContentLength fails in the SDK before it is sent. A Buffer or string body is sent
//   plain either way (the CRC32 in a header, which s3rver ignores).
// - responseChecksumValidation needs nothing: s3rver sends no checksum, so none is validated.
// - credentials: s3rver knows one access key, S3RVER (any other is InvalidAccessKeyId); it does
//   not check SigV4 signatures, so the secret does not matter.
//
// It is a server, not a double: nothing is recorded and no fault can be injected.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type S3rver from 's3rver';

export interface S3ServerOptions {
  /** Buckets made before the server listens. */
  buckets?: string[];
}

export interface StoredObject {
  bucket: string;
  key: string;
  size: number;
}

/** What getObject rejects with when there is nothing there: S3's error code as its name and
 * S3's message, as @aws-sdk/client-s3 reports them (NoSuchKey, NoSuchBucket). */
export class S3ObjectError extends Error {
  constructor(
    readonly code: 'NoSuchKey' | 'NoSuchBucket',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export class S3Server {
  /** The one access key s3rver accepts. */
  static readonly credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

  private closed = false;

  private constructor(
    private readonly server: S3rver,
    /** Where the objects are kept; removed by close(). */
    readonly directory: string,
    private readonly port: number,
  ) {}

  /** Starts s3rver on 127.0.0.1, on a free port, in a new temporary directory, silent. */
  static async start(opts: S3ServerOptions = {}): Promise<S3Server> {
    // Loaded here, so that importing the doubles does not load koa and winston.
    const { default: S3rverClass } = await import('s3rver');
    const directory = await mkdtemp(path.join(tmpdir(), 'rdeploy-s3-'));
    const server = new S3rverClass({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory,
      vhostBuckets: false,
      configureBuckets: (opts.buckets ?? []).map((name) => ({ name })),
    });
    try {
      const { port } = await server.run();
      return new S3Server(server, directory, port);
    } catch (e) {
      await rm(directory, { recursive: true, force: true });
      throw e;
    }
  }

  /** http://127.0.0.1:PORT */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Every object stored, or those of one bucket, by bucket then key. */
  async objects(bucket?: string): Promise<StoredObject[]> {
    const buckets = bucket !== undefined ? [bucket] : (await this.server.store.listBuckets()).map((b) => b.name).sort();
    const out: StoredObject[] = [];
    for (const name of buckets) {
      if (!(await this.server.store.getBucket(name))) continue;
      const { objects } = await this.server.store.listObjects(name, {});
      for (const o of objects) out.push({ bucket: name, key: o.key, size: o.size });
    }
    return out.sort((a, b) => (a.bucket === b.bucket ? (a.key < b.key ? -1 : 1) : a.bucket < b.bucket ? -1 : 1));
  }

  /** The bytes of an object; rejects with S3ObjectError (NoSuchBucket, NoSuchKey) when there is
   * none. Fits LambdaDoubleOptions.s3 as it is. */
  async getObject(bucket: string, key: string): Promise<Buffer> {
    if (!(await this.server.store.getBucket(bucket))) throw new S3ObjectError('NoSuchBucket', 'The specified bucket does not exist');
    const found = await this.server.store.getObject(bucket, key);
    if (!found?.content) throw new S3ObjectError('NoSuchKey', 'The specified key does not exist.');
    const chunks: Buffer[] = [];
    for await (const chunk of found.content) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Stops listening, drops open connections and removes the directory. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server.httpServer?.closeAllConnections();
    await this.server.close();
    await rm(this.directory, { recursive: true, force: true });
  }
}
