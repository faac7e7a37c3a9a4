// The autoscale nudge: while work waits on a pool with no node, set the pool's own formula again
// so Batch evaluates it now instead of at the next 15-minute evaluation; at most once every 30 s
// (Batch refuses more), never during a resize, at most 10 times, and never failing the caller.
import { describe, expect, it } from 'vitest';
import { BatchError } from '../../../../src/clouds/azure/batch';
import { autoscaleNudger } from '../../../../src/targets/batch/nudge';
import { FakeBatchData } from './fakeBatchData';

const FORMULA = '$TargetDedicatedNodes = max(0, min(4, $PendingTasks.GetSample(1)));\n$NodeDeallocationOption = taskcompletion;';

function setup(pool: Partial<FakeBatchData['pool']> = {}) {
  const data = new FakeBatchData('rdeploy-churn');
  data.pool = { ...data.pool, autoScaleFormula: FORMULA, autoScaleEvaluationInterval: 'PT15M', ...pool };
  let t = 1_000_000;
  const clock = { advance: (ms: number) => (t += ms) };
  const nudge = autoscaleNudger(data.client, 'rdeploy-churn', () => t);
  return { data, clock, nudge };
}

describe('autoscaleNudger', () => {
  it("on an empty, steady, autoscaled pool: sends the pool's own formula and interval", async () => {
    const { data, nudge } = setup();
    expect(await nudge()).toBe(true);
    expect(data.callsOf('enablePoolAutoScale')).toEqual([['rdeploy-churn', { autoScaleFormula: FORMULA, autoScaleEvaluationInterval: 'PT15M' }]]);
  });

  it('without an interval on the pool, sends the formula alone', async () => {
    const { data, nudge } = setup({ autoScaleEvaluationInterval: undefined });
    expect(await nudge()).toBe(true);
    expect(data.callsOf('enablePoolAutoScale')).toEqual([['rdeploy-churn', { autoScaleFormula: FORMULA }]]);
  });

  it.each([
    ['a dedicated node', { currentDedicatedNodes: 1 }],
    ['a Spot node', { currentLowPriorityNodes: 1 }],
    ['a dedicated node on its way', { targetDedicatedNodes: 1 }],
    ['a Spot node on its way', { targetLowPriorityNodes: 2 }],
    ['a resize under way', { allocationState: 'resizing' }],
    ['a resize being stopped', { allocationState: 'stopping' }],
    ['autoscale off', { enableAutoScale: false }],
    ['no formula', { autoScaleFormula: undefined }],
  ])('leaves the pool alone with %s', async (_why, pool) => {
    const { data, nudge } = setup(pool);
    expect(await nudge()).toBe(false);
    expect(data.callsOf('getPool')).toHaveLength(1);
    expect(data.callsOf('enablePoolAutoScale')).toEqual([]);
  });

  it('never twice within 30 s: not even a look at the pool until the 30 s have passed', async () => {
    const { data, clock, nudge } = setup();
    expect(await nudge()).toBe(true);
    clock.advance(29_999);
    expect(await nudge()).toBe(false);
    expect(data.callsOf('getPool')).toHaveLength(1);
    clock.advance(1);
    expect(await nudge()).toBe(true);
    expect(data.callsOf('enablePoolAutoScale')).toHaveLength(2);
  });

  it('at most 10 times, however long the work waits', async () => {
    const { data, clock, nudge } = setup();
    const answers: boolean[] = [];
    for (let i = 0; i < 14; i++) {
      answers.push(await nudge());
      clock.advance(30_000);
    }
    expect(answers).toEqual([...Array<boolean>(10).fill(true), false, false, false, false]);
    expect(data.callsOf('enablePoolAutoScale')).toHaveLength(10);
  });

  it('looks only: a pool that gained a node is not counted, and is nudged again once it is empty', async () => {
    const { data, clock, nudge } = setup({ currentDedicatedNodes: 1 });
    expect(await nudge()).toBe(false);
    data.pool.currentDedicatedNodes = 0;
    expect(await nudge()).toBe(true); // no 30 s wait after a look that sent nothing
    clock.advance(30_000);
    expect(await nudge()).toBe(true);
  });

  it("swallows Batch's refusals and a failed look: false, and the next look tries again", async () => {
    const { data, clock, nudge } = setup();
    data.fail('getPool', new BatchError('ServerBusy', 'The server is busy.', 503), 1);
    expect(await nudge()).toBe(false);
    expect(data.callsOf('enablePoolAutoScale')).toEqual([]);
    data.fail('enablePoolAutoScale', new BatchError('PoolBeingResized', 'The specified pool is being resized.', 409), 1);
    expect(await nudge()).toBe(false);
    // The refused one still counts for the 30 s Batch keeps between two.
    clock.advance(10_000);
    expect(await nudge()).toBe(false);
    expect(data.callsOf('getPool')).toHaveLength(2);
    clock.advance(20_000);
    expect(await nudge()).toBe(true);
  });
});
