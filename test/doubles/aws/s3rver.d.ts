// The part of s3rver 3.7.1 (a devDependency without types of its own) that test/doubles/aws/s3.ts
// uses. Shapes read from node_modules/s3rver/lib (s3rver.js, stores/filesystem.js, models/object.js).
declare module 's3rver' {
  import type { Server } from 'node:http';
  import type { AddressInfo } from 'node:net';
  import type { Readable } from 'node:stream';

  interface S3rverOptions {
    /** default 'localhost' */
    address?: string;
    /** default 4568; 0 picks a free port */
    port?: number;
    /** default false: winston logs every request to the console */
    silent?: boolean;
    /** default os.tmpdir()/s3rver */
    directory?: string;
    /** default false: empty the directory when the server closes */
    resetOnClose?: boolean;
    /** default true: a Host header that is not an IP, localhost or this host's name is taken as a bucket */
    vhostBuckets?: boolean;
    /** default false: SigV4 signatures are never checked, SigV2 ones are unless this is true */
    allowMismatchedSignatures?: boolean;
    /** Buckets made before the server listens. */
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>;
  }

  interface S3rverObject {
    bucket: string;
    key: string;
    /** A stream of the bytes from getObject; null from listObjects. */
    content: Readable | null;
    metadata: Record<string, string>;
    readonly size: number;
  }

  interface FilesystemStore {
    listBuckets(): Promise<Array<{ name: string; creationDate: Date }>>;
    listObjects(
      bucket: string,
      options: { prefix?: string; delimiter?: string; startAfter?: string; maxKeys?: number },
    ): Promise<{ objects: S3rverObject[]; commonPrefixes: string[]; isTruncated: boolean }>;
    /** null when the object does not exist. */
    getObject(bucket: string, key: string): Promise<S3rverObject | null>;
    getBucket(bucket: string): Promise<{ name: string; creationDate: Date } | null>;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    readonly store: FilesystemStore;
    httpServer?: Server;
    /** Makes configureBuckets, then listens. */
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }

  export = S3rver;
}
