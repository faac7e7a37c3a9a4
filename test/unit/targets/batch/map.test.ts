// `rdeploy map` on Batch: how a task's answer becomes a unit's outcome, and the executor's loop
// (one job, tasks added in collections, completed ones found by counts then listing, answers in
// any order, cancel terminating the job) against a double of the Batch data plane.
import { describe, expect, it, vi } from 'vitest';
import { BatchError } from '../../../../src/clouds/azure/batch';
import { AppError } from '../../../../src/core/errors';
import type { MapTask, UnitOutcome } from '../../../../src/core/map';
import type { TargetContext } from '../../../../src/targets/Target';
import { taskBody } from '../../../../src/targets/batch/bodies';
import { batchMapExecutor, outcomeOf } from '../../../../src/targets/batch/map';
import { churnRecord, FakeBatchData, framed, payloadOf, TEMPLATE } from './fakeBatchData';

// The executor reaches the account through recordDataPlane (Entra sign-in, the account's
// endpoint): here it gets the double instead, the only part of the target replaced.
const plane = vi.hoisted(() => ({ data: undefined as unknown }));
vi.mock('../../../../src/targets/batch/clients', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../../src/targets/batch/clients')>()),
  recordDataPlane: async (ctx: TargetContext) => ({ c: undefined, data: plane.data, poolId: (ctx.record!.details as { poolId: string }).poolId }),
}));

describe('outcomeOf', () => {
  it('exit 0 with a result: the result, parsed, its text kept', () => {
    expect(outcomeOf({ result: '[{"fit":21.40}]', exitCode: 0, attempts: 2 })).toEqual({ kind: 'result', value: [{ fit: 21.4 }], raw: '[{"fit":21.40}]', attempts: 2 });
    expect(outcomeOf({ result: 'not json', exitCode: 0, attempts: 1 })).toEqual({ kind: 'result', value: 'not json', raw: 'not json', attempts: 1 });
  });

  it("the handler's error JSON with exit 1 is an answer of kind error", () => {
    expect(outcomeOf({ result: '{"errorType":"simpleError","errorMessage":"no rows"}', exitCode: 1, attempts: 1 })).toEqual({ kind: 'error', error: { errorType: 'simpleError', errorMessage: 'no rows' }, attempts: 1 });
    // exit 2, a payload the runtime refused, is an answer too
    expect(outcomeOf({ result: '{"errorType":"PayloadError","errorMessage":"not JSON"}', exitCode: 2, attempts: 1 })).toMatchObject({ kind: 'error', error: { errorType: 'PayloadError' } });
  });

  it('a handler that could not be loaded is no answer for the chunk: failed, saying why it could not be loaded', () => {
    // The runtime's job mode prints the load error as its result (exit 3) and reads no stderr
    // then: the map's record is the only place the reason can be.
    expect(outcomeOf({ result: '{"errorType":"HandlerLoadError","errorMessage":"error while sourcing score.R: object \'fit\' not found"}', exitCode: 3, attempts: 3 })).toEqual({
      kind: 'failed',
      error: { errorType: 'TaskFailed', errorMessage: "the task ended without a result after 3 attempts (exit 3: HandlerLoadError: error while sourcing score.R: object 'fit' not found)" },
      attempts: 3,
    });
  });

  it('a non-zero exit with text that is not the error shape is no answer either: failed, quoting the text on one line', () => {
    expect(outcomeOf({ result: '[1,\n 2]', exitCode: 1, attempts: 1 })).toEqual({ kind: 'failed', error: { errorType: 'TaskFailed', errorMessage: 'the task ended without a result after 1 attempt (exit 1: [1, 2])' }, attempts: 1 });
    const long = outcomeOf({ result: `"${'x'.repeat(1000)}"`, exitCode: 1, attempts: 1 });
    expect(long.kind === 'failed' && long.error.errorMessage.length).toBeLessThan(400);
  });

  it.each([
    [{ failure: 'ContainerPullImageFailed: the image could not be pulled', exitCode: -1, attempts: 1 }, 'the task ended without a result after 1 attempt (ContainerPullImageFailed: the image could not be pulled)'],
    [{ exitCode: 137, stderrTail: 'Killed', attempts: 3 }, 'the task ended without a result after 3 attempts (exit 137: Killed)'],
    [{ exitCode: 1, attempts: 3 }, 'the task ended without a result after 3 attempts (exit 1)'],
    [{ attempts: 1 }, 'the task ended without a result after 1 attempt (no output)'],
  ])("no result: failed, with Batch's failure, else the exit code and stderr's tail, and the attempts (%j)", (a, message) => {
    expect(outcomeOf(a)).toEqual({ kind: 'failed', error: { errorType: 'TaskFailed', errorMessage: message }, attempts: a.attempts });
  });
});

// ---------------------------------------------------------------------------------------------

const template = TEMPLATE;
const record = churnRecord;
const ctx: TargetContext = { connections: { docker: () => Promise.reject(new Error('no engine in unit tests')) } };

async function* units(n: number): AsyncIterable<MapTask> {
  for (let index = 0; index < n; index++) yield { index, payload: `{"i":${index}}` };
}

/** What the executor reported, in order. */
function recorder(onStarted?: (index: number) => void) {
  const started: number[] = [];
  const finished: { index: number; outcome: UnitOutcome }[] = [];
  const retrying: number[] = [];
  return {
    started,
    finished,
    retrying,
    events: {
      started: (index: number) => {
        started.push(index);
        onStarted?.(index);
      },
      retrying: (index: number) => retrying.push(index),
      finished: (index: number, outcome: UnitOutcome) => finished.push({ index, outcome }),
    },
  };
}

function double(): FakeBatchData {
  const data = new FakeBatchData('rdeploy-churn');
  plane.data = data.client;
  return data;
}

describe('batchMapExecutor', () => {
  it('one job; tasks from the template in collections of at most 100; each answer reported once, in whatever order tasks complete', async () => {
    const data = double();
    data.autoComplete = 7;
    data.pick = (active) => [...active].reverse(); // the newest first: never the input's order
    const ex = await batchMapExecutor(record(), { concurrency: 250, estimatedUnits: 250 }, ctx);
    expect(ex.concurrency).toBe(250);
    const r = recorder();
    await ex.run(units(250), r.events, new AbortController().signal);

    const [[job]] = data.callsOf('createJob') as [[{ id: string; poolInfo: unknown; metadata: unknown }]];
    expect(job.id).toMatch(/^rdeploy-churn-map-[0-9a-z]{12}$/);
    expect(job.poolInfo).toEqual({ poolId: 'rdeploy-churn' });
    expect(job.metadata).toEqual([
      { name: 'rdeploy-project', value: '/home/ana/churn' },
      { name: 'rdeploy-deployment', value: 'churn' },
    ]);
    // Old run jobs are tidied before the new one starts.
    expect(data.callsOf('listJobs')).toEqual([[{ filter: "state eq 'completed'" }]]);
    expect(data.calls.findIndex((c) => c.method === 'listJobs')).toBeLessThan(data.calls.findIndex((c) => c.method === 'createJob'));

    const collections = data.callsOf('addTasks').map(([, tasks]) => tasks as ReturnType<typeof taskBody>[]);
    expect(collections[0]).toHaveLength(100);
    expect(collections.every((c) => c.length >= 1 && c.length <= 100)).toBe(true);
    const added = collections.flat();
    expect(added.map((t) => t.id)).toEqual(Array.from({ length: 250 }, (_, i) => `chunk-${String(i).padStart(7, '0')}`));
    expect(added.every((t) => t.constraints.maxTaskRetryCount === 2 && t.commandLine === template.commandLine && t.containerSettings.imageName === TEMPLATE.containerSettings.imageName)).toBe(true);
    expect(added.map(payloadOf)).toEqual(Array.from({ length: 250 }, (_, i) => `{"i":${i}}`));

    expect([...r.started].sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(r.finished).toHaveLength(250);
    expect(new Set(r.finished.map((f) => f.index)).size).toBe(250);
    expect(r.finished.map((f) => f.index)).not.toEqual([...r.finished.map((f) => f.index)].sort((a, b) => a - b));
    for (const { index, outcome } of r.finished) expect(outcome).toEqual({ kind: 'result', value: { i: index }, raw: `{"i":${index}}`, attempts: 1 });
    // Only completed tasks are listed, and only their ids and execution info.
    expect(data.callsOf('listTasks').every(([, o]) => JSON.stringify(o).includes(`"filter":"state eq 'completed'"`) && JSON.stringify((o as { select: unknown }).select) === '["id","executionInfo"]')).toBe(true);

    // Done: the job is terminated as complete, once; close() after it sends nothing more.
    expect(data.callsOf('terminateJob')).toEqual([[job.id, { terminateReason: 'MapComplete' }]]);
    await ex.close();
    await ex.close();
    expect(data.callsOf('terminateJob')).toHaveLength(1);
  });

  it('a task Batch did not add is reported failed at once; the others run', async () => {
    const data = double();
    data.autoComplete = 100;
    data.refuse.set('chunk-0000003', { code: 'InvalidPropertyValue', message: 'The value provided for one of the properties in the request body is invalid.' });
    const ex = await batchMapExecutor(record(), { concurrency: 16, estimatedUnits: 6 }, ctx);
    const r = recorder();
    await ex.run(units(6), r.events, new AbortController().signal);
    expect(r.finished.find((f) => f.index === 3)?.outcome).toEqual({
      kind: 'failed',
      attempts: 1,
      error: { errorType: 'TaskNotAdded', errorMessage: 'Batch did not add the task: InvalidPropertyValue The value provided for one of the properties in the request body is invalid.' },
    });
    expect(r.started.filter((i) => i === 3)).toHaveLength(1);
    expect(r.finished.filter((f) => f.outcome.kind === 'result').map((f) => f.index).sort()).toEqual([0, 1, 2, 4, 5]);
  });

  it("handler errors and tasks without an answer are reported as their outcomes, with Batch's retries as attempts", async () => {
    const data = double();
    data.autoComplete = 100;
    data.answer = (task) => {
      const { i } = JSON.parse(payloadOf(task)) as { i: number };
      if (i === 1) return { exitCode: 1, stdout: framed('{"errorType":"simpleError","errorMessage":"no rows"}') };
      if (i === 2) return { exitCode: 137, stdout: 'scoring\n', stderr: 'Killed\n', retryCount: 2 };
      return { exitCode: 0, stdout: framed(`{"i":${i}}`) };
    };
    const ex = await batchMapExecutor(record(), { concurrency: 16, estimatedUnits: 3 }, ctx);
    const r = recorder();
    await ex.run(units(3), r.events, new AbortController().signal);
    const by = new Map(r.finished.map((f) => [f.index, f.outcome]));
    expect(by.get(0)).toMatchObject({ kind: 'result', value: { i: 0 } });
    expect(by.get(1)).toEqual({ kind: 'error', error: { errorType: 'simpleError', errorMessage: 'no rows' }, attempts: 1 });
    expect(by.get(2)).toEqual({ kind: 'failed', error: { errorType: 'TaskFailed', errorMessage: 'the task ended without a result after 3 attempts (exit 137: Killed)' }, attempts: 3 });
  });

  it('cancel: the job is terminated as UserTerminate, the run rejects as cancelled, and close() after it is idempotent', async () => {
    const data = double(); // nothing completes: the pool has no node
    data.pool.autoScaleFormula = '$TargetDedicatedNodes = 1;';
    const stop = new AbortController();
    const ex = await batchMapExecutor(record(), { concurrency: 16, estimatedUnits: 40 }, ctx);
    const r = recorder(() => stop.abort());
    const e = await ex.run(units(40), r.events, stop.signal).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('cancelled');
    const jobId = (data.callsOf('createJob')[0]![0] as { id: string }).id;
    expect(data.callsOf('terminateJob')).toEqual([[jobId, { terminateReason: 'UserTerminate' }]]);
    expect(r.finished).toEqual([]);
    // While the tasks waited on an empty pool, the formula was set again to grow it now.
    expect(data.callsOf('enablePoolAutoScale')).toEqual([['rdeploy-churn', { autoScaleFormula: '$TargetDedicatedNodes = 1;', autoScaleEvaluationInterval: 'PT15M' }]]);
    await ex.close();
    await ex.close();
    expect(data.callsOf('terminateJob')).toHaveLength(1);
  });

  it('close() before any run has nothing to end; close() while running terminates the job once', async () => {
    const data = double();
    const ex = await batchMapExecutor(record(), { concurrency: 16, estimatedUnits: 2 }, ctx);
    await ex.close();
    expect(data.callsOf('terminateJob')).toEqual([]);

    const stop = new AbortController();
    const running = ex.run(units(2), recorder().events, stop.signal).catch((x: unknown) => x);
    await vi.waitFor(() => expect(data.callsOf('getJobTaskCounts').length).toBeGreaterThan(0));
    await Promise.all([ex.close(), ex.close()]);
    stop.abort();
    expect(((await running) as AppError).code).toBe('cancelled');
    expect(data.callsOf('terminateJob').map(([, o]) => o)).toEqual([{ terminateReason: 'UserTerminate' }]);
  });

  it("a refusal from Batch while running ends the run with one sentence saying what it was doing", async () => {
    const data = double();
    data.fail('getJobTaskCounts', new BatchError('JobNotFound', 'The specified job does not exist.', 404));
    const ex = await batchMapExecutor(record(), { concurrency: 16, estimatedUnits: 2 }, ctx);
    const e = await ex.run(units(2), recorder().events, new AbortController().signal).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('invoke-failed');
    expect((e as AppError).message).toMatch(/^Running the map's job rdeploy-churn-map-[0-9a-z]{12}: .*The specified job does not exist/);
  });

  it("concurrency: four tasks per lane of the pool (nodes × slots) or what was asked, never more than the units", async () => {
    double();
    const of = async (details: Record<string, unknown>, options: { concurrency: number; estimatedUnits?: number }) => (await batchMapExecutor(record(details), options, ctx)).concurrency;
    expect(await of({ maxNodes: 4, taskSlotsPerNode: 2 }, { concurrency: 10 })).toBe(32);
    expect(await of({ maxNodes: 4, taskSlotsPerNode: 2 }, { concurrency: 50 })).toBe(50);
    expect(await of({ maxNodes: 4, taskSlotsPerNode: 2 }, { concurrency: 50, estimatedUnits: 5 })).toBe(5);
    expect(await of({ maxNodes: 100, taskSlotsPerNode: 256 }, { concurrency: 10 })).toBe(1000);
    expect((await batchMapExecutor(record({ maxNodes: 6, taskSlotsPerNode: 2 }), { concurrency: 1 }, ctx)).description).toBe('a Batch job on rdeploy-churn (6 nodes at most, 2 tasks each)');
  });
});
