// Status and runs of a Batch deployment, read from a double of the data plane: the pool's nodes by
// state, what its autoscale formula last decided, the schedule's next run; the recent jobs as runs.
import { describe, expect, it, vi } from 'vitest';
import { BatchError } from '../../../../src/clouds/azure/batch';
import { AppError } from '../../../../src/core/errors';
import type { DeploymentRecord } from '../../../../src/core/records/record';
import type { TargetContext } from '../../../../src/targets/Target';
import { ownerMetadata } from '../../../../src/targets/batch/bodies';
import { batchRuns, batchStatus } from '../../../../src/targets/batch/status';
import { FakeBatchData } from './fakeBatchData';

// Status reaches the account through recordDataPlane (Entra sign-in, the account's endpoint):
// here it gets the double instead, the only part of the target replaced.
const plane = vi.hoisted(() => ({ data: undefined as unknown }));
vi.mock('../../../../src/targets/batch/clients', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../../src/targets/batch/clients')>()),
  recordDataPlane: async (ctx: TargetContext) => ({ c: undefined, data: plane.data, poolId: (ctx.record!.details as { poolId: string }).poolId }),
}));

const owner = { root: '/home/ana/churn', name: 'churn' };
const record = (details: Record<string, unknown> = {}): DeploymentRecord => ({
  version: 1,
  name: 'churn',
  target: 'batch',
  status: 'running',
  projectRoot: owner.root,
  handler: 'score.R',
  createdAt: '2026-10-14T09:00:00Z',
  updatedAt: '2026-10-14T09:00:00Z',
  resources: [],
  details: { account: 'mlbatch', accountEndpoint: 'mlbatch.westeurope.batch.azure.com', poolId: 'rdeploy-churn', ...details },
});
const ctx: TargetContext = { connections: { docker: () => Promise.reject(new Error('no engine in unit tests')) } };
const RESULTS = '$TargetDedicatedNodes=2;$TargetLowPriorityNodes=1;$NodeDeallocationOption=taskcompletion';

function double(): FakeBatchData {
  const data = new FakeBatchData('rdeploy-churn');
  plane.data = data.client;
  return data;
}

describe('batchStatus', () => {
  it("nodes by state, dedicated and Spot; the formula's last result as nodes; the schedule's next run", async () => {
    const data = double();
    data.pool = { ...data.pool, allocationState: 'resizing', autoScaleRun: { timestamp: '2026-10-14T10:00:00Z', results: RESULTS } };
    data.nodes = [
      { id: 'n1', state: 'running', isDedicated: true },
      { id: 'n2', state: 'idle', isDedicated: true },
      { id: 'n3', state: 'starting', isDedicated: false },
    ];
    data.schedules.set('rdeploy-churn-schedule', { id: 'rdeploy-churn-schedule', state: 'active', executionInfo: { nextRunTime: '2026-10-15T02:00:00.0000000Z' } });
    const s = await batchStatus(record({ jobScheduleId: 'rdeploy-churn-schedule' }), ctx);
    expect(s).toEqual({ state: 'starting', detail: 'resizing · dedicated: 1 idle, 1 running; Spot: 1 starting · autoscale: 2 dedicated, 1 Spot · next run 2026-10-15T02:00:00.000Z' });
    expect(data.callsOf('listNodes')).toEqual([['rdeploy-churn', { select: ['state', 'isDedicated'] }]]);
  });

  it.each([
    [RESULTS, '2 dedicated, 1 Spot'],
    ['$TargetLowPriorityNodes=3;$TargetDedicatedNodes=0', '0 dedicated, 3 Spot'],
    ['$tasks=4; $TargetDedicatedNodes=4;$TargetLowPriorityNodes=0;$NodeDeallocationOption=taskcompletion', '4 dedicated, 0 Spot'],
    ['$NodeDeallocationOption=taskcompletion', '? dedicated, ? Spot'],
  ])('autoscale results %j read as %j', async (results, nodes) => {
    const data = double();
    data.pool = { ...data.pool, autoScaleRun: { timestamp: '2026-10-14T10:00:00Z', results } };
    expect((await batchStatus(record(), ctx)).detail).toBe(`steady · no nodes · autoscale: ${nodes}`);
  });

  it("the formula's error instead of its result; a pool being deleted is stopped", async () => {
    const data = double();
    data.pool = { ...data.pool, state: 'deleting', autoScaleRun: { timestamp: '2026-10-14T10:00:00Z', error: { code: 'InsufficientSampleData', message: 'Autoscale evaluation failed due to insufficient sample data' } } };
    expect(await batchStatus(record(), ctx)).toEqual({ state: 'stopped', detail: 'steady · no nodes · autoscale error InsufficientSampleData: Autoscale evaluation failed due to insufficient sample data' });
  });

  it('a steady active pool is running; a gone schedule says so', async () => {
    double();
    expect(await batchStatus(record({ jobScheduleId: 'rdeploy-churn-schedule' }), ctx)).toEqual({ state: 'running', detail: 'steady · no nodes · the job schedule is gone' });
  });

  it('a pool that no longer exists is missing; another refusal is an error saying what it was reading', async () => {
    const data = double();
    data.pool = { ...data.pool, id: 'someone-else' };
    expect(await batchStatus(record(), ctx)).toEqual({ state: 'missing', detail: 'the pool rdeploy-churn no longer exists in mlbatch' });
    data.fail('getPool', new BatchError('ServerBusy', 'The server is busy.', 503));
    const e = await batchStatus(record(), ctx).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).message).toMatch(/^Reading the pool rdeploy-churn: /);
  });
});

describe('batchRuns', () => {
  const t = (min: number) => new Date(Date.parse('2026-10-14T08:00:00Z') + min * 60_000).toISOString();

  async function runs(withActions = false) {
    const data = double();
    const metadata = ownerMetadata(owner);
    const job = (id: string, min: number, state: string, executionInfo: Record<string, string> = {}) => data.addJob({ id, state, creationTime: t(min), metadata, executionInfo: { startTime: t(min), ...executionInfo } });
    job('rdeploy-churn-schedule:job-1', 0, 'completed', { endTime: t(3), terminateReason: 'JMComplete' });
    job('rdeploy-churn-invoke-aaaaaaaaaaaa', 10, 'completed', { endTime: t(11), terminateReason: 'JMComplete' });
    job('rdeploy-churn-map-bbbbbbbbbbbb', 20, 'completed', { endTime: t(25), terminateReason: 'UserTerminate' });
    job('rdeploy-churn-map-cccccccccccc', 30, 'completed', { endTime: t(40), terminateReason: 'MapComplete' });
    job('rdeploy-churn-invoke-dddddddddddd', 50, 'disabled');
    job('rdeploy-churn-invoke-eeeeeeeeeeee', 60, 'active');
    data.addJob({ id: 'rdeploy-churn-invoke-ffffffffffff', state: 'active', creationTime: t(70), metadata: ownerMetadata({ root: '/home/bo/churn', name: 'churn' }) }); // another project's
    // The second map had a task that failed; the invoke's succeeded.
    const tasks = async (jobId: string, list: { id: string; exitCode: number }[]) => {
      data.jobs.get(jobId)!.job.state = 'active';
      await data.addTasks(jobId, list.map(({ id }) => ({ id, commandLine: 'x' })));
      data.jobs.get(jobId)!.job.state = 'completed';
      for (const { id, exitCode } of list) data.complete(jobId, id, { exitCode });
    };
    await tasks('rdeploy-churn-map-cccccccccccc', [
      { id: 'chunk-0000000', exitCode: 0 },
      { id: 'chunk-0000001', exitCode: 137 },
    ]);
    await tasks('rdeploy-churn-invoke-aaaaaaaaaaaa', [{ id: 'invoke', exitCode: 0 }]);
    return batchRuns(record(), { top: 10, withActions }, ctx);
  }

  it("the deployment's jobs, newest first, with statuses from Batch's states and how they ended", async () => {
    const r = await runs();
    expect(r.map((x) => [x.id, x.status, x.trigger])).toEqual([
      ['rdeploy-churn-invoke-eeeeeeeeeeee', 'Running', 'invoke'],
      ['rdeploy-churn-invoke-dddddddddddd', 'Paused', 'invoke'],
      ['rdeploy-churn-map-cccccccccccc', 'Failed', 'map'],
      ['rdeploy-churn-map-bbbbbbbbbbbb', 'Cancelled', 'map'],
      ['rdeploy-churn-invoke-aaaaaaaaaaaa', 'Succeeded', 'invoke'],
      ['rdeploy-churn-schedule:job-1', 'Succeeded', 'schedule'],
    ]);
    expect(r[2]).toMatchObject({ startTime: t(30), endTime: t(40), durationMs: 10 * 60_000 });
    expect(r[0]!.endTime).toBeUndefined();
    expect(r[0]!.actions).toBeUndefined();
  });

  it('with actions: each task and how it ended', async () => {
    const r = await runs(true);
    expect(r.find((x) => x.id === 'rdeploy-churn-map-cccccccccccc')?.actions).toEqual([
      { name: 'chunk-0000000', status: 'Succeeded' },
      { name: 'chunk-0000001', status: 'Failed (exit 137)' },
    ]);
  });
});
