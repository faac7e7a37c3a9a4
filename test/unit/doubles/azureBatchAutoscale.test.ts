// The Batch double's autoscale formula evaluator on its own (no servers): golden results for
// Microsoft's documented formulas and for the kinds of templates R Deploy renders (queue-based with
// Spot above a minimum, working hours, scale to zero when idle), and the service's errors.
import { describe, expect, it } from 'vitest';
import { evaluateFormula, type FormulaInputs } from '../../doubles/azure/batch/autoscale/evaluate';
import { FormulaSyntaxError } from '../../doubles/azure/batch/autoscale/lexer';
import type { MetricName } from '../../doubles/azure/batch/autoscale/samples';

const WEDNESDAY_10 = Date.parse('2026-10-14T10:00:00Z');
const SATURDAY_10 = Date.parse('2026-10-17T10:00:00Z');

function inputs(over: Partial<FormulaInputs> = {}, samples: Partial<Record<MetricName, number[]>> = {}): FormulaInputs {
  return {
    targetDedicatedNodes: 0,
    targetLowPriorityNodes: 0,
    currentDedicatedNodes: 0,
    currentLowPriorityNodes: 0,
    taskSlotsPerNode: 1,
    now: WEDNESDAY_10,
    samples: (metric) => ({ values: samples[metric] ?? [], newestAgeMs: 0 }),
    ...over,
  };
}

const run = (formula: string, i: FormulaInputs = inputs()) => evaluateFormula(formula, i);

describe("Microsoft's documented formulas", () => {
  it('pending tasks (batch-automatic-scaling "Pending tasks"): too few samples keeps the starting size, enough averages them', () => {
    const formula = [
      'startingNumberOfVMs = 1;',
      'maxNumberofVMs = 25;',
      'pendingTaskSamplePercent = $PendingTasks.GetSamplePercent(180 * TimeInterval_Second);',
      'pendingTaskSamples = pendingTaskSamplePercent < 70 ? startingNumberOfVMs : avg($PendingTasks.GetSample(180 * TimeInterval_Second));',
      '$TargetDedicatedNodes=min(maxNumberofVMs, pendingTaskSamples);',
      '$NodeDeallocationOption = taskcompletion;',
    ].join('\n');
    expect(run(formula, inputs({}, { $PendingTasks: [40] }))).toEqual({
      results: '$TargetDedicatedNodes=1;$TargetLowPriorityNodes=0;$NodeDeallocationOption=taskcompletion',
      targetDedicatedNodes: 1,
      targetLowPriorityNodes: 0,
      nodeDeallocationOption: 'taskcompletion',
    });
    // Six samples cover 180 s: their average, capped at 25.
    expect(run(formula, inputs({}, { $PendingTasks: [10, 20, 30, 40, 50, 60] })).targetDedicatedNodes).toBe(25);
    expect(run(formula, inputs({}, { $PendingTasks: [1, 2, 3, 4, 5, 6] })).results).toBe('$TargetDedicatedNodes=3.5;$TargetLowPriorityNodes=0;$NodeDeallocationOption=taskcompletion');
    expect(run(formula, inputs({}, { $PendingTasks: [1, 2, 3, 4, 5, 6] })).targetDedicatedNodes).toBe(3);
  });

  it('preempted nodes: each preemption moves a node from Spot to dedicated', () => {
    const formula = [
      'maxNumberofVMs = 25;',
      '$TargetDedicatedNodes = min(maxNumberofVMs, $PreemptedNodeCount.GetSample(180 * TimeInterval_Second));',
      '$TargetLowPriorityNodes = min(maxNumberofVMs , maxNumberofVMs - $TargetDedicatedNodes);',
      '$NodeDeallocationOption = taskcompletion;',
    ].join('\n');
    // GetSample(interval) is a doubleVec; min() takes a doubleVecList, so it flattens to the smallest sample.
    expect(run(formula, inputs({}, { $PreemptedNodeCount: [3, 3, 4, 4, 4, 4] })).results).toBe('$TargetDedicatedNodes=3;$TargetLowPriorityNodes=22;$NodeDeallocationOption=taskcompletion');
  });

  it('time-based adjustment (Example 1): 20 nodes in working hours on weekdays, 10 otherwise, with the variables listed in order', () => {
    const formula = [
      '$curTime = time();',
      '$workHours = $curTime.hour >= 8 && $curTime.hour < 18;',
      '$isWeekday = $curTime.weekday >= 1 && $curTime.weekday <= 5;',
      '$isWorkingWeekdayHour = $workHours && $isWeekday;',
      '$TargetDedicatedNodes = $isWorkingWeekdayHour ? 20:10;',
      '$NodeDeallocationOption = taskcompletion;',
    ].join('\n');
    expect(run(formula).results).toBe('$TargetDedicatedNodes=20;$TargetLowPriorityNodes=0;$NodeDeallocationOption=taskcompletion;$curTime=2026-10-14T10:00:00.000Z;$isWeekday=1;$isWorkingWeekdayHour=1;$workHours=1');
    expect(run(formula, inputs({ now: SATURDAY_10 })).results).toBe('$TargetDedicatedNodes=10;$TargetLowPriorityNodes=0;$NodeDeallocationOption=taskcompletion;$curTime=2026-10-17T10:00:00.000Z;$isWeekday=0;$isWorkingWeekdayHour=0;$workHours=1');
  });

  it('task-based adjustment (Example 2): the last sample when history is thin, else the larger of it and the average; half the nodes when idle', () => {
    const formula = [
      '// Get pending tasks for the past 15 minutes.',
      '$samples = $PendingTasks.GetSamplePercent(TimeInterval_Minute * 15);',
      '$tasks = $samples < 70 ? max(0,$PendingTasks.GetSample(1)) : max( $PendingTasks.GetSample(1), avg($PendingTasks.GetSample(TimeInterval_Minute * 15)));',
      '$targetVMs = $tasks > 0? $tasks:max(0, $TargetDedicatedNodes/2);',
      '$TargetDedicatedNodes = max(0, min($targetVMs, 20));',
      '$NodeDeallocationOption = taskcompletion;',
    ].join('\n');
    expect(run(formula, inputs({ targetDedicatedNodes: 6 }, { $PendingTasks: [7] })).results).toBe('$TargetDedicatedNodes=7;$TargetLowPriorityNodes=0;$NodeDeallocationOption=taskcompletion;$samples=3.33333333333333;$targetVMs=7;$tasks=7');
    expect(run(formula, inputs({ targetDedicatedNodes: 6 }, { $PendingTasks: Array(30).fill(0) })).results).toBe('$TargetDedicatedNodes=3;$TargetLowPriorityNodes=0;$NodeDeallocationOption=taskcompletion;$samples=100;$targetVMs=3;$tasks=0');
    expect(run(formula, inputs({}, { $PendingTasks: [...Array(29).fill(40), 2] })).targetDedicatedNodes).toBe(20);
  });

  it("InsufficientSampleData, in Microsoft's documented words, keeps the results reached", () => {
    const outcome = run('$x = 3;\n$TargetDedicatedNodes = min($CPUPercent.GetSample(TimeInterval_Minute * 10, 10));');
    expect(outcome.error).toEqual({
      code: 'InsufficientSampleData',
      message: 'Autoscale evaluation failed due to insufficient sample data',
      values: [{ name: 'Message', value: 'Line 2, Col 41: Insufficient data from data set: $CPUPercent wanted 10%, received 0%' }],
    });
    expect(outcome.results).toBe('$TargetDedicatedNodes=0;$TargetLowPriorityNodes=0;$NodeDeallocationOption=requeue;$x=3');
  });
});

describe('templates of the kind R Deploy renders', () => {
  // Queue-based: one node per taskSlotsPerNode pending tasks, up to 10; the first 2 dedicated, the rest Spot.
  const queue = [
    '$samples = $PendingTasks.GetSamplePercent(TimeInterval_Minute * 5);',
    '$tasks = $samples < 70 ? max(0, $PendingTasks.GetSample(1)) : max($PendingTasks.GetSample(1), avg($PendingTasks.GetSample(TimeInterval_Minute * 5)));',
    '$nodes = min(10, ($tasks + $TaskSlotsPerNode - 1) / $TaskSlotsPerNode);',
    '$TargetDedicatedNodes = min(2, $nodes);',
    '$TargetLowPriorityNodes = max(0, $nodes - 2);',
    '$NodeDeallocationOption = taskcompletion;',
  ].join('\n');

  it('queue-based with Spot above the minimum', () => {
    const busy = run(queue, inputs({ taskSlotsPerNode: 4 }, { $PendingTasks: Array(10).fill(22) }));
    expect(busy).toEqual({
      results: '$TargetDedicatedNodes=2;$TargetLowPriorityNodes=4.25;$NodeDeallocationOption=taskcompletion;$nodes=6.25;$samples=100;$tasks=22',
      targetDedicatedNodes: 2,
      targetLowPriorityNodes: 4,
      nodeDeallocationOption: 'taskcompletion',
    });
    expect(run(queue, inputs({ taskSlotsPerNode: 1 }, { $PendingTasks: Array(10).fill(500) })).targetLowPriorityNodes).toBe(8);
    expect(run(queue, inputs({ taskSlotsPerNode: 1 }, { $PendingTasks: [0] }))).toMatchObject({ targetDedicatedNodes: 0, targetLowPriorityNodes: 0 });
  });

  it('working hours: the maximum on weekdays 08-18 UTC, the minimum otherwise', () => {
    const hours = ['$now = time();', '$working = $now.weekday >= 1 && $now.weekday <= 5 && $now.hour >= 8 && $now.hour < 18;', '$TargetDedicatedNodes = $working ? 4 : 1;', '$NodeDeallocationOption = taskcompletion;'].join('\n');
    expect(run(hours).targetDedicatedNodes).toBe(4);
    expect(run(hours, inputs({ now: SATURDAY_10 })).targetDedicatedNodes).toBe(1);
    expect(run(hours, inputs({ now: Date.parse('2026-10-14T18:00:00Z') })).targetDedicatedNodes).toBe(1);
    expect(run(hours, inputs({ now: Date.parse('2026-10-14T07:59:59Z') })).targetDedicatedNodes).toBe(1);
  });

  it('scale to zero when idle for 10 minutes, and up again on work', () => {
    const zero = [
      '$recent = $PendingTasks.GetSamplePercent(TimeInterval_Minute * 10);',
      '$idle = $recent >= 90 && max($PendingTasks.GetSample(TimeInterval_Minute * 10)) == 0;',
      '$TargetDedicatedNodes = $idle ? 0 : max(1, min(3, $PendingTasks.GetSample(1)));',
      '$NodeDeallocationOption = taskcompletion;',
    ].join('\n');
    // min(3, vec) flattens the one-sample vector.
    expect(run(zero, inputs({ targetDedicatedNodes: 2 }, { $PendingTasks: Array(20).fill(0) })).targetDedicatedNodes).toBe(0);
    expect(run(zero, inputs({ targetDedicatedNodes: 0 }, { $PendingTasks: [...Array(19).fill(0), 5] })).targetDedicatedNodes).toBe(3);
    // Not enough history yet: stay up.
    expect(run(zero, inputs({}, { $PendingTasks: [0, 0] })).targetDedicatedNodes).toBe(1);
  });
});

describe('the language', () => {
  it('aliases: $TargetDedicated sets the dedicated target; the full name wins when both are set', () => {
    expect(run('$TargetDedicated = 3;').targetDedicatedNodes).toBe(3);
    expect(run('$TargetDedicatedNodes = 5; $TargetDedicated = 3;').targetDedicatedNodes).toBe(5);
    expect(run('$TargetLowPriority = 2;').results).toBe('$TargetDedicatedNodes=0;$TargetLowPriorityNodes=2;$NodeDeallocationOption=requeue');
  });

  it('targets are whole nodes, never negative; variables without $ are not listed; stop() ends evaluation', () => {
    expect(run('x = 2.9; $TargetDedicatedNodes = x;')).toMatchObject({ targetDedicatedNodes: 2, results: '$TargetDedicatedNodes=2.9;$TargetLowPriorityNodes=0;$NodeDeallocationOption=requeue' });
    expect(run('$TargetDedicatedNodes = -4;').targetDedicatedNodes).toBe(0);
    expect(run('$TargetDedicatedNodes = 2; stop(); $TargetDedicatedNodes = 9;').targetDedicatedNodes).toBe(2);
  });

  it('vectors, windows and the list functions', () => {
    const i = inputs({}, { $RunningTasks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] });
    expect(run('$v = $RunningTasks.GetSample(3); $s = sum($v); $n = len($v); $m = val($v, 0); $d = $v * 2;', i).results).toBe(
      '$TargetDedicatedNodes=0;$TargetLowPriorityNodes=0;$NodeDeallocationOption=requeue;$d=[20,22,24];$m=10;$n=3;$s=33;$v=[10,11,12]',
    );
    // Between 1 and 6 minutes ago: samples aged 60…330 s.
    expect(run('$w = $RunningTasks.GetSample(1 * TimeInterval_Minute, 6 * TimeInterval_Minute);', i).results).toContain('$w=[1,2,3,4,5,6,7,8,9,10]');
    expect(run('$p = percentile($RunningTasks.GetSample(12), 50); $r = range($RunningTasks.GetSample(12)); $c = $RunningTasks.Count();', i).results).toContain('$c=12;$p=6;$r=11');
  });

  it('timestamps and intervals', () => {
    expect(run('$t = time("2026-10-14T09:30:00Z") + TimeInterval_Hour * 2; $h = $t.hour; $m = $t.minute; $i = TimeInterval_Minute * 90;').results).toBe(
      '$TargetDedicatedNodes=0;$TargetLowPriorityNodes=0;$NodeDeallocationOption=requeue;$h=11;$i=01:30:00;$m=30;$t=2026-10-14T11:30:00.000Z',
    );
  });

  it('evaluation errors: read-only variables, unknown names and functions, types', () => {
    const message = (f: string) => run(f).error?.values[0]?.value;
    expect(message('$CurrentDedicatedNodes = 3;')).toBe('Line 1, Col 1: $CurrentDedicatedNodes is read-only');
    expect(message('$TargetDedicatedNodes = $nope;')).toBe('Line 1, Col 25: undefined variable $nope');
    expect(message('$x = frobnicate(1);')).toContain('unknown function frobnicate()');
    expect(message('$x = $PendingTasks + 1;')).toContain("'+' is not defined for metric and double");
    expect(message('$NodeDeallocationOption = later;')).toContain('undefined variable later');
    expect(run('$x = $PendingTasks + 1;').error?.code).toBe('FormulaEvaluationError');
  });

  it('syntax errors are refused before evaluation, with where they are', () => {
    expect(() => run('$TargetDedicatedNodes = ;')).toThrow(FormulaSyntaxError);
    try {
      run('$a = 1;\n$b = (2 + ;');
    } catch (e) {
      expect(e).toMatchObject({ line: 2, column: 11 });
    }
    expect(() => run('$a = 1 $b = 2')).toThrow("expected ';' but found '$b'");
    expect(() => run(`${'$a = 1;'.repeat(101)}`)).toThrow('at most 100 are allowed');
  });
});
