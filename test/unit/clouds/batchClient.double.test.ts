// Contract: our Batch data-plane client (src/clouds/azure/batch) against the project's HTTPS
// double of Batch (test/doubles/azure/batch) at 2025-06-01, signed in through the ARM double's
// Entra endpoint. No Docker: nodes never finish starting here, so no task runs; task files are
// written by the test as a task's process would write them.
import { afterEach, describe, expect, it } from 'vitest';
import { azureFailure } from '../../../src/clouds/azure/failure';
import { BatchClient, BatchError, chooseImage, nodeCounts, type BatchTaskCreateOptions } from '../../../src/clouds/azure/batch';
import { ArmDouble } from '../../doubles/azure';
import type { BatchAccountDouble } from '../../doubles/azure/batch';
import { batchDataClient, type BatchSend } from '../../doubles/azure/batch/client';
import { doubleCredential } from '../../doubles/azure/clients';

const open: ArmDouble[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.stop()));
});

const LATE_2026 = Date.parse('2026-11-01T00:00:00Z');

async function setup(): Promise<{ arm: ArmDouble; account: BatchAccountDouble; batch: BatchClient; raw: BatchSend }> {
  const arm = await ArmDouble.start({ resourceGroups: ['rg-batch'] });
  open.push(arm);
  // Ten hours a node: pools stay resizing, no container is ever started.
  arm.batch.configure({ nodeStartMs: 36_000_000 / arm.timeScale, now: () => LATE_2026 });
  const account = await arm.batch.createAccount({ name: 'rdeploybatch', resourceGroup: 'rg-batch' });
  // What the target has: ARM's accountEndpoint (a host, no scheme) and a credential.
  const batch = new BatchClient({ endpoint: account.host, credential: doubleCredential(arm), retry: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } });
  return { arm, account, batch, raw: await batchDataClient(arm, account) };
}

/** Pools come from the management plane in the target; here the double's own client makes them. */
async function createPool(raw: BatchSend, batch: BatchClient, id: string, scale: Record<string, unknown>): Promise<void> {
  const { image } = chooseImage(await batch.listSupportedImages(), { now: new Date(LATE_2026) });
  const res = await raw('POST', '/pools', {
    body: {
      id,
      vmSize: 'standard_d2s_v5',
      virtualMachineConfiguration: { imageReference: image.imageReference, nodeAgentSKUId: image.nodeAgentSKUId, containerConfiguration: { type: 'dockerCompatible', containerImageNames: ['127.0.0.1:5000/model:1'] } },
      taskSlotsPerNode: 2,
      ...scale,
    },
  });
  expect(res.status).toBe(201);
}

const task = (id: string): BatchTaskCreateOptions => ({
  id,
  commandLine: "/bin/sh -c 'rdeploy-runtime job'",
  containerSettings: { imageName: '127.0.0.1:5000/model:1', containerRunOptions: '--rm' },
  constraints: { maxTaskRetryCount: 2 },
});

describe('BatchClient against the Batch double', () => {
  it('lists the supported images and chooses microsoft-dsvm/ubuntu-hpc/2404; every request is 2025-06-01 and signed', async () => {
    const { arm, batch } = await setup();
    const images = await batch.listSupportedImages();
    expect(images.length).toBeGreaterThan(3);
    expect(chooseImage(images, { now: new Date(LATE_2026) })).toMatchObject({ name: 'microsoft-dsvm/ubuntu-hpc/2404', image: { nodeAgentSKUId: 'batch.node.ubuntu 24.04' } });
    await expect(Promise.resolve().then(() => chooseImage(images, { now: new Date(LATE_2026), override: 'canonical/ubuntu-24_04-lts/server' }))).rejects.toThrow(/not a DockerCompatible Linux image/);
    const [call] = arm.batch.calls('Pools_ListSupportedImages');
    expect(call).toMatchObject({ apiVersion: '2025-06-01', status: 200, principal: expect.any(String) });
  });

  it('autoscale: evaluate needs it enabled, enable once per 30 s, evaluate and disable; resize, a second resize refused while resizing', async () => {
    const { arm, batch, raw } = await setup();
    await createPool(raw, batch, 'model-a', { targetDedicatedNodes: 0, targetLowPriorityNodes: 0 });
    // Enabling evaluates at once (and would resize the pool if the targets changed): keep them at 0.
    const formula = '$TargetDedicatedNodes = 0; $TargetLowPriorityNodes = 0; $NodeDeallocationOption = taskcompletion;';

    const notEnabled = await batch.evaluatePoolAutoScale('model-a', formula).catch((e: unknown) => e);
    expect(notEnabled).toBeInstanceOf(BatchError);
    expect(notEnabled).toMatchObject({ statusCode: 409, code: 'OperationInvalidForCurrentState' });

    await batch.enablePoolAutoScale('model-a', { autoScaleFormula: formula, autoScaleEvaluationInterval: 'PT5M' });
    const again = await batch.enablePoolAutoScale('model-a', { autoScaleEvaluationInterval: 'PT10M' }).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'TooManyEnableAutoScaleRequests' });

    const run = await batch.evaluatePoolAutoScale('model-a', '$TargetDedicatedNodes = 0; $TargetLowPriorityNodes = min(4, 2 + 1); $NodeDeallocationOption = taskcompletion;');
    expect(run.results).toMatch(/\$TargetDedicatedNodes=0;.*\$TargetLowPriorityNodes=3/);
    const syntax = await batch.evaluatePoolAutoScale('model-a', '$TargetDedicatedNodes = ;').catch((e: unknown) => e);
    expect(syntax).toMatchObject({ statusCode: 400, code: 'AutoScalingFormulaSyntaxError' });

    const pool = await batch.getPool('model-a');
    expect(pool).toMatchObject({ id: 'model-a', enableAutoScale: true, autoScaleEvaluationInterval: 'PT5M', taskSlotsPerNode: 2, virtualMachineConfiguration: { nodeAgentSKUId: 'batch.node.ubuntu 24.04' } });

    await batch.disablePoolAutoScale('model-a');
    await batch.resizePool('model-a', { targetDedicatedNodes: 1, targetLowPriorityNodes: 2 });
    expect(await batch.getPool('model-a')).toMatchObject({ allocationState: 'resizing', enableAutoScale: false });
    await expect(batch.resizePool('model-a', { targetDedicatedNodes: 2 })).rejects.toMatchObject({ statusCode: 409, code: 'PoolBeingResized' });

    const counts = nodeCounts(await batch.listNodes('model-a'));
    expect(counts.dedicated).toMatchObject({ total: 1, starting: 1 });
    expect(counts.lowPriority).toMatchObject({ total: 2, starting: 2 });
    const [listed] = await batch.listPoolNodeCounts("poolId eq 'model-a'");
    expect(listed).toEqual({ poolId: 'model-a', ...counts });
    expect(arm.batch.calls('Pools_ResizePool').map((c) => c.status)).toEqual([202, 409]);
  });

  it('job schedules: create, exists, get, list, a recurrence makes a job listed under it, terminate, delete', async () => {
    const { account, batch } = await setup();
    await batch.createJobSchedule({
      id: 'model-a-nightly',
      schedule: { recurrenceInterval: 'P1D', startWindow: 'PT1H' },
      jobSpecification: { poolInfo: { poolId: 'model-a' }, jobManagerTask: { id: 'run', commandLine: "/bin/sh -c 'rdeploy-runtime job'", containerSettings: { imageName: '127.0.0.1:5000/model:1' } }, onAllTasksComplete: 'terminatejob' },
      metadata: [{ name: 'rdeploy-owner', value: 'model-a' }],
    });
    expect(await batch.jobScheduleExists('model-a-nightly')).toBe(true);
    expect(await batch.jobScheduleExists('nope')).toBe(false);
    const schedule = await batch.getJobSchedule('model-a-nightly');
    expect(schedule).toMatchObject({ id: 'model-a-nightly', state: 'active', schedule: { recurrenceInterval: 'P1D' }, metadata: [{ name: 'rdeploy-owner', value: 'model-a' }] });
    expect((await batch.listJobSchedules({ filter: "state eq 'active'" })).map((s) => s.id)).toEqual(['model-a-nightly']);

    const jobId = account.fireSchedule('model-a-nightly')!;
    const jobs = await batch.listJobs({ jobScheduleId: 'model-a-nightly' });
    expect(jobs.map((j) => j.id)).toEqual([jobId]);
    expect(jobs[0]).toMatchObject({ poolInfo: { poolId: 'model-a' } });

    await batch.terminateJobSchedule('model-a-nightly');
    expect((await batch.getJobSchedule('model-a-nightly')).state).toMatch(/^(terminating|completed)$/);
    await batch.deleteJobSchedule('model-a-nightly');
    expect(await batch.jobScheduleExists('model-a-nightly')).toBe(false);
    await expect(batch.getJobSchedule('model-a-nightly')).rejects.toMatchObject({ statusCode: 404, code: 'JobScheduleNotFound' });
  });

  it('jobs and tasks: 150 tasks in two collections, TaskExists on a rerun, lists with $filter, $select and pages, task counts, terminate and delete', async () => {
    const { arm, batch } = await setup();
    // Without onAllTasksComplete: a job with no tasks yet would otherwise be complete at once.
    await batch.createJob({ id: 'map-1', poolInfo: { poolId: 'model-a' }, constraints: { maxTaskRetryCount: 2 } });
    expect(await batch.getJob('map-1')).toMatchObject({ id: 'map-1', state: 'active', poolInfo: { poolId: 'model-a' } });
    expect((await batch.listJobs({ filter: "state eq 'active'" })).map((j) => j.id)).toEqual(['map-1']);

    const tasks = Array.from({ length: 150 }, (_, i) => task(`chunk-${String(i).padStart(4, '0')}`));
    const first = await batch.addTasks('map-1', tasks);
    expect(first.added).toHaveLength(150);
    expect(first.failed).toEqual([]);
    expect(arm.batch.calls('Tasks_CreateTaskCollection').map((c) => (c.body as { value: unknown[] }).value.length)).toEqual([100, 50]);

    const rerun = await batch.addTasks('map-1', tasks.slice(0, 3));
    expect(rerun).toEqual({ added: [], existing: ['chunk-0000', 'chunk-0001', 'chunk-0002'], failed: [] });

    const listed = await batch.listTasks('map-1', { filter: "state eq 'active'", select: ['id', 'state'], maxResults: 40 });
    expect(listed).toHaveLength(150);
    expect(listed[0]).toEqual({ id: 'chunk-0000', state: 'active' });
    expect(arm.batch.calls('Tasks_ListTasks')).toHaveLength(4);
    const one = await batch.getTask('map-1', 'chunk-0007');
    expect(one).toMatchObject({ id: 'chunk-0007', state: 'active', commandLine: "/bin/sh -c 'rdeploy-runtime job'" });

    expect((await batch.getJobTaskCounts('map-1')).taskCounts).toMatchObject({ active: 150, running: 0, completed: 0 });

    await batch.terminateJob('map-1', { terminateReason: 'rdeploy map cancelled' });
    const ended = await batch.getJob('map-1');
    expect(ended.state).toMatch(/^(terminating|completed)$/);
    await batch.deleteJob('map-1');
    await expect(batch.getJob('map-1')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('task files: HEAD size, ranged reads, and a tail that follows the file until the task completes', async () => {
    const { arm, account, batch, raw } = await setup();
    await batch.createJob({ id: 'invoke-1', poolInfo: { poolId: 'model-a' } });
    await batch.createTask('invoke-1', task('call'));
    // A queued task has no files yet: Batch answers 409 TaskFilesUnavailable.
    await expect(batch.readTaskFile('invoke-1', 'call', 'stdout.txt', { start: 0, end: 9 })).rejects.toMatchObject({ statusCode: 409, code: 'TaskFilesUnavailable' });

    await account.putTaskFile('invoke-1', 'call', 'stdout.txt', 'R 4.5.1 scoring 10 rows\n');
    expect(await batch.getTaskFileProperties('invoke-1', 'call', 'stdout.txt')).toMatchObject({ contentLength: 24, isDirectory: false });
    const part = await batch.readTaskFile('invoke-1', 'call', 'stdout.txt', { start: 8, end: 14 });
    expect(Buffer.from(part.bytes).toString()).toBe('scoring');
    expect(arm.batch.calls('Tasks_GetTaskFile').at(-1)).toMatchObject({ range: 'bytes=8-14' });

    const texts: string[] = [];
    const tail = (async () => {
      for await (const chunk of batch.tailTaskFile('invoke-1', 'call', 'stdout.txt', { pollMs: 20 })) texts.push(chunk.text);
    })();
    await expect.poll(() => texts.join('')).toBe('R 4.5.1 scoring 10 rows\n');
    await account.putTaskFile('invoke-1', 'call', 'stdout.txt', 'R 4.5.1 scoring 10 rows\n{"result":[1,2,3]}\n');
    await expect.poll(() => texts.join('')).toBe('R 4.5.1 scoring 10 rows\n{"result":[1,2,3]}\n');
    // The task ends (terminated here, as no node runs it); the tail ends after one more look.
    expect((await raw('POST', '/jobs/invoke-1/tasks/call/terminate')).status).toBe(204);
    await tail;
    expect(texts.join('')).toBe('R 4.5.1 scoring 10 rows\n{"result":[1,2,3]}\n');
    const ranges = arm.batch.calls('Tasks_GetTaskFile').map((c) => c.range);
    expect(ranges.slice(-2)).toEqual(['bytes=0-23', 'bytes=24-42']);
  });

  it('throttling: 429 with Retry-After is sent again by the pipeline; a refusal becomes one sentence', async () => {
    const { arm, batch, raw } = await setup();
    await createPool(raw, batch, 'model-a', { targetDedicatedNodes: 0 });
    arm.batch.injectFault({ operation: 'Pools_GetPool', kind: 'throttle', retryAfterSeconds: 0 }, 2);
    expect((await batch.getPool('model-a')).id).toBe('model-a');
    expect(arm.batch.calls('Pools_GetPool').map((c) => c.status)).toEqual([429, 429, 200]);

    const missing = await batch.getPool('nope').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'PoolNotFound', statusCode: 404 });
    expect(azureFailure('Reading the pool nope', missing).message).toBe('Reading the pool nope: PoolNotFound: The specified pool does not exist.');
  });
});
