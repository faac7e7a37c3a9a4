import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MapStats, MapSummary } from '../../core/map';
import type { RDeployContext } from '../context';
import { reportError } from '../registry';

type Unit = MapSummary['unit'];

export interface MapNotification {
  /** The input turned out to be a JSON array: its units are elements. */
  unit(unit: Unit): void;
  update(stats: MapStats): void;
  /** Shows the last counts at once. */
  end(): void;
}

/**
 * The counts of a running map in its notification, at most every `intervalMs` (a fast map
 * changes them thousands of times a second), with the bar following the share of units settled.
 */
export function mapNotification(notification: vscode.Progress<{ message?: string; increment?: number }>, intervalMs = 100): MapNotification {
  let unit: Unit = 'chunk';
  let last: MapStats | undefined;
  let percent = 0;
  let drawnAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    timer = undefined;
    if (!last) return;
    drawnAt = performance.now();
    const total = last.total ?? last.estimate;
    const now = total ? Math.min(100, (100 * (last.done + last.failed + last.skipped)) / total) : percent;
    // The bar only grows: an estimate the input outgrows must not move it back.
    const increment = Math.max(0, now - percent);
    percent += increment;
    notification.report({ message: mapStatsText(last, unit), ...(increment ? { increment } : {}) });
  };
  return {
    unit: (u) => void (unit = u),
    update(stats) {
      last = stats;
      timer ??= setTimeout(draw, Math.max(0, intervalMs - (performance.now() - drawnAt)));
    },
    end() {
      if (timer) clearTimeout(timer);
      draw();
    },
  };
}

/** "12 of 40 chunks · 10 done · 1 failed · 1 running". */
export function mapStatsText(s: MapStats, unit: Unit): string {
  const settled = s.done + s.failed + s.skipped;
  const count = s.total !== undefined ? vscode.l10n.t('{0} of {1}', settled, s.total) : s.estimate !== undefined ? vscode.l10n.t('{0} of about {1}', settled, s.estimate) : String(settled);
  return [
    unit === 'chunk' ? vscode.l10n.t('{0} chunks', count) : vscode.l10n.t('{0} elements', count),
    vscode.l10n.t('{0} done', s.done),
    vscode.l10n.t('{0} failed', s.failed),
    vscode.l10n.t('{0} running', s.running),
    ...(s.skipped ? [vscode.l10n.t('{0} from an earlier run', s.skipped)] : []),
  ].join(' · ');
}

/**
 * The end of a map: the counts, as information when every unit was answered and as a warning
 * when some failed (the handler's errors recorded now or by an earlier run, and calls without
 * an answer), with "Open Output". Not awaited: the command is done when the map is.
 */
export function showMapOutcome(ctx: RDeployContext, name: string, s: MapSummary): void {
  const input = path.basename(s.input);
  const output = s.outputs.csv ?? s.outputs.jsonl;
  const units = s.unit === 'chunk' ? vscode.l10n.t('{0} chunks', s.units) : vscode.l10n.t('{0} elements', s.units);
  const failed = s.failed + s.failedBefore;
  const open = vscode.l10n.t('Open Output');
  const shown =
    failed > 0
      ? vscode.window.showWarningMessage(
          s.callFailures
            ? vscode.l10n.t('Map of {0} on {1}: {2} of {3} failed ({4} without an answer: run Map over File again to retry them); see the "error" records in {5}.', input, name, failed, units, s.callFailures, path.basename(s.outputs.jsonl))
            : vscode.l10n.t('Map of {0} on {1}: {2} of {3} failed with an error of the handler; see the "error" records in {4}.', input, name, failed, units, path.basename(s.outputs.jsonl)),
          open,
        )
      : vscode.window.showInformationMessage(
          s.skipped
            ? vscode.l10n.t('Mapped {0} on {1}: {2}, {3} answered now and {4} by an earlier run, in {5} s.', input, name, units, s.done, s.skipped, (s.durationMs / 1000).toFixed(1))
            : vscode.l10n.t('Mapped {0} on {1}: {2} answered in {3} s.', input, name, units, (s.durationMs / 1000).toFixed(1)),
          open,
        );
  void Promise.resolve(shown)
    .then(async (picked) => {
      if (picked === open) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(output));
    })
    .catch((e: unknown) => reportError(ctx, 'Open Output', e));
}
