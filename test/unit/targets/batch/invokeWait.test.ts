// invoke on Batch while its task waits for a node: a pool that cannot grow is one sentence, not
// an endless wait, and the job is ended; a task that completes gives the framed answer.
import { describe, expect, it, vi } from 'vitest';
import type { TargetContext } from '../../../../src/targets/Target';
import { invokeBatch } from '../../../../src/targets/batch/invoke';
import { churnRecord, FakeBatchData, framed } from './fakeBatchData';

const plane = vi.hoisted(() => ({ data: undefined as unknown }));
vi.mock('../../../../src/targets/batch/clients', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../../src/targets/batch/clients')>()),
  recordDataPlane: async (ctx: TargetContext) => ({ c: undefined, data: plane.data, poolId: (ctx.record!.details as { poolId: string }).poolId }),
}));

const record = churnRecord();
const ctx: TargetContext = { connections: { docker: () => Promise.reject(new Error('no engine in unit tests')) } };

describe('invoke on Batch', () => {
  it('a pool that cannot get a node (a core quota): one sentence with Batch\'s reason, and the job ended', async () => {
    const data = new FakeBatchData('rdeploy-churn');
    data.pool.resizeErrors = [{ code: 'AccountCoreQuotaReached', message: 'The specified account has reached VM core quota.' }];
    plane.data = data;
    await expect(invokeBatch(record, '{"wt":[2.6]}', ctx)).rejects.toThrow(/The pool rdeploy-churn cannot get a node: AccountCoreQuotaReached: The specified account has reached VM core quota\. The task was not run\./);
    expect(data.calls.filter((c) => c.method === 'terminateJob').map((c) => c.args[1])).toEqual([{ terminateReason: 'PoolCannotGrow' }]);
  });

  it("a past resize error of a pool that has nodes is history: the task's answer comes", async () => {
    const data = new FakeBatchData('rdeploy-churn');
    Object.assign(data.pool, { currentDedicatedNodes: 1, resizeErrors: [{ code: 'ResizeStopped', message: 'stopped' }] });
    plane.data = data;
    const answering = invokeBatch(record, '{"wt":[2.6]}', ctx);
    await vi.waitFor(() => expect(data.calls.some((c) => c.method === 'getTask')).toBe(true));
    const job = data.calls.find((c) => c.method === 'createJob')!.args[0] as { id: string };
    data.complete(job.id, 'invoke', { exitCode: 0, stdout: framed('{"probability":[0.84]}') });
    await expect(answering).resolves.toMatchObject({ ok: true, body: { probability: [0.84] }, runId: job.id });
  }, 15_000);
});
