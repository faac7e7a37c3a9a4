// The Batch double's data plane (2025-06-01) through a real @azure/core-rest-pipeline client with
// bearerTokenAuthenticationPolicy and a ClientSecretCredential against the ARM double's Entra
// endpoint. No Docker: pools here have no nodes, or nodes that take ten hours to start.
import { afterEach, describe, expect, it } from 'vitest';
import { ArmDouble } from '../../doubles/azure';
import type { BatchAccountDouble, BatchOptions } from '../../doubles/azure/batch';
import { batchDataClient, type BatchSend } from '../../doubles/azure/batch/client';

const open: ArmDouble[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.stop()));
});

async function setup(options: BatchOptions = {}, quota?: number): Promise<{ arm: ArmDouble; account: BatchAccountDouble; send: BatchSend }> {
  const arm = await ArmDouble.start();
  open.push(arm);
  arm.batch.configure({ nodeStartMs: 36_000_000 / arm.timeScale, ...options });
  const account = await arm.batch.createAccount({ name: 'rdeploydata', ...(quota ? { activeJobAndJobScheduleQuota: quota } : {}) });
  return { arm, account, send: await batchDataClient(arm, account) };
}

const VM = { imageReference: { publisher: 'microsoft-dsvm', offer: 'ubuntu-hpc', sku: '2404', version: 'latest' }, nodeAgentSKUId: 'batch.node.ubuntu 24.04', containerConfiguration: { type: 'dockerCompatible', containerImageNames: [] } };
const pool = (id: string, over: Record<string, unknown> = {}) => ({ id, vmSize: 'standard_d2s_v3', virtualMachineConfiguration: VM, targetDedicatedNodes: 0, ...over });
const TASK = { commandLine: 'Rscript /app/job.R', containerSettings: { imageName: '127.0.0.1:5000/model:1', containerRunOptions: '--rm', registry: { registryServer: '127.0.0.1:5000', username: 'u', password: 'secret-pw' } } };

const error = (body: unknown) => body as { code: string; message: { lang: string; value: string }; values?: Array<{ key: string; value: string }> };

describe('the front door', () => {
  it('wants a bearer token for https://batch.core.windows.net/ and api-version 2025-06-01, in the service’s words', async () => {
    const { arm, account, send } = await setup();
    const url = `${account.endpoint}/pools?api-version=2025-06-01`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'AuthenticationFailed', values: [{ key: 'AuthenticationErrorDetail', value: 'The Authorization header is missing.' }] });
    const armToken = await fetch(url, { headers: { authorization: `Bearer ${arm.tokenFor(arm.deployer.objectId)}` } });
    expect(armToken.status).toBe(401);
    const batchToken = await fetch(url, { headers: { authorization: `Bearer ${arm.tokenFor(arm.deployer.objectId, 'https://batch.core.windows.net/')}` } });
    expect(batchToken.status).toBe(200);

    const none = await send('GET', '/pools', { query: { 'api-version': '' } });
    expect(none.status).toBe(400);
    expect(error(none.body)).toMatchObject({ code: 'MissingRequiredQueryParameter', values: [{ key: 'QueryParameterName', value: 'api-version' }] });
    expect(error(none.body).message.value).toMatch(/^A query parameter that's mandatory for this request is not specified\.\nRequestId:[0-9a-f-]{36}\nTime:\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    const old = await send('GET', '/pools', { query: { 'api-version': '2024-07-01.20.0' } });
    expect(old.status).toBe(400);
    expect(error(old.body)).toMatchObject({ code: 'InvalidQueryParameterValue', values: [{ key: 'QueryParameterName', value: 'api-version' }, { key: 'QueryParameterValue', value: '2024-07-01.20.0' }] });
    expect((old.body as Record<string, unknown>)['odata.metadata']).toBe(`${account.endpoint}/$metadata#Microsoft.Azure.Batch.Protocol.Entities.Container.errors/@Element`);
    expect((await send('GET', '/nowhere')).body).toMatchObject({ code: 'InvalidUri' });
    expect(old.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the Entra endpoint issues the token for the scope as the spec writes it (https://batch.core.windows.net//.default) too', async () => {
    const { arm } = await setup();
    const { ClientSecretCredential } = await import('@azure/identity');
    const credential = new ClientSecretCredential(arm.tenantId, arm.deployer.clientId, arm.deployer.clientSecret, { authorityHost: arm.url, disableInstanceDiscovery: true });
    const token = await credential.getToken('https://batch.core.windows.net//.default');
    expect(arm.verifyToken(token.token, ['https://batch.core.windows.net/'])).toMatchObject({ oid: arm.deployer.objectId });
  });
});

describe('supported images', () => {
  it('lists the images of late 2026 with capabilities and end of life; $filter narrows them', async () => {
    const { send } = await setup();
    const all = (await send('GET', '/supportedimages')).body as { value: Array<Record<string, unknown>> };
    expect(all.value).toContainEqual({
      nodeAgentSKUId: 'batch.node.ubuntu 24.04',
      imageReference: { publisher: 'microsoft-dsvm', offer: 'ubuntu-hpc', sku: '2404', version: 'latest' },
      verificationType: 'verified',
      capabilities: ['DockerCompatible', 'NvidiaTeslaDriverInstalled', 'SupportsRDMAOnly'],
      osType: 'linux',
    });
    const canonical = all.value.find((i) => (i.imageReference as { publisher: string }).publisher === 'canonical' && (i.nodeAgentSKUId as string).endsWith('24.04'));
    expect(canonical?.capabilities).toBeUndefined();
    const jammy = all.value.filter((i) => i.nodeAgentSKUId === 'batch.node.ubuntu 22.04');
    expect(jammy.map((i) => i.batchSupportEndOfLife)).toEqual(['2027-06-30T00:00:00Z', '2027-06-30T00:00:00Z']);
    expect(all.value.some((i) => String(i.nodeAgentSKUId).includes('20.04'))).toBe(false);
    const windows = (await send('GET', '/supportedimages', { query: { $filter: "osType eq 'windows'" } })).body as { value: unknown[] };
    expect(windows.value).toHaveLength(1);
    expect((await send('GET', '/supportedimages', { query: { $filter: "startswith(osType, 'w')" } })).status).toBe(400);
  });
});

describe('pools', () => {
  it('Create (201, DataServiceId), Get (ETag), Exists, List; refusals by property', async () => {
    const { account, send } = await setup();
    const created = await send('POST', '/pools', { body: pool('p1', { metadata: [{ name: 'owner', value: 'rdeploy' }] }) });
    expect(created.status).toBe(201);
    expect(created.headers.dataserviceid).toBe(`${account.endpoint}/pools/p1`);
    const got = await send('GET', '/pools/p1');
    expect(got.body).toMatchObject({ 'odata.metadata': `${account.endpoint}/$metadata#pools/@Element`, id: 'p1', url: `${account.endpoint}/pools/p1`, state: 'active', allocationState: 'steady', resizeTimeout: 'PT15M', currentDedicatedNodes: 0, metadata: [{ name: 'owner', value: 'rdeploy' }] });
    expect(got.headers.etag).toBe((got.body as { eTag: string }).eTag);
    expect((await send('HEAD', '/pools/p1')).status).toBe(200);
    expect((await send('HEAD', '/pools/nope')).status).toBe(404);
    expect((await send('GET', '/pools/nope')).body).toMatchObject({ code: 'PoolNotFound' });
    expect((await send('POST', '/pools', { body: pool('P1') })).body).toMatchObject({ code: 'PoolExists' });
    expect((await send('POST', '/pools', { body: { id: 'p2', virtualMachineConfiguration: VM } })).body).toMatchObject({ code: 'MissingRequiredProperty', values: [{ key: 'PropertyName', value: 'vmSize' }] });
    expect((await send('POST', '/pools', { body: pool('bad id') })).body).toMatchObject({ code: 'InvalidPropertyValue', values: expect.arrayContaining([{ key: 'PropertyName', value: 'id' }]) });
    expect((await send('POST', '/pools', { body: pool('p3', { taskSlotsPerNode: 257 }) })).status).toBe(400);
    const list = (await send('GET', '/pools', { query: { $select: 'id,state' } })).body as { value: unknown[] };
    expect(list.value).toEqual([{ id: 'p1', state: 'active' }]);
  });

  it('Enable AutoScale: never while resizing, at most once per 30 s, a formula required the first time', async () => {
    const { send } = await setup();
    await send('POST', '/pools', { body: pool('busy', { targetDedicatedNodes: 1 }) });
    const resizing = await send('POST', '/pools/busy/enableautoscale', { body: { autoScaleFormula: '$TargetDedicatedNodes = 1;' } });
    expect(resizing.status).toBe(409);
    expect(error(resizing.body)).toMatchObject({ code: 'PoolBeingResized', message: { value: expect.stringMatching(/^The specified pool is being resized\./) } });

    await send('POST', '/pools', { body: pool('p1') });
    expect((await send('POST', '/pools/p1/enableautoscale', { body: {} })).body).toMatchObject({ code: 'InvalidAutoScalingSettings' });
    expect((await send('POST', '/pools/p1/enableautoscale', { body: { autoScaleFormula: '$TargetDedicatedNodes = 0;', autoScaleEvaluationInterval: 'PT5M' } })).status).toBe(200);
    const again = await send('POST', '/pools/p1/enableautoscale', { body: { autoScaleFormula: '$TargetDedicatedNodes = 0;' }, maxRetries: 0 });
    expect(again.status).toBe(503);
    expect(error(again.body)).toMatchObject({ code: 'TooManyEnableAutoScaleRequests', message: { value: expect.stringMatching(/^Too many Enable Pool AutoScale requests are issued on the pool\./) } });
    const got = (await send('GET', '/pools/p1')).body;
    expect(got).toMatchObject({ enableAutoScale: true, autoScaleFormula: '$TargetDedicatedNodes = 0;', autoScaleEvaluationInterval: 'PT5M', autoScaleRun: { results: '$TargetDedicatedNodes=0;$TargetLowPriorityNodes=0;$NodeDeallocationOption=requeue' } });
  });

  it('Enable AutoScale is allowed again once the interval has passed', async () => {
    const { send } = await setup({ enableAutoScaleIntervalMs: 300 });
    await send('POST', '/pools', { body: pool('p1') });
    expect((await send('POST', '/pools/p1/enableautoscale', { body: { autoScaleFormula: '$TargetDedicatedNodes = 0;' } })).status).toBe(200);
    expect((await send('POST', '/pools/p1/enableautoscale', { body: { autoScaleEvaluationInterval: 'PT10M' }, maxRetries: 0 })).status).toBe(503);
    await new Promise((r) => setTimeout(r, 350));
    expect((await send('POST', '/pools/p1/enableautoscale', { body: { autoScaleEvaluationInterval: 'PT10M' } })).status).toBe(200);
    expect((await send('POST', '/pools/p1/enableautoscale', { body: { autoScaleEvaluationInterval: 'PT4M' }, maxRetries: 0 })).status).toBe(503);
  });

  it('Evaluate AutoScale needs autoscale on; answers the AutoScaleRun; refuses a formula with a syntax error', async () => {
    const { account, send } = await setup();
    await send('POST', '/pools', { body: pool('fixed') });
    expect((await send('POST', '/pools/fixed/evaluateautoscale', { body: { autoScaleFormula: '$TargetDedicatedNodes = 1;' } })).body).toMatchObject({ code: 'OperationInvalidForCurrentState' });

    await send('POST', '/pools', { body: pool('auto', { targetDedicatedNodes: undefined, enableAutoScale: true, autoScaleFormula: '$TargetDedicatedNodes = 0;' }) });
    account.setSamples('auto', '$PendingTasks', Array(30).fill(12));
    const formula = '$tasks = avg($PendingTasks.GetSample(TimeInterval_Minute * 15)); $TargetDedicatedNodes = min(5, $tasks); $TargetLowPriorityNodes = max(0, $tasks - 5);';
    const run = await send('POST', '/pools/auto/evaluateautoscale', { body: { autoScaleFormula: formula } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ 'odata.metadata': `${account.endpoint}/$metadata#Microsoft.Azure.Batch.Protocol.Entities.AutoScaleRun`, results: '$TargetDedicatedNodes=5;$TargetLowPriorityNodes=7;$NodeDeallocationOption=requeue;$tasks=12' });
    expect(Date.parse((run.body as { timestamp: string }).timestamp)).not.toBeNaN();
    // Evaluated, not applied.
    expect((await send('GET', '/pools/auto')).body).toMatchObject({ targetDedicatedNodes: 0, targetLowPriorityNodes: 0 });

    const thin = await send('POST', '/pools/auto/evaluateautoscale', { body: { autoScaleFormula: '$TargetDedicatedNodes = avg($CPUPercent.GetSample(TimeInterval_Minute * 5, 70));' } });
    expect(thin.body).toMatchObject({ error: { code: 'InsufficientSampleData', message: 'Autoscale evaluation failed due to insufficient sample data' } });
    const syntax = await send('POST', '/pools/auto/evaluateautoscale', { body: { autoScaleFormula: '$TargetDedicatedNodes = max(1,;' } });
    expect(syntax.status).toBe(400);
    expect(error(syntax.body)).toMatchObject({ code: 'AutoScalingFormulaSyntaxError', values: [{ key: 'Message', value: "Line 1, Col 31: unexpected ';'" }] });
    expect((await send('POST', '/pools/auto/evaluateautoscale', { body: {} })).body).toMatchObject({ code: 'MissingRequiredProperty' });
  });

  it("the pool's automatic scaling runs on its samples and resizes the pool; Disable AutoScale keeps the size", async () => {
    const { account, send } = await setup();
    await send('POST', '/pools', { body: pool('auto', { targetDedicatedNodes: undefined, enableAutoScale: true, autoScaleFormula: '$TargetLowPriorityNodes = max(0, $PendingTasks.GetSample(1));' }) });
    account.setSamples('auto', '$PendingTasks', [3]);
    expect(account.runAutoScale('auto')?.results).toBe('$TargetDedicatedNodes=0;$TargetLowPriorityNodes=3;$NodeDeallocationOption=requeue');
    expect((await send('GET', '/pools/auto')).body).toMatchObject({ targetLowPriorityNodes: 3, currentLowPriorityNodes: 3, allocationState: 'resizing' });
    expect((await send('POST', '/pools/auto/resize', { body: { targetDedicatedNodes: 1 } })).body).toMatchObject({ code: 'OperationInvalidForCurrentState' });
    expect((await send('POST', '/pools/auto/disableautoscale')).status).toBe(200);
    expect((await send('GET', '/pools/auto')).body).toMatchObject({ enableAutoScale: false, targetLowPriorityNodes: 3 });
  });

  it('Resize: 202 on a steady pool, 409 PoolBeingResized while resizing; node counts and nodes as data; Stop Resize', async () => {
    const { account, send } = await setup();
    await send('POST', '/pools', { body: pool('p1') });
    const resize = await send('POST', '/pools/p1/resize', { body: { targetDedicatedNodes: 1, targetLowPriorityNodes: 2, nodeDeallocationOption: 'taskcompletion' } });
    expect(resize.status).toBe(202);
    expect(resize.headers.dataserviceid).toBe(`${account.endpoint}/pools/p1`);
    expect((await send('POST', '/pools/p1/resize', { body: { targetDedicatedNodes: 2 } })).body).toMatchObject({ code: 'PoolBeingResized' });
    const nodes = (await send('GET', '/pools/p1/nodes')).body as { value: Array<Record<string, unknown>> };
    expect(nodes.value.map((n) => [n.state, n.isDedicated])).toEqual([
      ['starting', true],
      ['starting', false],
      ['starting', false],
    ]);
    expect(nodes.value[0]).toMatchObject({ id: expect.stringMatching(/^tvmps_[0-9a-f]{64}_d$/), schedulingState: 'enabled', vmSize: 'standard_d2s_v3', runningTasksCount: 0, totalTasksRun: 0 });
    expect((await send('GET', `/pools/p1/nodes/${nodes.value[1]!.id as string}`)).body).toMatchObject({ isDedicated: false });
    const counts = (await send('GET', '/nodecounts')).body as { value: Array<{ poolId: string; dedicated: Record<string, number>; lowPriority: Record<string, number> }> };
    expect(counts.value[0]).toMatchObject({ poolId: 'p1', dedicated: { starting: 1, total: 1 }, lowPriority: { starting: 2, total: 2, idle: 0 } });
    expect((await send('POST', '/pools/p1/stopresize')).status).toBe(202);
    expect((await send('GET', '/pools/p1')).body).toMatchObject({ allocationState: 'stopping', targetDedicatedNodes: 1, targetLowPriorityNodes: 2 });
    expect((await send('DELETE', '/pools/p1')).status).toBe(202);
    expect((await send('GET', '/pools/p1')).body).toMatchObject({ state: 'deleting' });
    expect((await send('POST', '/pools/p1/resize', { body: { targetDedicatedNodes: 0 } })).body).toMatchObject({ code: 'PoolBeingDeleted' });
  });
});

describe('jobs and job schedules', () => {
  it('Create and Get a job; duplicates and ids of schedules refused; terminatejob on a job without tasks completes it at once', async () => {
    const { account, send } = await setup();
    expect((await send('POST', '/jobs', { body: { id: 'job1', poolInfo: { poolId: 'p1' }, constraints: { maxTaskRetryCount: 2 }, metadata: [{ name: 'rdeploy', value: 'x' }] } })).status).toBe(201);
    expect((await send('GET', '/jobs/job1')).body).toMatchObject({
      'odata.metadata': `${account.endpoint}/$metadata#jobs/@Element`,
      id: 'job1',
      url: `${account.endpoint}/jobs/job1`,
      state: 'active',
      priority: 0,
      maxParallelTasks: -1,
      usesTaskDependencies: false,
      allowTaskPreemption: false,
      onAllTasksComplete: 'noaction',
      onTaskFailure: 'noaction',
      constraints: { maxWallClockTime: 'P10675199DT2H48M5.4775807S', maxTaskRetryCount: 2 },
      poolInfo: { poolId: 'p1' },
      executionInfo: { poolId: 'p1' },
    });
    expect((await send('POST', '/jobs', { body: { id: 'JOB1', poolInfo: { poolId: 'p1' } } })).body).toMatchObject({ code: 'JobExists' });
    expect((await send('POST', '/jobs', { body: { id: 'job2' } })).body).toMatchObject({ code: 'MissingRequiredProperty', values: [{ value: 'poolInfo' }] });
    expect((await send('POST', '/jobs', { body: { id: 'job2', poolInfo: { autoPoolSpecification: {} } } })).body).toMatchObject({ code: 'InvalidPropertyValue' });

    await send('POST', '/jobs', { body: { id: 'empty', poolInfo: { poolId: 'p1' }, onAllTasksComplete: 'terminatejob' } });
    expect((await send('GET', '/jobs/empty')).body).toMatchObject({ state: 'completed', executionInfo: { terminateReason: 'AllTasksComplete' } });
    expect((await send('POST', '/jobs/empty/tasks', { body: { id: 't1', ...TASK } })).body).toMatchObject({ code: 'JobCompleted' });

    await send('POST', '/jobschedules', { body: { id: 'sched', schedule: { recurrenceInterval: 'PT1H' }, jobSpecification: { poolInfo: { poolId: 'p1' } } } });
    expect((await send('POST', '/jobs', { body: { id: 'sched', poolInfo: { poolId: 'p1' } } })).body).toMatchObject({ code: 'JobScheduleWithSameIdExists' });
    expect((await send('POST', '/jobschedules', { body: { id: 'job1', schedule: {}, jobSpecification: { poolInfo: { poolId: 'p1' } } } })).body).toMatchObject({ code: 'JobWithSameIdExists' });
  });

  it('Update Job: onAllTasksComplete terminatejob ends a job whose tasks are all complete, and cannot be undone', async () => {
    const { send } = await setup();
    await send('POST', '/jobs', { body: { id: 'job1', poolInfo: { poolId: 'p1' } } });
    await send('POST', '/jobs/job1/tasks', { body: { id: 't1', ...TASK } });
    await send('POST', '/jobs/job1/tasks/t1/terminate');
    expect((await send('PATCH', '/jobs/job1', { body: { onAllTasksComplete: 'terminatejob', priority: 10 } })).status).toBe(200);
    expect((await send('GET', '/jobs/job1')).body).toMatchObject({ state: 'completed', priority: 10, executionInfo: { terminateReason: 'AllTasksComplete' } });
  });

  it('the active job and job schedule quota answers ActiveJobAndScheduleQuotaReached', async () => {
    const { send } = await setup({}, 2);
    await send('POST', '/jobs', { body: { id: 'a', poolInfo: { poolId: 'p1' } } });
    await send('POST', '/jobschedules', { body: { id: 's', schedule: { recurrenceInterval: 'P1D' }, jobSpecification: { poolInfo: { poolId: 'p1' } } } });
    const third = await send('POST', '/jobs', { body: { id: 'b', poolInfo: { poolId: 'p1' } } });
    expect(third.status).toBe(409);
    expect(error(third.body)).toMatchObject({ code: 'ActiveJobAndScheduleQuotaReached', message: { value: expect.stringMatching(/^Active job and job schedule quota for the account has been reached\./) } });
    await send('POST', '/jobs/a/terminate');
    expect((await send('POST', '/jobs', { body: { id: 'b', poolInfo: { poolId: 'p1' } } })).status).toBe(201);
  });

  it('a schedule makes its jobs when fired: {id}:job-n with the Job Manager Task, one active job at a time; Terminate ends it', async () => {
    const { account, send } = await setup();
    const spec = { poolInfo: { poolId: 'p1' }, jobManagerTask: { id: 'manager', commandLine: '', containerSettings: { imageName: '127.0.0.1:5000/model:1' }, environmentSettings: [{ name: 'RDEPLOY_MODE', value: 'job' }] } };
    expect((await send('POST', '/jobschedules', { body: { id: 'nightly', schedule: { recurrenceInterval: 'PT30S' }, jobSpecification: spec } })).body).toMatchObject({ code: 'InvalidPropertyValue' });
    expect((await send('POST', '/jobschedules', { body: { id: 'nightly', schedule: { recurrenceInterval: 'P1D' }, jobSpecification: spec, metadata: [{ name: 'owner', value: 'rdeploy' }] } })).status).toBe(201);
    const got = (await send('GET', '/jobschedules/nightly')).body as Record<string, unknown>;
    expect(got).toMatchObject({ id: 'nightly', state: 'active', schedule: { recurrenceInterval: 'P1D' }, jobSpecification: { priority: 0, maxParallelTasks: -1, onAllTasksComplete: 'noaction', poolInfo: { poolId: 'p1' }, jobManagerTask: { id: 'manager' } }, metadata: [{ name: 'owner', value: 'rdeploy' }] });
    expect(Date.parse((got.executionInfo as { nextRunTime: string }).nextRunTime)).not.toBeNaN();
    expect((await send('GET', '/jobs')).body).toMatchObject({ value: [] });

    expect(account.fireSchedule('nightly')).toBe('nightly:job-1');
    expect(account.fireSchedule('nightly')).toBeUndefined();
    const manager = (await send('GET', `/jobs/${encodeURIComponent('nightly:job-1')}/tasks/manager`)).body;
    expect(manager).toMatchObject({ id: 'manager', state: 'active', commandLine: '', containerSettings: { imageName: '127.0.0.1:5000/model:1' }, environmentSettings: [{ name: 'RDEPLOY_MODE', value: 'job' }] });
    expect((await send('GET', '/jobschedules/nightly')).body).toMatchObject({ executionInfo: { recentJob: { id: 'nightly:job-1', url: `${account.endpoint}/jobs/nightly:job-1` } } });
    expect(((await send('GET', '/jobschedules/nightly/jobs')).body as { value: Array<{ id: string }> }).value.map((j) => j.id)).toEqual(['nightly:job-1']);

    expect((await send('POST', '/jobschedules/nightly/terminate')).status).toBe(202);
    expect((await send('GET', '/jobschedules/nightly')).body).toMatchObject({ state: 'completed' });
    expect((await send('GET', '/jobs/nightly:job-1')).body).toMatchObject({ state: 'completed', executionInfo: { terminateReason: 'TerminateJobSchedule' } });
    expect(account.fireSchedule('nightly')).toBeUndefined();
    expect((await send('DELETE', '/jobschedules/nightly')).status).toBe(202);
    expect((await send('GET', '/jobschedules/nightly')).body).toMatchObject({ code: 'JobScheduleNotFound' });
    expect((await send('GET', '/jobs/nightly:job-1')).body).toMatchObject({ code: 'JobNotFound' });
  });

  it('a schedule without recurrence makes its one job at once', async () => {
    const { send } = await setup();
    await send('POST', '/jobschedules', { body: { id: 'once', schedule: {}, jobSpecification: { poolInfo: { poolId: 'p1' } } } });
    expect(((await send('GET', '/jobs')).body as { value: Array<{ id: string }> }).value.map((j) => j.id)).toEqual(['once:job-1']);
  });
});

describe('tasks', () => {
  it('Create and Get: defaults from the job, no registry password shown; duplicates and unserved features refused', async () => {
    const { account, send } = await setup();
    await send('POST', '/jobs', { body: { id: 'job1', poolInfo: { poolId: 'p1' }, constraints: { maxTaskRetryCount: 3 } } });
    const created = await send('POST', '/jobs/job1/tasks', { body: { id: 't1', ...TASK, environmentSettings: [{ name: 'A', value: '1' }] } });
    expect(created.status).toBe(201);
    expect(created.headers.dataserviceid).toBe(`${account.endpoint}/jobs/job1/tasks/t1`);
    const task = (await send('GET', '/jobs/job1/tasks/t1')).body;
    expect(task).toMatchObject({
      id: 't1',
      url: `${account.endpoint}/jobs/job1/tasks/t1`,
      state: 'active',
      commandLine: 'Rscript /app/job.R',
      containerSettings: { imageName: '127.0.0.1:5000/model:1', containerRunOptions: '--rm', registry: { registryServer: '127.0.0.1:5000', username: 'u' } },
      environmentSettings: [{ name: 'A', value: '1' }],
      constraints: { maxWallClockTime: 'P10675199DT2H48M5.4775807S', retentionTime: 'P7D', maxTaskRetryCount: 3 },
      requiredSlots: 1,
      executionInfo: { retryCount: 0, requeueCount: 0 },
    });
    expect(JSON.stringify(task)).not.toContain('secret-pw');
    expect((await send('POST', '/jobs/job1/tasks', { body: { id: 'T1', ...TASK } })).body).toMatchObject({ code: 'TaskExists' });
    expect((await send('POST', '/jobs/job1/tasks', { body: { id: 't2' } })).body).toMatchObject({ code: 'MissingRequiredProperty', values: [{ value: 'commandLine' }] });
    expect((await send('POST', '/jobs/job1/tasks', { body: { id: 't2', ...TASK, containerSettings: {} } })).body).toMatchObject({ code: 'MissingRequiredProperty', values: [{ value: 'containerSettings.imageName' }] });
    expect((await send('POST', '/jobs/job1/tasks', { body: { id: 't2', ...TASK, dependsOn: { taskIds: ['t1'] } } })).body).toMatchObject({ code: 'InvalidPropertyValue' });
    expect((await send('POST', '/jobs/nope/tasks', { body: { id: 't2', ...TASK } })).body).toMatchObject({ code: 'JobNotFound' });
  });

  it('Create Collection: up to 100 at once, each with its own result', async () => {
    const { account, send } = await setup();
    await send('POST', '/jobs', { body: { id: 'job1', poolInfo: { poolId: 'p1' } } });
    const hundred = Array.from({ length: 100 }, (_, i) => ({ id: `chunk-${i + 1}`, ...TASK }));
    const added = await send('POST', '/jobs/job1/addtaskcollection', { body: { value: hundred } });
    expect(added.status).toBe(200);
    const results = (added.body as { value: Array<Record<string, unknown>> }).value;
    expect(results).toHaveLength(100);
    expect(results[0]).toMatchObject({ status: 'success', taskId: 'chunk-1', eTag: expect.stringMatching(/^0x8D/), location: `${account.endpoint}/jobs/job1/tasks/chunk-1` });
    const tooMany = await send('POST', '/jobs/job1/addtaskcollection', { body: { value: [...hundred, { id: 'chunk-101', ...TASK }] } });
    expect(tooMany.status).toBe(400);
    const mixed = await send('POST', '/jobs/job1/addtaskcollection', { body: { value: [{ id: 'chunk-1', ...TASK }, { id: 'new', ...TASK }, { id: 'broken' }] } });
    expect((mixed.body as { value: unknown[] }).value).toEqual([
      { status: 'clienterror', taskId: 'chunk-1', error: { code: 'TaskExists', message: { lang: 'en-US', value: 'The specified task already exists.' } } },
      expect.objectContaining({ status: 'success', taskId: 'new' }),
      { status: 'clienterror', taskId: 'broken', error: expect.objectContaining({ code: 'MissingRequiredProperty' }) },
    ]);
    expect((await send('GET', '/jobs/job1/taskcounts')).body).toEqual({ taskCounts: { active: 101, running: 0, completed: 0, succeeded: 0, failed: 0 }, taskSlotCounts: { active: 101, running: 0, completed: 0, succeeded: 0, failed: 0 } });
  });

  it('List with $filter and paging (maxresults, odata.nextLink); Terminate, Reactivate, Delete', async () => {
    const { account, send } = await setup();
    await send('POST', '/jobs', { body: { id: 'job1', poolInfo: { poolId: 'p1' } } });
    for (const id of ['a', 'b', 'c']) await send('POST', '/jobs/job1/tasks', { body: { id, ...TASK } });
    const page1 = (await send('GET', '/jobs/job1/tasks', { query: { maxresults: '2' } })).body as { value: Array<{ id: string }>; 'odata.nextLink': string };
    expect(page1.value.map((t) => t.id)).toEqual(['a', 'b']);
    expect(page1['odata.nextLink']).toMatch(new RegExp(`^${account.endpoint}/jobs/job1/tasks\\?`));
    const next = new URL(page1['odata.nextLink']);
    const page2 = (await send('GET', next.pathname, { query: Object.fromEntries(next.searchParams) })).body as { value: Array<{ id: string }>; 'odata.nextLink'?: string };
    expect(page2.value.map((t) => t.id)).toEqual(['c']);
    expect(page2['odata.nextLink']).toBeUndefined();

    expect((await send('POST', '/jobs/job1/tasks/b/terminate')).status).toBe(204);
    expect((await send('GET', '/jobs/job1/tasks/b')).body).toMatchObject({ state: 'completed', executionInfo: { result: 'failure', failureInfo: { category: 'usererror', code: 'TaskEnded', message: 'Task was ended by user request.' } } });
    expect((await send('POST', '/jobs/job1/tasks/b/terminate')).body).toMatchObject({ code: 'TaskCompleted' });
    const completed = (await send('GET', '/jobs/job1/tasks', { query: { $filter: "state eq 'completed'" } })).body as { value: Array<{ id: string }> };
    expect(completed.value.map((t) => t.id)).toEqual(['b']);
    expect((await send('POST', '/jobs/job1/tasks/a/reactivate')).body).toMatchObject({ code: 'TaskNotCompleted' });
    expect((await send('POST', '/jobs/job1/tasks/b/reactivate')).status).toBe(204);
    expect((await send('GET', '/jobs/job1/tasks/b')).body).toMatchObject({ state: 'active', previousState: 'completed', executionInfo: { retryCount: 0 } });
    expect((await send('DELETE', '/jobs/job1/tasks/c')).status).toBe(200);
    expect((await send('GET', '/jobs/job1/tasks/c')).body).toMatchObject({ code: 'TaskNotFound' });
  });
});

describe('task files', () => {
  async function withFiles() {
    const env = await setup();
    await env.send('POST', '/jobs', { body: { id: 'job1', poolInfo: { poolId: 'p1' } } });
    await env.send('POST', '/jobs/job1/tasks', { body: { id: 't1', ...TASK } });
    return env;
  }

  it('a task that has not run has no files yet', async () => {
    const { send } = await withFiles();
    expect((await send('GET', '/jobs/job1/tasks/t1/files/stdout.txt')).body).toMatchObject({ code: 'TaskFilesUnavailable' });
  });

  it('ranged reads with ocp-range (bytes=start-end, inclusive), HEAD for the size, the service’s errors out of range', async () => {
    const { account, send } = await withFiles();
    await account.putTaskFile('job1', 't1', 'stdout.txt', 'hello, batch\nsecond line\n');
    await account.putTaskFile('job1', 't1', 'wd/result.json', '{"ok":true}');
    const whole = await send('GET', '/jobs/job1/tasks/t1/files/stdout.txt');
    expect(whole).toMatchObject({ status: 200, text: 'hello, batch\nsecond line\n' });
    expect(whole.headers).toMatchObject({ 'content-type': 'application/octet-stream', 'content-length': '25', 'ocp-batch-file-isdirectory': 'false', 'ocp-batch-file-url': `${account.endpoint}/jobs/job1/tasks/t1/files/stdout.txt` });
    const head = await send('HEAD', '/jobs/job1/tasks/t1/files/stdout.txt');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('25');
    expect(head.headers['ocp-batch-file-mode']).toMatch(/^0100\d{3}$/);
    const first = await send('GET', '/jobs/job1/tasks/t1/files/stdout.txt', { headers: { 'ocp-range': 'bytes=0-4' } });
    expect(first).toMatchObject({ status: 200, text: 'hello' });
    expect(first.headers['content-length']).toBe('5');
    expect((await send('GET', '/jobs/job1/tasks/t1/files/stdout.txt', { headers: { 'ocp-range': 'bytes=13-' } })).text).toBe('second line\n');
    expect((await send('GET', '/jobs/job1/tasks/t1/files/stdout.txt', { headers: { 'ocp-range': 'bytes=20-999' } })).text).toBe('line\n');
    const past = await send('GET', '/jobs/job1/tasks/t1/files/stdout.txt', { headers: { 'ocp-range': 'bytes=25-30' } });
    expect(past.status).toBe(416);
    expect(error(past.body)).toMatchObject({ code: 'InvalidRange' });
    expect((await send('GET', '/jobs/job1/tasks/t1/files/stdout.txt', { headers: { 'ocp-range': 'lines=1-2' } })).body).toMatchObject({ code: 'InvalidHeaderValue', values: [{ key: 'HeaderName', value: 'ocp-range' }, { key: 'HeaderValue', value: 'lines=1-2' }] });
    expect((await send('GET', '/jobs/job1/tasks/t1/files/wd/result.json')).text).toBe('{"ok":true}');
    expect((await send('GET', '/jobs/job1/tasks/t1/files/stderr.txt')).body).toMatchObject({ code: 'FileNotFound' });
    expect((await send('GET', '/jobs/job1/tasks/t1/files/..%2F..%2Fsecret')).body).toMatchObject({ code: 'FileNotFound' });
    const files = (await send('GET', '/jobs/job1/tasks/t1/files', { query: { recursive: 'true' } })).body as { value: Array<Record<string, unknown>> };
    expect(files.value.map((f) => [f.name, f.isDirectory])).toEqual([
      ['stdout.txt', false],
      ['wd', true],
      ['wd/result.json', false],
    ]);
    expect(files.value[0]).toMatchObject({ url: `${account.endpoint}/jobs/job1/tasks/t1/files/stdout.txt`, properties: { contentLength: '25', contentType: 'application/octet-stream' } });
  });
});

describe('recording and faults', () => {
  it('a throttle answers 429 TooManyRequests with Retry-After; the pipeline waits and sends again', async () => {
    const { arm, send } = await setup();
    await send('POST', '/jobs', { body: { id: 'job1', poolInfo: { poolId: 'p1' } } });
    arm.batch.injectFault({ operation: 'Jobs_GetJob', kind: 'throttle', retryAfterSeconds: 1 });
    const started = Date.now();
    expect((await send('GET', '/jobs/job1')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(arm.batch.calls('Jobs_GetJob').map((c) => c.status)).toEqual([429, 200]);

    arm.batch.injectFault({ operation: 'Jobs_GetJob', kind: 'throttle', retryAfterSeconds: 7 });
    const refused = await send('GET', '/jobs/job1', { maxRetries: 0 });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('7');
    expect(error(refused.body)).toMatchObject({ code: 'TooManyRequests', message: { lang: 'en-US', value: expect.stringMatching(/^Request failed as server encountered too many requests\. Please try again\.\nRequestId:/) } });
  });

  it('an error fault answers as told, for the operation named; every request is recorded with its body and caller', async () => {
    const { arm, send } = await setup();
    await send('POST', '/pools', { body: pool('p1') });
    arm.batch.injectFault({ operation: 'Pools_ResizePool', kind: 'error', status: 409, code: 'PoolBeingResized', message: 'The specified pool is being resized.' }, 2);
    expect((await send('POST', '/pools/p1/resize', { body: { targetDedicatedNodes: 1 } })).body).toMatchObject({ code: 'PoolBeingResized' });
    expect((await send('POST', '/pools/p1/resize', { body: { targetDedicatedNodes: 1 } })).status).toBe(409);
    expect((await send('POST', '/pools/p1/resize', { body: { targetDedicatedNodes: 1 } })).status).toBe(202);
    const calls = arm.batch.calls({ operation: 'Pools_ResizePool' });
    expect(calls.map((c) => c.status)).toEqual([409, 409, 202]);
    expect(calls[2]).toMatchObject({ method: 'POST', path: '/pools/p1/resize', apiVersion: '2025-06-01', principal: arm.deployer.objectId, account: 'rdeploydata', body: { targetDedicatedNodes: 1 } });
    arm.batch.resetCalls();
    expect(arm.batch.calls()).toEqual([]);
  });
});
