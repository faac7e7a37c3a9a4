// The Batch double against the real Docker engine: a pool made through the real @azure/arm-batch
// client with the local R base image as its prefetched container image, then jobs and tasks
// through a real @azure/core-rest-pipeline client at 2025-06-01. Tasks run as containers: their
// stdout is read in ranges while they run, a failing task is retried and then reported, the pool's
// nodes × taskSlotsPerNode bound how many run at once, a preempted Spot node's task runs again
// elsewhere, and a fired schedule's Job Manager Task runs and ends its job. No container is left.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchManagementClient } from '@azure/arm-batch';
import { ArmDouble } from '../doubles/azure';
import type { BatchAccountDouble } from '../doubles/azure/batch';
import { batchDataClient, type BatchSend } from '../doubles/azure/batch/client';
import { doubleClientOptions, doubleCredential } from '../doubles/azure/clients';
import { BASE_IMAGE, requireEngineAndBaseImage } from '../support/docker';

const RG = 'rg-batch';
const LABEL = `batch-e2e-${process.pid}`;
const POOL = 'r-pool';

let arm: ArmDouble;
let account: BatchAccountDouble;
let send: BatchSend;
let mgmt: BatchManagementClient;

interface Task {
  id: string;
  state: string;
  executionInfo: { startTime?: string; endTime?: string; exitCode?: number; retryCount: number; requeueCount: number; result?: string; failureInfo?: { code: string; category: string }; containerInfo?: { containerId?: string } };
  nodeInfo?: { nodeId: string };
}

beforeAll(async () => {
  requireEngineAndBaseImage();
  arm = await ArmDouble.start({ resourceGroups: [RG], timeScale: 0.01, label: LABEL, allowLocalImages: true });
  account = await arm.batch.createAccount({ name: 'rdeploye2e', resourceGroup: RG });
  send = await batchDataClient(arm, account);
  const { BatchManagementClient: Client } = await import('@azure/arm-batch');
  mgmt = new Client(doubleCredential(arm), arm.subscriptionId, doubleClientOptions(arm));
  await mgmt.poolOperations.create(RG, account.name, POOL, {
    vmSize: 'STANDARD_D2S_V3',
    deploymentConfiguration: {
      virtualMachineConfiguration: {
        imageReference: { publisher: 'microsoft-dsvm', offer: 'ubuntu-hpc', sku: '2404', version: 'latest' },
        nodeAgentSkuId: 'batch.node.ubuntu 24.04',
        containerConfiguration: { type: 'DockerCompatible', containerImageNames: [BASE_IMAGE] },
      },
    },
    taskSlotsPerNode: 2,
    scaleSettings: { fixedScale: { targetDedicatedNodes: 1, targetLowPriorityNodes: 1 } },
  });
  await until('the pool to be steady with two idle nodes', async () => {
    const pool = (await send('GET', `/pools/${POOL}`)).body as { allocationState: string };
    const nodes = (await send('GET', `/pools/${POOL}/nodes`)).body as { value: Array<{ state: string }> };
    return pool.allocationState === 'steady' && nodes.value.length === 2 && nodes.value.every((n) => n.state === 'idle');
  });
}, 120_000);

afterAll(async () => {
  await arm?.stop();
  const left = labelled();
  for (const id of left) execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
  expect(left).toEqual([]);
});

function labelled(): string[] {
  return execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=rdeploy-azure-double=${LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function task(jobId: string, taskId: string): Promise<Task> {
  return (await send('GET', `/jobs/${jobId}/tasks/${taskId}`)).body as Task;
}

async function completed(jobId: string, taskId: string, timeoutMs = 60_000): Promise<Task> {
  let last: Task | undefined;
  await until(`task ${jobId}/${taskId} to complete`, async () => (last = await task(jobId, taskId)).state === 'completed', timeoutMs);
  return last!;
}

const container = (commandLine: string) => ({ commandLine, containerSettings: { imageName: BASE_IMAGE } });

describe('tasks as containers', () => {
  it('runs a task in the pool image; its stdout is read in ranges while it runs', async () => {
    expect((await send('POST', '/jobs', { body: { id: 'logs', poolInfo: { poolId: POOL }, commonEnvironmentSettings: [{ name: 'GREETING', value: 'hello' }] } })).status).toBe(201);
    const script = 'for i in 1 2 3 4 5 6; do echo "$GREETING line $i"; sleep 0.4; done; echo done >&2';
    expect((await send('POST', '/jobs/logs/tasks', { body: { id: 'tail', ...container(`/bin/sh -c '${script}'`) } })).status).toBe(201);
    await until('the task to run', async () => (await task('logs', 'tail')).state === 'running');
    let text = '';
    let readWhileRunning = 0;
    for (;;) {
      const state = (await task('logs', 'tail')).state;
      const head = await send('HEAD', '/jobs/logs/tasks/tail/files/stdout.txt');
      const size = Number(head.headers['content-length']);
      if (size > text.length) {
        const part = await send('GET', '/jobs/logs/tasks/tail/files/stdout.txt', { headers: { 'ocp-range': `bytes=${text.length}-${size - 1}` } });
        expect(part.status).toBe(200);
        text += part.text;
        if (state === 'running') readWhileRunning += 1;
      }
      if (state === 'completed' && size === text.length) break;
      await sleep(150);
    }
    expect(text).toBe([1, 2, 3, 4, 5, 6].map((i) => `hello line ${i}\n`).join(''));
    expect(readWhileRunning).toBeGreaterThanOrEqual(2);
    expect((await send('GET', '/jobs/logs/tasks/tail/files/stderr.txt')).text).toBe('done\n');
    const done = await task('logs', 'tail');
    expect(done.executionInfo).toMatchObject({ exitCode: 0, result: 'success', retryCount: 0, containerInfo: { containerId: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(account.tasks('logs')[0]?.state).toBe('completed');
  }, 120_000);

  it('runs R in the container with the Batch environment and the working directory mounted', async () => {
    // As the service documents: terminatejob on a job without tasks would end it at once, so it is
    // set once the tasks are in.
    await send('POST', '/jobs', { body: { id: 'r', poolInfo: { poolId: POOL } } });
    const code = "writeLines(jsonlite::toJSON(list(task = Sys.getenv('AZ_BATCH_TASK_ID'), wd = basename(getwd()), n = 2 + 2), auto_unbox = TRUE)); writeLines('kept', 'out.txt')";
    expect((await send('POST', '/jobs/r/addtaskcollection', { body: { value: [{ id: 'score', ...container(`Rscript -e "${code}"`) }] } })).status).toBe(200);
    expect((await send('PATCH', '/jobs/r', { body: { onAllTasksComplete: 'terminatejob' } })).status).toBe(200);
    const done = await completed('r', 'score');
    expect(done.executionInfo).toMatchObject({ exitCode: 0, result: 'success' });
    expect(JSON.parse((await send('GET', '/jobs/r/tasks/score/files/stdout.txt')).text)).toEqual({ task: 'score', wd: 'wd', n: 4 });
    expect((await send('GET', '/jobs/r/tasks/score/files/wd/out.txt')).text).toBe('kept\n');
    await until('the job to end (onAllTasksComplete)', async () => ((await send('GET', '/jobs/r')).body as { state: string }).state === 'completed');
  }, 120_000);

  it('retries a failing task up to maxTaskRetryCount, then reports it with FailureExitCode', async () => {
    await send('POST', '/jobs', { body: { id: 'fail', poolInfo: { poolId: POOL }, constraints: { maxTaskRetryCount: 2 } } });
    await send('POST', '/jobs/fail/tasks', { body: { id: 'boom', ...container("/bin/sh -c 'echo trying; echo broken >&2; exit 3'") } });
    const done = await completed('fail', 'boom');
    expect(done.executionInfo).toMatchObject({ exitCode: 3, result: 'failure', retryCount: 2, failureInfo: { category: 'usererror', code: 'FailureExitCode' } });
    expect((await send('GET', '/jobs/fail/tasks/boom/files/stderr.txt')).text).toBe('broken\n');
    expect((await send('GET', '/jobs/fail/taskcounts')).body).toMatchObject({ taskCounts: { completed: 1, failed: 1, succeeded: 0 } });
    // A program the image does not have exits 127, as `docker run` does, and fails the same way.
    await send('POST', '/jobs/fail/tasks', { body: { id: 'missing', ...container('/no/such/program'), constraints: { maxTaskRetryCount: 0 } } });
    expect((await completed('fail', 'missing')).executionInfo).toMatchObject({ exitCode: 127, result: 'failure', retryCount: 0, failureInfo: { code: 'FailureExitCode' } });
  }, 120_000);

  it('runs at most nodes × taskSlotsPerNode tasks at once', async () => {
    await send('POST', '/jobs', { body: { id: 'wide', poolInfo: { poolId: POOL } } });
    const tasks = Array.from({ length: 6 }, (_, i) => ({ id: `t${i}`, ...container("/bin/sh -c 'sleep 1.5'") }));
    await send('POST', '/jobs/wide/addtaskcollection', { body: { value: tasks } });
    const done = await Promise.all(tasks.map((t) => completed('wide', t.id)));
    const spans = done.map((t) => [Date.parse(t.executionInfo.startTime!), Date.parse(t.executionInfo.endTime!)] as const);
    const overlap = Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length));
    expect(overlap).toBeLessThanOrEqual(4);
    expect(overlap).toBeGreaterThanOrEqual(3);
    expect(new Set(done.map((t) => t.nodeInfo?.nodeId)).size).toBe(2);
    expect(done.every((t) => t.executionInfo.result === 'success')).toBe(true);
  }, 120_000);
});

describe('Spot preemption', () => {
  it("requeues a preempted Spot node's running task; it runs again on another node without using a retry", async () => {
    await send('POST', '/jobs', { body: { id: 'spot', poolInfo: { poolId: POOL } } });
    await send('POST', '/jobs/spot/addtaskcollection', { body: { value: [{ id: 'a', ...container("/bin/sh -c 'sleep 2; echo a'") }, { id: 'b', ...container("/bin/sh -c 'sleep 2; echo b'") }] } });
    await until('both tasks to run', async () => (await task('spot', 'a')).state === 'running' && (await task('spot', 'b')).state === 'running');
    const nodes = account.nodes(POOL);
    const spotNode = nodes.find((n) => !n.dedicated)!;
    const onSpot = (await task('spot', 'a')).nodeInfo?.nodeId === spotNode.id ? 'a' : 'b';
    const before = await task('spot', onSpot);
    expect(before.nodeInfo?.nodeId).toBe(spotNode.id);
    await until('the container to have started', async () => (await account.containers()).length >= 2);

    expect(account.preemptNode(POOL)).toBe(spotNode.id);
    const requeued = await task('spot', onSpot);
    expect(requeued).toMatchObject({ state: expect.stringMatching(/^(active|running)$/), executionInfo: { retryCount: 0 } });
    expect((await send('GET', `/pools/${POOL}/nodes/${spotNode.id}`)).body).toMatchObject({ state: 'preempted', isDedicated: false });
    expect((await send('GET', `/pools/${POOL}`)).body).toMatchObject({ currentLowPriorityNodes: 1 });

    const done = await completed('spot', onSpot);
    expect(done.executionInfo).toMatchObject({ result: 'success', retryCount: 0 });
    expect(done.nodeInfo?.nodeId).not.toBe(spotNode.id);
    expect((await send('GET', `/jobs/spot/tasks/${onSpot}/files/stdout.txt`)).text).toBe(`${onSpot}\n`);

    account.recoverNode(POOL, spotNode.id);
    await until('the Spot node to come back', async () => account.nodes(POOL).find((n) => n.id === spotNode.id)?.state === 'idle');
  }, 120_000);
});

describe('job schedules', () => {
  it("a fired schedule's Job Manager Task runs in the container and its completion ends the job", async () => {
    const spec = {
      poolInfo: { poolId: POOL },
      jobManagerTask: { id: 'job-manager', ...container("/bin/sh -c 'echo payload=$RDEPLOY_PAYLOAD'"), environmentSettings: [{ name: 'RDEPLOY_PAYLOAD', value: '{"n":3}' }], runExclusive: false },
    };
    expect((await send('POST', '/jobschedules', { body: { id: 'nightly', schedule: { recurrenceInterval: 'P1D' }, jobSpecification: spec } })).status).toBe(201);
    const jobId = account.fireSchedule('nightly')!;
    expect(jobId).toBe('nightly:job-1');
    const manager = await completed(jobId, 'job-manager');
    expect(manager.executionInfo).toMatchObject({ exitCode: 0, result: 'success' });
    expect((await send('GET', `/jobs/${jobId}/tasks/job-manager/files/stdout.txt`)).text).toBe('payload={"n":3}\n');
    await until('the job to end (JMComplete)', async () => ((await send('GET', `/jobs/${jobId}`)).body as { executionInfo: { terminateReason?: string } }).executionInfo.terminateReason === 'JMComplete');
    expect(account.fireSchedule('nightly')).toBe('nightly:job-2');
    await completed('nightly:job-2', 'job-manager');
    expect((await send('DELETE', '/jobschedules/nightly')).status).toBe(202);
  }, 120_000);
});

describe('cleanup', () => {
  it('deleting a job ends its running containers; the pool goes with its nodes', async () => {
    await send('POST', '/jobs', { body: { id: 'long', poolInfo: { poolId: POOL } } });
    await send('POST', '/jobs/long/tasks', { body: { id: 'sleeper', ...container("/bin/sh -c 'sleep 60'") } });
    await until('the sleeper to run in its container', async () => (await task('long', 'sleeper')).state === 'running' && (await account.containers()).length === 1);
    expect((await send('DELETE', '/jobs/long')).status).toBe(202);
    await until('its container to be removed', async () => (await account.containers()).length === 0, 30_000);
    await mgmt.poolOperations.beginDeleteAndWait(RG, account.name, POOL, { updateIntervalInMs: 100 });
    expect((await send('GET', `/pools/${POOL}`)).body).toMatchObject({ code: 'PoolNotFound' });
    expect(await account.containers()).toEqual([]);
  }, 120_000);
});
