import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/core/project/loadProject';
import type { RProject } from '../../src/core/project/model';
import { readRecord } from '../../src/core/records/store';
import { standardConnections } from '../../src/targets/connections';
import { Deployments } from '../../src/targets/lifecycle/Deployments';
import { planSummary } from '../../src/targets/planSummary';
import type { LambdaRecordDetails } from '../../src/targets/lambda/details';
import { EcrDouble, IamDouble, LogsDouble, S3Server, SchedulerDouble, StsDouble } from '../doubles/aws';
import { LambdaDouble } from '../doubles/aws/lambda';
import { BASE_IMAGE, ensureGlibcOnlyImage, requireEngineAndBaseImage } from '../support/docker';
import { filesHolding, pointAwsAt } from '../support/awsEnv';
import { lambdaRunner } from '../support/lambdaRunner';

// The whole Lambda cycle through the real AWS SDK clients, against doubles of Lambda, IAM, STS
// and CloudWatch Logs on 127.0.0.1 (AWS_ENDPOINT_URL_<SERVICE>). The double runs what it was sent
// for real: the uploaded zips, unpacked into a container with no R, against our Runtime API.
const name = `lc-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
let restoreEnv: () => void = () => undefined;
const SECRET = 'sEcReT-aws-key-never-in-a-record';
let lambda: LambdaDouble;
let iam: IamDouble;
let sts: StsDouble;
let logs: LogsDouble;
let scheduler: SchedulerDouble;
let s3: S3Server;
let ecr: EcrDouble;
let runner: ReturnType<typeof lambdaRunner>;
let tmp: string;
let project: RProject;
let deployments: Deployments;
const settings = { glibcMax: '2.36', memoryMb: 512, timeoutSeconds: 30 };
const plan = (n = name, extra: Record<string, unknown> = {}) => deployments.plan(project, 'lambda', { name: n, baseImage: BASE_IMAGE, settings: { ...settings, ...extra } });
const sample = (s: string) => readFileSync(path.join(project.root, 'samples', `${s}.json`), 'utf8');
const owner = (n = name) => ({ root: project.root, name: n });
/** The deployment as the CLI locates it: its record, read afresh. */
const at = async (n = name) => ({ root: project.root, record: (await readRecord(project.root, n))! });

describe('the lambda target against AWS doubles', () => {
  beforeAll(async () => {
    requireEngineAndBaseImage();
    runner = lambdaRunner(ensureGlibcOnlyImage());
    logs = await LogsDouble.start();
    s3 = await S3Server.start();
    lambda = await LambdaDouble.start({ onInvoke: (fn, payload) => runner.invoke(fn, payload), onLog: (group, lines) => void logs.append(group, lines), s3 });
    iam = await IamDouble.start();
    sts = await StsDouble.start();
    scheduler = await SchedulerDouble.start();
    ecr = await EcrDouble.start({ registry: '127.0.0.1:1' }); // zip mode pushes nothing; a destroy without a record still looks
    // The only key s3rver knows; the other doubles take any.
    restoreEnv = pointAwsAt(
      { LAMBDA: lambda.endpoint, IAM: iam.endpoint, STS: sts.endpoint, CLOUDWATCH_LOGS: logs.endpoint, SCHEDULER: scheduler.endpoint, S3: s3.endpoint, ECR: ecr.endpoint },
      // s3rver checks the key id only: the secret can be one that a grep finds anywhere it leaks.
      { accessKeyId: S3Server.credentials.accessKeyId, secretAccessKey: SECRET },
    );
    deployments = new Deployments({ connections: standardConnections(), tool: 'the e2e tests' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-lc-'));
    cpSync(path.join(__dirname, '../../examples/mtcars-glm'), path.join(tmp, 'mtcars-glm'), { recursive: true, filter: (src) => !src.includes('.rdeploy') });
    project = await loadProject(path.join(tmp, 'mtcars-glm'), {});
  });
  afterAll(async () => {
    await runner?.close();
    await Promise.all([lambda?.close(), iam?.close(), sts?.close(), logs?.close(), scheduler?.close(), s3?.close(), ecr?.close()]);
    restoreEnv();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('plan --json holds every request as data: role, layers with their sizes, the function', () => {
    const p = plan();
    expect(p.requests.map((r) => `${r.service}:${r.operation}`)).toEqual(['iam:CreateRole', 'iam:AttachRolePolicy', 'lambda:PublishLayerVersion', 'lambda:PublishLayerVersion', 'lambda:CreateFunction']);
    expect(p.requests.at(-1)!.body).toMatchObject({ Runtime: 'provided.al2023', Handler: 'score.score', MemorySize: 512, Timeout: 30, Architectures: ['x86_64'], Tags: { 'rdeploy-deployment': name } });
    const cost = deployments.estimate(p, { requestsPerMonth: 30, durationMs: 600_000, memoryMb: 512 });
    expect(cost).toMatchObject({ monthlyUsd: 0, free: true }); // the seeds' daily 10-minute scoring at 512 MB: 9,000 GB-s, inside the free tier
  });

  it('deploys: a tagged role with basic logging only, the layers, an Active function on provided.al2023', async () => {
    const record = await deployments.deploy(plan());
    expect(record.status).toBe('running');
    const d = record.details as LambdaRecordDetails;
    expect(d).toMatchObject({ region: 'us-east-1', functionName: `rdeploy-${name}`, memoryMb: 512 });
    const [fn] = lambda.functions();
    expect(fn).toMatchObject({ name: `rdeploy-${name}`, state: 'Active', tags: { 'rdeploy-project': project.root, 'rdeploy-deployment': name } });
    expect(fn!.layers).toEqual(d.layers!.map((l) => l.arn));
    const [role] = iam.roles();
    expect(role).toMatchObject({ tags: { 'rdeploy-deployment': name }, attachedPolicies: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'] });
    const create = lambda.calls('CreateFunction')[0]!.body as Record<string, unknown>;
    expect(create).toMatchObject({ Runtime: 'provided.al2023', Handler: 'score.score', Role: role!.arn, Code: { ZipFile: { zipBytes: expect.any(Number) } } });
  });

  it('invokes: the real R answer, with the log excerpt; a handler error is an answer with its type', async () => {
    const ok = await deployments.invoke(await at(), sample('one-car'));
    expect(ok).toMatchObject({ ok: true, body: { transmission: 'manual' } });
    expect(ok.logTail).toMatch(/scored 1 car\(s\)[\s\S]*REPORT RequestId/);
    const bad = await deployments.invoke(await at(), '{"wt": [1, 2], "hp": [100]}');
    expect(bad).toMatchObject({ ok: false, body: { errorType: 'simpleError', errorMessage: expect.stringContaining('same length') } });
    await expect(deployments.invoke(await at(), JSON.stringify({ pad: 'x'.repeat(6 * 1024 * 1024) }))).rejects.toMatchObject({ code: 'payload-invalid' });
    expect(lambda.calls('Invoke')).toHaveLength(2); // the oversized payload never left
    // --async: an Event invocation is queued (1 MB at most, checked here first).
    await deployments.invokeAsync(await at(), sample('fleet'));
    expect(lambda.calls('Invoke')).toHaveLength(3);
    await expect(deployments.invokeAsync(await at(), JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }))).rejects.toMatchObject({ code: 'payload-invalid' });
    expect(lambda.calls('Invoke')).toHaveLength(3);
  });

  it('reads the logs from /aws/lambda/<function>', async () => {
    const lines: string[] = [];
    for await (const e of deployments.logs(await at(), { tail: 50 })) lines.push(e.message);
    expect(lines.join('\n')).toContain('scored 1 car(s)');
    expect(await deployments.status(await at())).toMatchObject({ state: 'running' });
    // --follow: live tail first; the double refuses it as unavailable, so polling takes over.
    const stop = new AbortController();
    const followed: string[] = [];
    const following = (async () => {
      for await (const e of deployments.logs(await at(), { follow: true, tail: 0, signal: stop.signal })) {
        followed.push(e.message);
        if (e.message.includes('scored 4 car(s)')) stop.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    await deployments.invoke(await at(), sample('fleet'));
    const timer = setTimeout(() => stop.abort(), 20_000);
    await following;
    clearTimeout(timer);
    expect(followed.join('\n')).toContain('scored 4 car(s)');
    expect(followed.join('\n')).not.toContain('scored 1 car(s)'); // tail 0: only what came after
    expect(logs.calls('StartLiveTail')).toHaveLength(1);
    expect(logs.calls('FilterLogEvents').length).toBeGreaterThanOrEqual(3);
  });

  it('redeploys a code change with a public URL and a daily schedule: function.zip updated in place, through a conflict, the unchanged layers reused', async () => {
    writeFileSync(path.join(project.root, 'score.R'), readFileSync(path.join(project.root, 'score.R'), 'utf8').replace('message("scored "', 'message("v2 scored "'));
    project = await loadProject(project.root, {});
    const published = lambda.calls('PublishLayerVersion').length;
    lambda.injectFault({ operation: 'UpdateFunctionCode', kind: 'error', status: 409, type: 'ResourceConflictException', message: `The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:rdeploy-${name}` });
    const withUrl = plan(name, { url: 'NONE', schedule: 'rate(1 day)', scheduleInput: 'fleet' });
    expect(planSummary(withUrl, deployments.estimate(withUrl)).warnings.join(' ')).toContain('url=NONE: anyone who finds the function URL can call the model');
    const record = await deployments.deploy(withUrl);
    expect(record.status).toBe('running');
    expect(record.endpoint).toMatch(/^https:\/\/\w+\.lambda-url\.us-east-1\.on\.aws\/$/);
    expect(lambda.functions()[0]!.urlConfig).toEqual({ authType: 'NONE' });
    expect(lambda.calls('AddPermission')[0]!.body).toMatchObject({ Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' });
    expect(lambda.calls('PublishLayerVersion')).toHaveLength(published);
    // The schedule invokes the function with the fleet sample, through a role that may do only that.
    const d = record.details as LambdaRecordDetails & { schedulerRoleArn: string };
    expect(scheduler.schedules()).toEqual([
      expect.objectContaining({ expression: 'rate(1 day)', target: { arn: d.functionArn, roleArn: d.schedulerRoleArn, input: sample('fleet') } }),
    ]);
    const schedRole = iam.roles().find((r) => r.arn === d.schedulerRoleArn)!;
    expect(schedRole.inlinePolicies).toEqual({
      'rdeploy-invoke-function': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [d.functionArn, `${d.functionArn}:*`] }] },
    });
    expect(schedRole.attachedPolicies).toEqual([]);
    expect(lambda.calls('UpdateFunctionCode').length).toBe(2);
    expect(lambda.calls('CreateFunction')).toHaveLength(1);
    const r = await deployments.invoke(await at(), sample('one-car'));
    expect(r.logTail).toContain('v2 scored 1 car(s)');
  });

  it('a deploy that fails half-way removes what it created and records failed', async () => {
    const other = `${name}-b`;
    lambda.injectFault({ operation: 'CreateFunction', kind: 'error', status: 400, type: 'InvalidParameterValueException', message: 'The provided execution role does not have permissions to call CreateNetworkInterface on EC2' });
    await expect(deployments.deploy(plan(other))).rejects.toMatchObject({ message: expect.stringContaining('CreateNetworkInterface') });
    expect((await readRecord(project.root, other))?.status).toBe('failed');
    expect(iam.roles().filter((r) => r.tags['rdeploy-deployment'] === other)).toEqual([]);
    expect(lambda.layerVersions().filter((v) => v.layerName.startsWith(`rdeploy-${other}-`))).toEqual([]);
    expect(lambda.functions().filter((f) => f.name === `rdeploy-${other}`)).toEqual([]);
    await deployments.destroy(owner(other));
  });

  it('a model over 50 MB zipped goes to Lambda through S3, and nothing stays in S3', async () => {
    const big = path.join(tmp, 'big-model');
    cpSync(project.root, big, { recursive: true, filter: (src) => !src.includes('.rdeploy') });
    writeFileSync(path.join(big, 'weights.bin'), randomBytes(56 * 1024 * 1024)); // incompressible: 56 MB zipped
    const bigProject = await loadProject(big, {});
    const other = `${name}-s3`;
    const record = await deployments.deploy(deployments.plan(bigProject, 'lambda', { name: other, baseImage: BASE_IMAGE, settings }));
    expect(record.status).toBe('running');
    const create = lambda.calls('CreateFunction').at(-1)!.body as { Code: Record<string, unknown> };
    expect(create.Code).toEqual({ S3Bucket: expect.stringMatching(/^rdeploy-[0-9a-f]{24}-staging$/), S3Key: expect.stringMatching(/^function-[0-9a-f]{64}\.zip$/) });
    expect(await s3.objects()).toEqual([]);
    const r = await deployments.invoke({ root: big, record }, sample('one-car'));
    expect(r).toMatchObject({ ok: true, body: { transmission: 'manual' } });
    await deployments.destroy({ root: big, name: other });
    expect(lambda.functions().filter((f) => f.name === `rdeploy-${other}`)).toEqual([]);
  });

  it('no record, lock or log of the project holds the AWS secret key', () => {
    expect(filesHolding(path.join(project.root, '.rdeploy'), SECRET)).toEqual([]);
  });

  it('destroy (--logs) leaves nothing tagged in any double, the log group gone too, and a second destroy finds nothing', async () => {
    expect(logs.groups()).toContain(`/aws/lambda/rdeploy-${name}`);
    const report = await deployments.destroy(owner(), {}, undefined, { logs: true });
    expect(report).toMatchObject({ removed: expect.arrayContaining([`log group /aws/lambda/rdeploy-${name}`]) });
    expect(logs.groups()).not.toContain(`/aws/lambda/rdeploy-${name}`);
    expect(lambda.functions()).toEqual([]);
    expect(lambda.layerVersions()).toEqual([]);
    expect(iam.roles()).toEqual([]);
    expect(scheduler.schedules()).toEqual([]);
    expect(await s3.objects()).toEqual([]);
    expect(await deployments.destroy(owner())).toBe('nothing-left');
  });

  it('refused credentials are one sentence, before anything is recorded or built', async () => {
    const bad = await StsDouble.start({ rejectCredentials: true });
    process.env.AWS_ENDPOINT_URL_STS = bad.endpoint;
    const fresh = new Deployments({ connections: standardConnections(), tool: 'the e2e tests' });
    try {
      await expect(fresh.deploy(fresh.plan(project, 'lambda', { name: `${name}-c`, baseImage: BASE_IMAGE, settings }))).rejects.toMatchObject({
        code: 'config-invalid',
        message: expect.stringMatching(/^Checking your AWS credentials: AWS refused the credentials .*aws sso login/),
      });
      expect(await readRecord(project.root, `${name}-c`)).toBeUndefined();
    } finally {
      process.env.AWS_ENDPOINT_URL_STS = sts.endpoint;
      await bad.close();
    }
  });
});
