import * as vscode from 'vscode';
import type { Progress } from '../../targets/Target';

/**
 * Long work in a cancellable notification: Cancel aborts the signal end to end, phases become
 * the notification's message and streamed lines go to the "R Deploy" log. `cancellable: false`
 * shows no Cancel button, for work that must not stop half-way (destroy). Work that counts
 * (Map over File) reports to `notification` itself: its messages and increments, not logged.
 */
export function withCancellableProgress<T>(
  title: string,
  log: vscode.LogOutputChannel,
  work: (signal: AbortSignal, progress: Progress, notification: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>,
  opts: { cancellable?: boolean } = {},
): Thenable<T> {
  const cancellable = opts.cancellable ?? true;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable }, (p, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    const progress: Progress = {
      report({ message, line, note }) {
        // A remark worth keeping (a dead process's lock taken over): the log, and a passing notification.
        if (note) {
          log.warn(note);
          void vscode.window.showInformationMessage(note);
        }
        if (message) {
          log.info(message);
          p.report({ message });
        }
        if (line !== undefined && line.trim()) log.info(`  ${line.trimEnd()}`);
      },
    };
    return work(controller.signal, progress, p).finally(() => sub.dispose());
  });
}
