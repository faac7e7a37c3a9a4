// The autoscale templates: their text (golden), and what the Batch double's formula evaluator —
// the service's semantics for the subset the templates use — makes of them on sample inputs, so
// each template's result is checked, not only its text.
import { describe, expect, it } from 'vitest';
import { autoscaleFormula, MAX_POOL_NODES, type AutoscaleInput } from '../../../../src/targets/batch/autoscale';
import { evaluateFormula, type FormulaInputs } from '../../../doubles/azure/batch/autoscale/evaluate';
import type { MetricName } from '../../../doubles/azure/batch/autoscale/samples';

const WEDNESDAY_10 = Date.parse('2026-10-14T10:00:00Z');
const WEDNESDAY_20 = Date.parse('2026-10-14T20:00:00Z');
const SATURDAY_10 = Date.parse('2026-10-17T10:00:00Z');

/** A pool with `pending` as the $PendingTasks history, one sample every 30 s, newest now. */
function inputs(pending: number[], over: Partial<FormulaInputs> = {}): FormulaInputs {
  return {
    targetDedicatedNodes: 0,
    targetLowPriorityNodes: 0,
    currentDedicatedNodes: 0,
    currentLowPriorityNodes: 0,
    taskSlotsPerNode: 1,
    now: WEDNESDAY_10,
    samples: (metric: MetricName) => ({ values: metric === '$PendingTasks' ? pending : [], newestAgeMs: 0 }),
    ...over,
  };
}

const steady = (n: number, samples = 20) => Array<number>(samples).fill(n);

function targets(input: AutoscaleInput, i: FormulaInputs): { dedicated: number; spot: number } {
  const outcome = evaluateFormula(autoscaleFormula(input), i);
  expect(outcome.error).toBeUndefined();
  expect(outcome.nodeDeallocationOption).toBe('taskcompletion');
  return { dedicated: outcome.targetDedicatedNodes, spot: outcome.targetLowPriorityNodes };
}

describe('queue template', () => {
  const queue: AutoscaleInput = { template: 'queue', minNodes: 1, maxNodes: 10, spot: false };

  it('renders the golden text', () => {
    expect(autoscaleFormula(queue)).toBe(
      [
        '$samples = $PendingTasks.GetSamplePercent(TimeInterval_Minute * 5);',
        '$tasks = $samples < 70 ? max(0, $PendingTasks.GetSample(1)) : max(0, max($PendingTasks.GetSample(1), avg($PendingTasks.GetSample(TimeInterval_Minute * 5))));',
        '$wanted = ($tasks + $TaskSlotsPerNode - 1) / $TaskSlotsPerNode;',
        '$nodes = max(1, min(10, $wanted));',
        '$TargetDedicatedNodes = $nodes;',
        '$TargetLowPriorityNodes = 0;',
        '$NodeDeallocationOption = taskcompletion;',
      ].join('\n'),
    );
  });

  it('0 pending → the minimum; 500 pending → the maximum; in between one node per task slot group, rounded up', () => {
    expect(targets(queue, inputs(steady(0)))).toEqual({ dedicated: 1, spot: 0 });
    expect(targets(queue, inputs([]))).toEqual({ dedicated: 1, spot: 0 });
    expect(targets(queue, inputs(steady(500)))).toEqual({ dedicated: 10, spot: 0 });
    expect(targets(queue, inputs(steady(7)))).toEqual({ dedicated: 7, spot: 0 });
    expect(targets(queue, inputs(steady(7), { taskSlotsPerNode: 4 }))).toEqual({ dedicated: 2, spot: 0 });
  });

  it('a burst is met at once, before five minutes of samples exist; a lull keeps the window average', () => {
    expect(targets(queue, inputs([0, 0, 9]))).toEqual({ dedicated: 9, spot: 0 });
    // Ten samples cover five minutes: the average (5) wins over the newest (0).
    expect(targets(queue, inputs([10, 10, 10, 10, 10, 0, 0, 0, 0, 0]))).toEqual({ dedicated: 5, spot: 0 });
  });

  it('with Spot: the minimum stays dedicated, the nodes above it are Spot', () => {
    const spot = { ...queue, minNodes: 2, spot: true };
    expect(autoscaleFormula(spot)).toContain('$TargetDedicatedNodes = min(2, $nodes);\n$TargetLowPriorityNodes = max(0, $nodes - 2);');
    expect(targets(spot, inputs(steady(0)))).toEqual({ dedicated: 2, spot: 0 });
    expect(targets(spot, inputs(steady(6)))).toEqual({ dedicated: 2, spot: 4 });
    expect(targets(spot, inputs(steady(500)))).toEqual({ dedicated: 2, spot: 8 });
    expect(targets({ ...spot, minNodes: 0 }, inputs(steady(3)))).toEqual({ dedicated: 0, spot: 3 });
  });
});

describe('working hours template', () => {
  const hours: AutoscaleInput = { template: 'workingHours', minNodes: 0, maxNodes: 4, spot: false };

  it('renders the golden text', () => {
    expect(autoscaleFormula(hours).split('\n').slice(3, 6)).toEqual([
      '$now = time();',
      '$working = $now.weekday >= 1 && $now.weekday <= 5 && $now.hour >= 8 && $now.hour < 18;',
      '$nodes = $working ? 4 : max(0, min(4, $wanted));',
    ]);
  });

  it('all nodes on weekdays 08-18 UTC; the queue decides in the evening and at weekends', () => {
    expect(targets(hours, inputs(steady(0)))).toEqual({ dedicated: 4, spot: 0 });
    expect(targets(hours, inputs(steady(0), { now: WEDNESDAY_20 }))).toEqual({ dedicated: 0, spot: 0 });
    expect(targets(hours, inputs(steady(2), { now: SATURDAY_10 }))).toEqual({ dedicated: 2, spot: 0 });
    expect(targets(hours, inputs(steady(0), { now: Date.parse('2026-10-14T18:00:00Z') }))).toEqual({ dedicated: 0, spot: 0 });
    expect(targets(hours, inputs(steady(0), { now: Date.parse('2026-10-14T08:00:00Z') }))).toEqual({ dedicated: 4, spot: 0 });
  });

  it('with Spot: in working hours the nodes above the minimum are Spot', () => {
    expect(targets({ ...hours, minNodes: 1, spot: true }, inputs(steady(0)))).toEqual({ dedicated: 1, spot: 3 });
  });
});

describe('scale to zero template', () => {
  const zero: AutoscaleInput = { template: 'scaleToZero', minNodes: 0, maxNodes: 3, spot: false };

  it('renders the golden text', () => {
    expect(autoscaleFormula(zero).split('\n').slice(0, 5)).toEqual([
      '$recent = $PendingTasks.GetSamplePercent(TimeInterval_Minute * 10);',
      '$idle = $recent >= 90 && max(0, $PendingTasks.GetSample(TimeInterval_Minute * 10)) == 0;',
      '$tasks = max(0, $PendingTasks.GetSample(1));',
      '$wanted = ($tasks + $TaskSlotsPerNode - 1) / $TaskSlotsPerNode;',
      '$nodes = $idle ? 0 : max(1, min(3, $wanted));',
    ]);
  });

  it('zero after ten idle minutes, up again on work, and up while the history is short', () => {
    expect(targets(zero, inputs(steady(0), { targetDedicatedNodes: 2 }))).toEqual({ dedicated: 0, spot: 0 });
    expect(targets(zero, inputs([...steady(0, 19), 5]))).toEqual({ dedicated: 3, spot: 0 });
    expect(targets(zero, inputs([0, 0]))).toEqual({ dedicated: 1, spot: 0 });
    expect(targets(zero, inputs([...steady(0, 19), 1]))).toEqual({ dedicated: 1, spot: 0 });
  });

  it('with Spot and a minimum: busy pools keep the minimum dedicated, idle ones go to zero', () => {
    const spot = { ...zero, minNodes: 1, spot: true };
    expect(targets(spot, inputs([...steady(0, 19), 5]))).toEqual({ dedicated: 1, spot: 2 });
    expect(targets(spot, inputs(steady(0)))).toEqual({ dedicated: 0, spot: 0 });
  });
});

describe('bounds are checked before a formula is rendered', () => {
  const base: AutoscaleInput = { template: 'queue', minNodes: 0, maxNodes: 4, spot: false };
  it.each([
    [{ minNodes: 5, maxNodes: 4 }, 'minNodes (5) must not be more than maxNodes (4).'],
    [{ maxNodes: MAX_POOL_NODES + 1 }, `maxNodes must be between 1 and ${MAX_POOL_NODES} (got ${MAX_POOL_NODES + 1}).`],
    [{ maxNodes: 0 }, `maxNodes must be between 1 and ${MAX_POOL_NODES} (got 0).`],
    [{ minNodes: 1.5 }, 'minNodes and maxNodes must be whole numbers of nodes (got 1.5 and 4).'],
    [{ minNodes: -1 }, 'minNodes must be 0 or more (got -1).'],
  ])('%o is refused', (over, message) => {
    expect(() => autoscaleFormula({ ...base, ...over })).toThrow(message);
  });

  it('every template at the widest bounds parses and evaluates in the double', () => {
    for (const template of ['queue', 'workingHours', 'scaleToZero'] as const) {
      for (const spot of [false, true]) {
        const t = targets({ template, minNodes: 0, maxNodes: MAX_POOL_NODES, spot }, inputs(steady(10_000)));
        expect(t.dedicated + t.spot).toBe(MAX_POOL_NODES);
      }
    }
  });
});
