import { describe, expect, it } from 'vitest';
import { formatDuration, isRunFinished, runContextValue, runDurationMs, runIcon } from '../../../src/extension/model/runView';
import type { RunSummary } from '../../../src/targets/Target';

const run = (r: Partial<RunSummary>): RunSummary => ({ id: '08584', status: 'Succeeded', ...r });

describe('the tree’s view of a deployment’s runs', () => {
  it('gives every Logic App status an icon, coloured by outcome, and a neutral one to a status it does not know', () => {
    expect(runIcon('Succeeded')).toEqual({ id: 'pass', color: 'testing.iconPassed' });
    expect(runIcon('Failed')).toEqual({ id: 'error', color: 'testing.iconFailed' });
    expect(runIcon('TimedOut').color).toBe('testing.iconFailed');
    expect(runIcon('Running').id).toBe('sync~spin');
    expect(runIcon('Skipped').color).toBe('disabledForeground');
    expect(runIcon('NotSpecified')).toEqual({ id: 'circle-outline' });
  });

  it('takes the duration the target gives, else end minus start, else how long it has run so far', () => {
    const now = Date.parse('2025-03-01T10:05:00Z');
    expect(runDurationMs(run({ durationMs: 1234, startTime: '2025-03-01T10:00:00Z' }), now)).toBe(1234);
    expect(runDurationMs(run({ startTime: '2025-03-01T10:00:00Z', endTime: '2025-03-01T10:00:42.5Z' }), now)).toBe(42_500);
    expect(runDurationMs(run({ status: 'Running', startTime: '2025-03-01T10:00:00Z' }), now)).toBe(300_000);
    // Finished without an end time, or never started: unknown, not "now minus start".
    expect(runDurationMs(run({ status: 'Failed', startTime: '2025-03-01T10:00:00Z' }), now)).toBeUndefined();
    expect(runDurationMs(run({ status: 'Waiting' }), now)).toBeUndefined();
  });

  it('writes durations in units', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(184_000)).toBe('3 min 4 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(7_500_000)).toBe('2 h 5 min');
    expect(formatDuration(3_600_000)).toBe('1 h');
  });

  it('tells final statuses from those that still change, and builds contextValues from kind and status', () => {
    expect(['Running', 'Waiting', 'Paused', 'Suspended'].filter(isRunFinished)).toEqual([]);
    expect(['Succeeded', 'Failed', 'Cancelled', 'TimedOut', 'Aborted', 'Skipped'].every(isRunFinished)).toBe(true);
    expect(runContextValue('run', 'TimedOut')).toBe('run.timedout');
    expect(runContextValue('action', 'Succeeded')).toBe('action.succeeded');
  });
});
