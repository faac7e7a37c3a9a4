import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/core/project/loadProject';
import type { RProject } from '../../src/core/project/model';
import { readRecord } from '../../src/core/records/store';
import { standardConnections } from '../../src/targets/connections';
import { Deployments } from '../../src/targets/lifecycle/Deployments';
import type { LambdaRecordDetails } from '../../src/targets/lambda/details';
import { EcrDouble, IamDouble, LogsDouble, StsDouble } from '../doubles/aws';
import { LambdaDouble } from '../doubles/aws/lambda';
import { BASE_IMAGE, requireEngineAndBaseImage } from '../support/docker';
import { filesHolding, pointAwsAt } from '../support/awsEnv';
import { lambdaRunner } from '../support/lambdaRunner';
import { startRegistry, type TestRegistry } from '../support/registry';

// Image mode: the project's Lambda image (runtime in lambda mode) built by the platform pipeline,
// pushed with ECR's token into a real registry behind the ECR double, the function created from
// its digest; the Lambda double pulls and runs that very image for each invocation.
const name = `li-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
let restoreEnv: () => void = () => undefined;
const PASSWORD = 'ecr-token-password-not-real';
let registry: TestRegistry;
let ecr: EcrDouble;
let lambda: LambdaDouble;
let iam: IamDouble;
let sts: StsDouble;
let logs: LogsDouble;
let runner: ReturnType<typeof lambdaRunner>;
let tmp: string;
let project: RProject;
let deployments: Deployments;

describe('the lambda target in image mode, against AWS doubles and a real registry', () => {
  beforeAll(async () => {
    requireEngineAndBaseImage();
    registry = await startRegistry({ auth: { username: 'AWS', password: PASSWORD } });
    runner = lambdaRunner(BASE_IMAGE);
    logs = await LogsDouble.start();
    lambda = await LambdaDouble.start({ onInvoke: (fn, payload) => runner.invoke(fn, payload), onLog: (group, lines) => void logs.append(group, lines) });
    ecr = await EcrDouble.start({ registry: registry.host, username: 'AWS', password: PASSWORD });
    iam = await IamDouble.start();
    sts = await StsDouble.start();
    restoreEnv = pointAwsAt({ ECR: ecr.endpoint, LAMBDA: lambda.endpoint, IAM: iam.endpoint, STS: sts.endpoint, CLOUDWATCH_LOGS: logs.endpoint });
    deployments = new Deployments({ connections: standardConnections(), tool: 'the e2e tests' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-li-'));
    cpSync(path.join(__dirname, '../../examples/mtcars-glm'), path.join(tmp, 'mtcars-glm'), { recursive: true, filter: (src) => !src.includes('.rdeploy') });
    project = await loadProject(path.join(tmp, 'mtcars-glm'), {});
  });
  afterAll(async () => {
    await runner?.close();
    await Promise.all([lambda?.close(), ecr?.close(), iam?.close(), sts?.close(), logs?.close()]);
    await registry?.stop();
    restoreEnv();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('deploys: a tagged ECR repository, the image pushed with the token, the function from its digest; it answers; destroy leaves nothing', async () => {
    const plan = deployments.plan(project, 'lambda', { name, baseImage: BASE_IMAGE, settings: { packageType: 'image', memoryMb: 512 } });
    expect(plan.requests.map((r) => `${r.service}:${r.operation}`)).toEqual(['iam:CreateRole', 'iam:AttachRolePolicy', 'ecr:CreateRepository', 'docker:ImageBuild', 'docker:ImagePush', 'lambda:CreateFunction']);
    expect(plan.dockerfiles?.image).toContain('CMD ["Rscript", "/opt/rdeploy/runtime/main.R", "lambda"]');
    const record = await deployments.deploy(plan);
    expect(record.status).toBe('running');
    const d = record.details as LambdaRecordDetails;
    expect(d.imageUri).toMatch(new RegExp(`^${registry.host.replace(/\./g, '\\.')}/rdeploy/${name}@sha256:[0-9a-f]{64}$`));
    expect(ecr.repositories()).toEqual([expect.objectContaining({ name: `rdeploy/${name}`, tags: expect.objectContaining({ 'rdeploy-deployment': name }) })]);
    const create = lambda.calls('CreateFunction')[0]!.body as Record<string, unknown>;
    expect(create).toMatchObject({ PackageType: 'Image', Code: { ImageUri: d.imageUri } });
    expect(create).not.toHaveProperty('Runtime');
    expect(create).not.toHaveProperty('Layers');
    // The token's password never reaches the record.
    expect(JSON.stringify(await readRecord(project.root, name))).not.toContain(PASSWORD);
    expect(filesHolding(path.join(project.root, '.rdeploy'), PASSWORD)).toEqual([]);

    const ok = await deployments.invoke({ root: project.root, record }, readFileSync(path.join(project.root, 'samples', 'one-car.json'), 'utf8'));
    expect(ok).toMatchObject({ ok: true, body: { transmission: 'manual' } });
    expect(ok.logTail).toContain('scored 1 car(s)');

    await deployments.destroy({ root: project.root, name });
    expect(ecr.repositories()).toEqual([]);
    expect(lambda.functions()).toEqual([]);
    expect(iam.roles()).toEqual([]);
  });
});
