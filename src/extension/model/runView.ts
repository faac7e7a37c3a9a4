import type { StateIcon } from '../../core/view/deploymentState';
import type { RunSummary } from '../../targets/Target';

// What the Deployments tree shows of a deployment's runs (a Logic App's), as data: the icon of a
// run's or an action's status, its duration, the contextValue. No `vscode` here, so it is unit-tested;
// the wording stays in the tree nodes because it is localised.

/** The statuses of a Logic App run or action (WorkflowStatus), each with its icon. */
const ICONS: Record<RunSummary['status'], StateIcon> = {
  Running: { id: 'sync~spin' },
  Waiting: { id: 'clock' },
  Succeeded: { id: 'pass', color: 'testing.iconPassed' },
  Failed: { id: 'error', color: 'testing.iconFailed' },
  Faulted: { id: 'error', color: 'testing.iconFailed' },
  TimedOut: { id: 'watch', color: 'testing.iconFailed' },
  Aborted: { id: 'circle-slash', color: 'list.warningForeground' },
  Cancelled: { id: 'circle-slash', color: 'disabledForeground' },
  Suspended: { id: 'debug-pause', color: 'list.warningForeground' },
  Paused: { id: 'debug-pause', color: 'list.warningForeground' },
  Skipped: { id: 'debug-step-over', color: 'disabledForeground' },
  Ignored: { id: 'circle-outline', color: 'disabledForeground' },
};

/** The icon of a run's or an action's status; a status this version does not know gets a neutral one. */
export function runIcon(status: string): StateIcon {
  return ICONS[status as RunSummary['status']] ?? { id: 'circle-outline' };
}

/** Whether the status is final: a run in any other state changes by itself (its duration too). */
export function isRunFinished(status: string): boolean {
  return !['Running', 'Waiting', 'Suspended', 'Paused'].includes(status);
}

/** How long the run took, or has taken so far while it runs; undefined when its times are unknown. */
export function runDurationMs(run: RunSummary, now: number): number | undefined {
  if (run.durationMs !== undefined) return run.durationMs;
  const start = run.startTime ? Date.parse(run.startTime) : NaN;
  if (Number.isNaN(start)) return undefined;
  const end = run.endTime ? Date.parse(run.endTime) : isRunFinished(run.status) ? NaN : now;
  return Number.isNaN(end) ? undefined : Math.max(0, end - start);
}

/** "850 ms", "12 s", "3 min 4 s", "2 h 5 min": units, not a clock, so it reads the same in every locale. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** A run's or an action's tree contextValue, from kind and status (`run.failed`, `action.succeeded`), for menus that act on some only. */
export function runContextValue(kind: 'run' | 'action', status: string): string {
  return `${kind}.${status.toLowerCase()}`;
}
