// The Lambda double's contract, driven only through the real @aws-sdk/client-lambda pointed at
// the double's 127.0.0.1 endpoint (signing happens, nothing leaves the host); code in S3 goes
// through a real s3rver (S3Server) that the real @aws-sdk/client-s3 uploads to. The SDKs are
// imported lazily, as the lint rule for cloud SDKs asks everywhere.
import { createHash } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CreateFunctionRequest, LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { LambdaDouble, zerosZip, zipOf, type LambdaDoubleOptions, type LambdaInvokeHandler } from '../../doubles/aws/lambda';
import { S3Server } from '../../doubles/aws/s3';

type Sdk = typeof import('@aws-sdk/client-lambda');
let sdk: Sdk;
let s3sdk: typeof import('@aws-sdk/client-s3');
beforeAll(async () => {
  sdk = await import('@aws-sdk/client-lambda');
  s3sdk = await import('@aws-sdk/client-s3');
});

const open: Array<LambdaDouble | S3Server> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function setup(opts?: LambdaDoubleOptions, maxAttempts?: number): Promise<{ double: LambdaDouble; client: LambdaClient }> {
  const double = await LambdaDouble.start(opts);
  open.push(double);
  const client = new sdk.LambdaClient({
    region: 'us-east-1',
    endpoint: double.endpoint,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
    maxAttempts,
  });
  return { double, client };
}

/** The error a call failed with (the test fails if it succeeded). */
async function failure(call: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number; attempts?: number } } & Record<string, unknown>> {
  try {
    await call;
  } catch (e) {
    return e as Error & { $metadata: { httpStatusCode?: number } } & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

const ROLE = 'arn:aws:iam::123456789012:role/rdeploy-exec';
const ARN = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const WAIT = { maxWaitTime: 5, minDelay: 0.05, maxDelay: 0.2 };
const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');

async function publish(client: LambdaClient, name: string, zip: Buffer) {
  return client.send(new sdk.PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: zip }, CompatibleRuntimes: ['provided.al2023'], CompatibleArchitectures: ['x86_64'] }));
}

async function createActive(client: LambdaClient, name: string, extra: Partial<CreateFunctionRequest> = {}) {
  await client.send(new sdk.CreateFunctionCommand({ FunctionName: name, Runtime: 'provided.al2023', Role: ROLE, Handler: 'score.R', Code: { ZipFile: await zipOf({ bootstrap: '#!/bin/sh\n' }) }, ...extra }));
  await sdk.waitUntilFunctionActiveV2({ client, ...WAIT }, { FunctionName: name });
}

describe('LambdaDouble', () => {
  it('publishes layers, creates a function that goes Pending → Active, and invokes it with its code, layers and log', async () => {
    const seen: Array<Parameters<LambdaInvokeHandler>> = [];
    const logs: Array<[string, string[]]> = [];
    const onInvoke: LambdaInvokeHandler = async (fn, payload, type) => {
      seen.push([fn, payload, type]);
      const input = JSON.parse(payload.toString()) as { rows: number; fail?: boolean };
      if (input.fail) return { payload: Buffer.from('{"errorType":"simpleError","errorMessage":"bad input"}'), functionError: 'Unhandled', logLines: ['Error: bad input'] };
      return { payload: Buffer.from(JSON.stringify({ scored: input.rows })), logLines: [`scoring ${input.rows} rows`] };
    };
    const { double, client } = await setup({ onInvoke, settleMs: 500, onLog: (group, lines) => logs.push([group, lines]) });

    const runtimeV1 = await zipOf({ 'R/bin/R': 'v1' });
    const runtimeV2 = await zipOf({ 'R/bin/R': 'v2' });
    const packages = await zipOf({ 'R/library/jsonlite/DESCRIPTION': 'Package: jsonlite' });
    await publish(client, 'r-runtime', runtimeV1);
    const runtime = await publish(client, 'r-runtime', runtimeV2);
    const pkgs = await publish(client, 'r-packages', packages);
    expect(runtime).toMatchObject({
      LayerArn: 'arn:aws:lambda:us-east-1:123456789012:layer:r-runtime',
      LayerVersionArn: 'arn:aws:lambda:us-east-1:123456789012:layer:r-runtime:2',
      Version: 2,
      Content: { CodeSize: runtimeV2.length, CodeSha256: createHash('sha256').update(runtimeV2).digest('base64') },
    });
    const versions = await client.send(new sdk.ListLayerVersionsCommand({ LayerName: 'r-runtime' }));
    expect(versions.LayerVersions?.map((v) => v.Version)).toEqual([2, 1]);

    const code = await zipOf({ bootstrap: '#!/bin/sh\nexec R', 'score.R': 'function(rows) rows' });
    const created = await client.send(
      new sdk.CreateFunctionCommand({
        FunctionName: 'churn',
        Runtime: 'provided.al2023',
        Role: ROLE,
        Handler: 'score.R',
        Code: { ZipFile: code },
        Layers: [runtime.LayerVersionArn!, pkgs.LayerVersionArn!],
        MemorySize: 512,
        Timeout: 30,
        Environment: { Variables: { RDEPLOY_MODE: 'lambda' } },
        Tags: { 'rdeploy:deployment': 'churn' },
      }),
    );
    expect(created).toMatchObject({ FunctionArn: ARN('churn'), State: 'Pending', StateReasonCode: 'Creating', CodeSize: code.length });

    const early = await failure(client.send(new sdk.InvokeCommand({ FunctionName: 'churn', Payload: Buffer.from('{"rows":1}') })));
    expect(early).toBeInstanceOf(sdk.ResourceConflictException);
    expect(early.message).toBe('The operation cannot be performed at this time. The function is currently in the following state: Pending');

    expect((await sdk.waitUntilFunctionActiveV2({ client, ...WAIT }, { FunctionName: 'churn' })).state).toBe('SUCCESS');
    const got = await client.send(new sdk.GetFunctionCommand({ FunctionName: 'churn' }));
    expect(got.Configuration).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful', Layers: [{ Arn: runtime.LayerVersionArn, CodeSize: runtimeV2.length }, { Arn: pkgs.LayerVersionArn, CodeSize: packages.length }] });
    expect(got.Tags).toEqual({ 'rdeploy:deployment': 'churn' });
    expect(Buffer.from(await (await fetch(got.Code!.Location!)).arrayBuffer())).toEqual(code);

    const answer = await client.send(new sdk.InvokeCommand({ FunctionName: 'churn', Payload: Buffer.from('{"rows":3}'), LogType: 'Tail' }));
    expect(answer).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(answer.FunctionError).toBeUndefined();
    expect(text(answer.Payload)).toBe('{"scored":3}');
    const [fn, , type] = seen[0]!;
    expect(type).toBe('RequestResponse');
    expect(fn).toMatchObject({ name: 'churn', arn: ARN('churn'), handler: 'score.R', memoryMb: 512, timeoutSeconds: 30, environment: { RDEPLOY_MODE: 'lambda' } });
    expect(fn.code).toEqual(code);
    expect(fn.layers).toEqual([runtimeV2, packages]);

    const log = Buffer.from(answer.LogResult!, 'base64').toString('utf8').trimEnd().split('\n');
    expect(log[0]).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/);
    expect(log[1]).toBe('scoring 3 rows');
    expect(log[2]).toMatch(/^END RequestId: [0-9a-f-]{36}$/);
    expect(log[3]).toMatch(/^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 512 MB\tMax Memory Used: \d+ MB$/);
    expect(logs).toEqual([['/aws/lambda/churn', log]]);

    const failed = await client.send(new sdk.InvokeCommand({ FunctionName: ARN('churn'), Payload: Buffer.from('{"rows":1,"fail":true}') }));
    expect(failed).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
    expect(JSON.parse(text(failed.Payload))).toEqual({ errorType: 'simpleError', errorMessage: 'bad input' });
    expect(failed.LogResult).toBeUndefined();

    const queued = await client.send(new sdk.InvokeCommand({ FunctionName: 'churn', InvocationType: 'Event', Payload: Buffer.from('{"rows":2}') }));
    expect(queued.StatusCode).toBe(202);
    await expect.poll(() => seen.length).toBe(3);
    expect(seen[2]![2]).toBe('Event');

    expect(double.functions()).toEqual([
      { name: 'churn', arn: ARN('churn'), state: 'Active', lastUpdateStatus: 'Successful', tags: { 'rdeploy:deployment': 'churn' }, layers: [runtime.LayerVersionArn, pkgs.LayerVersionArn] },
    ]);
    expect(double.layerVersions().map((v) => `${v.layerName}:${v.version}`)).toEqual(['r-runtime:1', 'r-runtime:2', 'r-packages:1']);
  });

  it('refuses updates while one is in progress, keeps invoking the previous version, and settles for the Updated waiter', async () => {
    const memories: number[] = [];
    const { client } = await setup({
      settleMs: 500,
      onInvoke: async (fn, payload) => {
        memories.push(fn.memoryMb);
        return { payload, logLines: [] };
      },
    });
    await client.send(new sdk.CreateFunctionCommand({ FunctionName: 'churn', Runtime: 'provided.al2023', Role: ROLE, Handler: 'score.R', Code: { ZipFile: await zipOf({ bootstrap: 'x' }) } }));
    const whilePending = await failure(client.send(new sdk.UpdateFunctionConfigurationCommand({ FunctionName: 'churn', MemorySize: 256 })));
    expect(whilePending.message).toBe('The operation cannot be performed at this time. The function is currently in the following state: Pending');
    await sdk.waitUntilFunctionActiveV2({ client, ...WAIT }, { FunctionName: 'churn' });

    const updating = await client.send(new sdk.UpdateFunctionConfigurationCommand({ FunctionName: 'churn', MemorySize: 1024 }));
    expect(updating).toMatchObject({ MemorySize: 1024, LastUpdateStatus: 'InProgress' });
    const conflict = await failure(client.send(new sdk.UpdateFunctionCodeCommand({ FunctionName: 'churn', ZipFile: await zipOf({ bootstrap: 'y' }) })));
    expect(conflict).toBeInstanceOf(sdk.ResourceConflictException);
    expect(conflict.$metadata.httpStatusCode).toBe(409);
    expect(conflict.message).toBe(`The operation cannot be performed at this time. An update is in progress for resource: ${ARN('churn')}`);
    await client.send(new sdk.InvokeCommand({ FunctionName: 'churn', Payload: Buffer.from('{}') }));

    expect((await sdk.waitUntilFunctionUpdatedV2({ client, ...WAIT }, { FunctionName: 'churn' })).state).toBe('SUCCESS');
    expect(await client.send(new sdk.GetFunctionConfigurationCommand({ FunctionName: 'churn' }))).toMatchObject({ MemorySize: 1024, LastUpdateStatus: 'Successful' });
    await client.send(new sdk.InvokeCommand({ FunctionName: 'churn', Payload: Buffer.from('{}') }));
    expect(memories).toEqual([128, 1024]);
  });

  it('refuses a sixth layer, a layer version that does not exist, a retired runtime, a role that is no role and a name in use', async () => {
    const { double, client } = await setup({ settleMs: 0 });
    const zip = await zipOf({ 'lib/a': 'a' });
    const arns: string[] = [];
    for (let i = 1; i <= 6; i++) arns.push((await publish(client, `pkgs-${i}`, zip)).LayerVersionArn!);
    const base: CreateFunctionRequest = { FunctionName: 'churn', Runtime: 'provided.al2023', Role: ROLE, Handler: 'score.R', Code: { ZipFile: zip } };

    const six = await failure(client.send(new sdk.CreateFunctionCommand({ ...base, Layers: arns })));
    expect(six).toBeInstanceOf(sdk.InvalidParameterValueException);
    expect(six.message).toBe('Cannot reference more than 5 layers.');
    const missing = await failure(client.send(new sdk.CreateFunctionCommand({ ...base, Layers: [`${arns[0]!.replace(/:1$/, ':7')}`] })));
    expect(missing.message).toBe('Layer version arn:aws:lambda:us-east-1:123456789012:layer:pkgs-1:7 does not exist.');
    const al2 = await failure(client.send(new sdk.CreateFunctionCommand({ ...base, Runtime: 'provided.al2' })));
    expect(al2).toBeInstanceOf(sdk.InvalidParameterValueException);
    expect(al2.message).toBe('The runtime parameter of provided.al2 is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (provided.al2023) while creating or updating functions.');
    const role = await failure(client.send(new sdk.CreateFunctionCommand({ ...base, Role: 'rdeploy-exec' })));
    expect(role.name).toBe('ValidationException');
    expect(role.message).toMatch(/^1 validation error detected: Value 'rdeploy-exec' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: /);
    expect(double.functions()).toEqual([]);

    await client.send(new sdk.CreateFunctionCommand({ ...base, Layers: arns.slice(0, 5) }));
    const again = await failure(client.send(new sdk.CreateFunctionCommand(base)));
    expect(again).toBeInstanceOf(sdk.ResourceConflictException);
    expect(again.message).toBe('Function already exist: churn');
  });

  it('refuses function code and layers that unzip to more than 250 MB together', async () => {
    const { double, client } = await setup({ settleMs: 0 });
    const MB = 1024 * 1024;
    const [layerZip, codeZip] = await Promise.all([zerosZip('lib/big.so', 200 * MB), zerosZip('model.rds', 100 * MB)]);
    expect(layerZip.length + codeZip.length).toBeLessThan(2 * MB);
    const layer = await publish(client, 'r-big', layerZip);
    const refused = await failure(
      client.send(new sdk.CreateFunctionCommand({ FunctionName: 'huge', Runtime: 'provided.al2023', Role: ROLE, Handler: 'score.R', Code: { ZipFile: codeZip }, Layers: [layer.LayerVersionArn!] })),
    );
    expect(refused).toBeInstanceOf(sdk.InvalidParameterValueException);
    expect(refused.message).toBe(`Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual size is ${300 * MB} bytes.`);
    expect(double.functions()).toEqual([]);
  });

  it('refuses an Invoke payload over 6 MB (1 MB for Event) before running the function', async () => {
    let runs = 0;
    const { client } = await setup({
      settleMs: 0,
      onInvoke: async (_fn, payload) => {
        runs++;
        return { payload, logLines: [] };
      },
    });
    await createActive(client, 'churn');
    const big = await failure(client.send(new sdk.InvokeCommand({ FunctionName: 'churn', Payload: Buffer.alloc(6_291_457, 0x20) })));
    expect(big.name).toBe('RequestEntityTooLargeException');
    expect(big.$metadata).toMatchObject({ httpStatusCode: 413, attempts: 1 });
    expect(big.message).toBe('Request must be smaller than 6291456 bytes for the InvokeFunction operation');
    const event = await failure(client.send(new sdk.InvokeCommand({ FunctionName: 'churn', InvocationType: 'Event', Payload: Buffer.alloc(1_048_577, 0x20) })));
    expect(event.message).toBe('1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)');
    expect(runs).toBe(0);
    const limit = await client.send(new sdk.InvokeCommand({ FunctionName: 'churn', Payload: Buffer.alloc(6_291_456, 0x20) }));
    expect(limit.Payload?.length).toBe(6_291_456);
    expect(runs).toBe(1);
  });

  it('throttles as told: the SDK retries one 429 after Retry-After, and sees the header when it cannot retry', async () => {
    const { double, client } = await setup({ settleMs: 0 });
    await createActive(client, 'churn');
    const earlier = double.calls('GetFunction').length; // the waiter's
    double.injectFault({ operation: 'GetFunction', kind: 'throttle', retryAfterSeconds: 1 });
    const started = Date.now();
    const got = await client.send(new sdk.GetFunctionCommand({ FunctionName: 'churn' }));
    expect(got.Configuration?.State).toBe('Active');
    expect(got.$metadata.attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(double.calls('GetFunction')).toHaveLength(earlier + 2);

    const once = new sdk.LambdaClient({ region: 'us-east-1', endpoint: double.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
    double.injectFault({ operation: 'Invoke', kind: 'throttle', retryAfterSeconds: 7 });
    const throttled = await failure(once.send(new sdk.InvokeCommand({ FunctionName: 'churn' })));
    expect(throttled).toBeInstanceOf(sdk.TooManyRequestsException);
    expect(throttled).toMatchObject({ retryAfterSeconds: '7', Reason: 'CallerRateLimitExceeded', message: 'Rate Exceeded.', $metadata: { httpStatusCode: 429 } });
    double.injectFault({ operation: 'ListFunctions', kind: 'error', status: 500, type: 'ServiceException', message: 'injected', times: 1 });
    const broken = await failure(once.send(new sdk.ListFunctionsCommand({})));
    expect(broken).toBeInstanceOf(sdk.ServiceException);
    expect(broken.message).toBe('injected');
    expect((await once.send(new sdk.ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName)).toEqual(['churn']);
  });

  it('deletes a function: GetFunction then answers 404 with the ARN', async () => {
    const { client } = await setup({ settleMs: 0 });
    await createActive(client, 'churn');
    await client.send(new sdk.DeleteFunctionCommand({ FunctionName: 'churn' }));
    const gone = await failure(client.send(new sdk.GetFunctionCommand({ FunctionName: 'churn' })));
    expect(gone).toBeInstanceOf(sdk.ResourceNotFoundException);
    expect(gone.$metadata.httpStatusCode).toBe(404);
    expect(gone.message).toBe(`Function not found: ${ARN('churn')}`);
    expect((await failure(client.send(new sdk.DeleteFunctionCommand({ FunctionName: 'churn' })))).name).toBe('ResourceNotFoundException');
  });

  it('records calls with every ZipFile as its size only', async () => {
    const { double, client } = await setup({ settleMs: 0 });
    const layerZip = await zipOf({ 'lib/a': 'a'.repeat(500) });
    await publish(client, 'pkgs', layerZip);
    const code = await zipOf({ bootstrap: 'b'.repeat(700) });
    await createActive(client, 'churn', { Code: { ZipFile: code } });
    await client.send(new sdk.UpdateFunctionCodeCommand({ FunctionName: 'churn', ZipFile: code }));

    expect(double.calls('PublishLayerVersion')[0]).toMatchObject({ method: 'POST', path: '/2018-10-31/layers/pkgs/versions', body: { Content: { ZipFile: { zipBytes: layerZip.length } } } });
    expect(double.calls('CreateFunction')[0]?.body).toMatchObject({ FunctionName: 'churn', Code: { ZipFile: { zipBytes: code.length } } });
    expect(double.calls('UpdateFunctionCode')[0]).toMatchObject({ method: 'PUT', path: '/2015-03-31/functions/churn/code', body: { ZipFile: { zipBytes: code.length } } });
    expect(JSON.stringify(double.calls())).not.toContain(code.toString('base64').slice(0, 40));
  });

  it('serves tags, function URLs and permissions', async () => {
    const { double, client } = await setup({ settleMs: 0 });
    await createActive(client, 'churn', { Tags: { a: '1' } });
    await client.send(new sdk.TagResourceCommand({ Resource: ARN('churn'), Tags: { b: '2', c: '3' } }));
    await client.send(new sdk.UntagResourceCommand({ Resource: ARN('churn'), TagKeys: ['a', 'c'] }));
    expect((await client.send(new sdk.ListTagsCommand({ Resource: ARN('churn') }))).Tags).toEqual({ b: '2' });
    expect(double.calls('UntagResource')[0]?.query).toEqual({ tagKeys: 'a,c' });

    const url = await client.send(new sdk.CreateFunctionUrlConfigCommand({ FunctionName: 'churn', AuthType: 'AWS_IAM' }));
    expect(url.FunctionUrl).toMatch(/^https:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws\/$/);
    expect((await client.send(new sdk.GetFunctionUrlConfigCommand({ FunctionName: 'churn' }))).AuthType).toBe('AWS_IAM');
    expect(double.functions()[0]?.urlConfig).toEqual({ authType: 'AWS_IAM' });
    await client.send(new sdk.AddPermissionCommand({ FunctionName: 'churn', StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'AWS_IAM' }));
    const twice = await failure(client.send(new sdk.AddPermissionCommand({ FunctionName: 'churn', StatementId: 'url', Action: 'lambda:InvokeFunctionUrl', Principal: '*' })));
    expect(twice).toBeInstanceOf(sdk.ResourceConflictException);
    await client.send(new sdk.RemovePermissionCommand({ FunctionName: 'churn', StatementId: 'url' }));
    await client.send(new sdk.DeleteFunctionUrlConfigCommand({ FunctionName: 'churn' }));
    expect(await failure(client.send(new sdk.GetFunctionUrlConfigCommand({ FunctionName: 'churn' })))).toBeInstanceOf(sdk.ResourceNotFoundException);
    expect(double.calls('AddPermission')[0]?.body).toMatchObject({ StatementId: 'url', FunctionUrlAuthType: 'AWS_IAM' });
  });
});

describe('LambdaDouble with code in S3', () => {
  /** An s3rver with a bucket, a client-s3 for it, and a double that reads S3 code from it. */
  async function setupS3(opts: LambdaDoubleOptions = {}): Promise<{ s3: S3Server; s3client: S3Client; double: LambdaDouble; client: LambdaClient }> {
    const s3 = await S3Server.start({ buckets: ['rdeploy-artifacts'] });
    open.push(s3);
    const s3client = new s3sdk.S3Client({ region: 'us-east-1', endpoint: s3.endpoint, credentials: S3Server.credentials, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
    return { s3, s3client, ...(await setup({ s3, ...opts })) };
  }
  const put = (client: S3Client, Key: string, Body: Buffer) => client.send(new s3sdk.PutObjectCommand({ Bucket: 'rdeploy-artifacts', Key, Body }));
  const sha256 = (zip: Buffer) => createHash('sha256').update(zip).digest('base64');

  it('publishes a layer and creates and updates a function from S3 objects, which may be deleted right after', async () => {
    const seen: Parameters<LambdaInvokeHandler>[0][] = [];
    const { s3, s3client, double, client } = await setupS3({
      settleMs: 0,
      onInvoke: async (fn, payload) => {
        seen.push(fn);
        return { payload, logLines: [] };
      },
    });
    const layerZip = await zipOf({ 'R/bin/R': '#!/bin/sh\necho R', 'R/library/jsonlite/DESCRIPTION': 'Package: jsonlite' });
    await put(s3client, 'layers/r-runtime.zip', layerZip);
    expect(await s3.objects()).toEqual([{ bucket: 'rdeploy-artifacts', key: 'layers/r-runtime.zip', size: layerZip.length }]);

    const layer = await client.send(
      new sdk.PublishLayerVersionCommand({ LayerName: 'r-runtime', Content: { S3Bucket: 'rdeploy-artifacts', S3Key: 'layers/r-runtime.zip' }, CompatibleRuntimes: ['provided.al2023'] }),
    );
    expect(layer).toMatchObject({ Version: 1, Content: { CodeSize: layerZip.length, CodeSha256: sha256(layerZip) } });
    expect(Buffer.from(await (await fetch(layer.Content!.Location!)).arrayBuffer())).toEqual(layerZip);

    // Lambda copied the object when it published the version: deleting it changes nothing.
    await s3client.send(new s3sdk.DeleteObjectCommand({ Bucket: 'rdeploy-artifacts', Key: 'layers/r-runtime.zip' }));
    expect(await s3.objects()).toEqual([]);

    const code = await zipOf({ bootstrap: '#!/bin/sh\nexec R', 'score.R': 'function(rows) rows' });
    await put(s3client, 'functions/churn.zip', code);
    const created = await client.send(
      new sdk.CreateFunctionCommand({
        FunctionName: 'churn',
        Runtime: 'provided.al2023',
        Role: ROLE,
        Handler: 'score.R',
        Code: { S3Bucket: 'rdeploy-artifacts', S3Key: 'functions/churn.zip' },
        Layers: [layer.LayerVersionArn!],
      }),
    );
    expect(created).toMatchObject({ CodeSize: code.length, CodeSha256: sha256(code), Layers: [{ Arn: layer.LayerVersionArn, CodeSize: layerZip.length }] });
    await s3client.send(new s3sdk.DeleteObjectCommand({ Bucket: 'rdeploy-artifacts', Key: 'functions/churn.zip' }));
    await sdk.waitUntilFunctionActiveV2({ client, ...WAIT }, { FunctionName: 'churn' });

    const answer = await client.send(new sdk.InvokeCommand({ FunctionName: 'churn', Payload: Buffer.from('{"rows":3}') }));
    expect(answer.StatusCode).toBe(200);
    expect(text(answer.Payload)).toBe('{"rows":3}');
    expect(seen[0]!.code).toEqual(code);
    expect(seen[0]!.layers).toEqual([layerZip]);

    const v2 = await zipOf({ bootstrap: '#!/bin/sh\nexec R --v2' });
    await put(s3client, 'functions/churn.zip', v2);
    const updated = await client.send(new sdk.UpdateFunctionCodeCommand({ FunctionName: 'churn', S3Bucket: 'rdeploy-artifacts', S3Key: 'functions/churn.zip' }));
    expect(updated).toMatchObject({ CodeSize: v2.length, CodeSha256: sha256(v2), LastUpdateStatus: 'InProgress' });
    await sdk.waitUntilFunctionUpdatedV2({ client, ...WAIT }, { FunctionName: 'churn' });
    await client.send(new sdk.InvokeCommand({ FunctionName: 'churn', Payload: Buffer.from('{}') }));
    expect(seen[1]!.code).toEqual(v2);

    // Recorded calls keep S3 locations as they were sent.
    expect(double.calls('PublishLayerVersion')[0]?.body).toMatchObject({ Content: { S3Bucket: 'rdeploy-artifacts', S3Key: 'layers/r-runtime.zip' } });
    expect(double.calls('CreateFunction')[0]?.body).toMatchObject({ Code: { S3Bucket: 'rdeploy-artifacts', S3Key: 'functions/churn.zip' } });
    expect(double.calls('UpdateFunctionCode')[0]?.body).toEqual({ S3Bucket: 'rdeploy-artifacts', S3Key: 'functions/churn.zip' });
  });

  it("answers a missing object or bucket with Lambda's GetObject error, and applies the size quotas to S3 zips", async () => {
    const { s3client, double, client } = await setupS3({ settleMs: 0 });
    const missingKey = await failure(
      client.send(new sdk.PublishLayerVersionCommand({ LayerName: 'r-runtime', Content: { S3Bucket: 'rdeploy-artifacts', S3Key: 'layers/none.zip' } })),
    );
    expect(missingKey).toBeInstanceOf(sdk.InvalidParameterValueException);
    expect(missingKey.$metadata.httpStatusCode).toBe(400);
    expect(missingKey.message).toBe('Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.');
    const base: CreateFunctionRequest = { FunctionName: 'churn', Runtime: 'provided.al2023', Role: ROLE, Handler: 'score.R', Code: { S3Bucket: 'rdeploy-artifacts', S3Key: 'functions/none.zip' } };
    const missingCode = await failure(client.send(new sdk.CreateFunctionCommand(base)));
    expect(missingCode).toBeInstanceOf(sdk.InvalidParameterValueException);
    expect(missingCode.message).toBe('Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.');
    const missingBucket = await failure(client.send(new sdk.CreateFunctionCommand({ ...base, Code: { S3Bucket: 'elsewhere', S3Key: 'functions/churn.zip' } })));
    expect(missingBucket).toBeInstanceOf(sdk.InvalidParameterValueException);
    expect(missingBucket.message).toBe('Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist');

    await put(s3client, 'layers/huge.zip', await zerosZip('lib/huge.so', 251 * 1024 * 1024));
    const huge = await failure(client.send(new sdk.PublishLayerVersionCommand({ LayerName: 'huge', Content: { S3Bucket: 'rdeploy-artifacts', S3Key: 'layers/huge.zip' } })));
    expect(huge).toBeInstanceOf(sdk.InvalidParameterValueException);
    expect(huge.message).toBe('Unzipped size must be smaller than 262144000 bytes');
    expect(double.layerVersions()).toEqual([]);
    expect(double.functions()).toEqual([]);
  });

  it('takes a getObject that resolves undefined for NoSuchKey, and refuses S3 locations without the s3 option', async () => {
    const objects = new Map<string, Buffer>([['b/code.zip', await zipOf({ bootstrap: 'x' })]]);
    const { client } = await setup({ settleMs: 0, s3: { getObject: async (bucket, key) => objects.get(`${bucket}/${key}`) } });
    const base: CreateFunctionRequest = { FunctionName: 'churn', Runtime: 'provided.al2023', Role: ROLE, Handler: 'score.R', Code: { S3Bucket: 'b', S3Key: 'code.zip' } };
    expect((await client.send(new sdk.CreateFunctionCommand(base))).CodeSize).toBe(objects.get('b/code.zip')!.length);
    const missing = await failure(client.send(new sdk.UpdateFunctionCodeCommand({ FunctionName: 'churn', S3Bucket: 'b', S3Key: 'other.zip' })));
    expect(missing.message).toBe('Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.');

    const { client: without } = await setup({ settleMs: 0 });
    const refused = await failure(without.send(new sdk.CreateFunctionCommand(base)));
    expect(refused).toBeInstanceOf(sdk.InvalidParameterValueException);
    expect(refused.message).toBe('S3 is not supported by this double');
  });
});
