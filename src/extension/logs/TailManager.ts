import * as vscode from 'vscode';
import { LineRate } from '../../core/view/lineRate';
import type { LogEvent } from '../../core/deployment';
import type { Deployments } from '../../targets/lifecycle/Deployments';
import type { ReadonlyDocuments } from '../documents/ReadonlyDocuments';
import type { DeploymentRef } from '../model/WorkspaceModel';
import { LogTerminal } from './LogTerminal';

interface Tail {
  key: string;
  ref: DeploymentRef;
  controller: AbortController;
  rate: LineRate;
  item: vscode.StatusBarItem;
  ticker: ReturnType<typeof setInterval>;
  uri?: vscode.Uri;
  terminal?: LogTerminal;
}

export interface TailHandle {
  key: string;
  /** The log document, when the destination is a document. */
  uri?: vscode.Uri;
}

/**
 * Live log tails, several at once: each streams `deployments.logs(follow)` into a read-only log
 * document (or a terminal) and owns a status bar item showing lines per second; clicking the
 * item stops that tail. `rdeploy.tailing` says whether any tail runs (Stop Tailing's `when`).
 */
export class TailManager implements vscode.Disposable {
  private readonly tails = new Map<string, Tail>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly documents: ReadonlyDocuments,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Keep a log editor scrolled to the end while new lines arrive, unless the user scrolled up.
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== documents.scheme) return;
        for (const editor of vscode.window.visibleTextEditors) {
          if (editor.document !== e.document) continue;
          const last = e.document.lineCount - 1;
          const bottom = editor.visibleRanges[editor.visibleRanges.length - 1]?.end.line ?? 0;
          if (bottom >= last - e.contentChanges.reduce((n, c) => n + c.text.split('\n').length, 0) - 2) {
            editor.revealRange(new vscode.Range(last, 0, last, 0), vscode.TextEditorRevealType.Default);
          }
        }
      }),
      // Closing the log document ends its tail: stream, ticker and status bar item.
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme !== documents.scheme) return;
        const uri = doc.uri.toString();
        const tail = [...this.tails.values()].find((t) => t.uri?.toString() === uri);
        // A language change closes and reopens the document (show() sets 'log'): stop only when
        // it stays closed.
        if (tail) setTimeout(() => this.stopIfClosed(tail, uri, 'document'), 300);
      }),
      // VS Code disposes a closed document late (minutes), so a closed tab is the prompt signal.
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed) {
          if (!(tab.input instanceof vscode.TabInputText) || tab.input.uri.scheme !== documents.scheme) continue;
          const uri = tab.input.uri.toString();
          const tail = [...this.tails.values()].find((t) => t.uri?.toString() === uri);
          // Moving a tab to another group closes and opens it: look again once that settled.
          if (tail) setTimeout(() => this.stopIfClosed(tail, uri, 'tab'), 300);
        }
      }),
    );
  }

  private stopIfClosed(tail: Tail, uri: string, by: 'document' | 'tab'): void {
    if (this.tails.get(tail.key) !== tail) return;
    const shown = vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri));
    if (shown) return;
    if (by === 'document' && vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri)) return;
    this.log.info(`the log document of ${tail.ref.record.name} was closed`);
    this.stop(tail.key);
  }

  static key(ref: DeploymentRef): string {
    return `${ref.root}:${ref.record.name}`;
  }

  get(key: string): TailHandle | undefined {
    const t = this.tails.get(key);
    return t && { key, uri: t.uri };
  }

  list(): { key: string; ref: DeploymentRef }[] {
    return [...this.tails.values()].map((t) => ({ key: t.key, ref: t.ref }));
  }

  async start(ref: DeploymentRef, deployments: Pick<Deployments, 'logs'>, destination: 'document' | 'terminal'): Promise<TailHandle> {
    const key = TailManager.key(ref);
    const existing = this.tails.get(key);
    if (existing) {
      if (existing.uri) await this.documents.show(existing.uri, 'log', false);
      existing.terminal?.show();
      return { key, uri: existing.uri };
    }
    const name = ref.record.name;
    const controller = new AbortController();
    const item = vscode.window.createStatusBarItem(`rdeploy.tail.${key}`, vscode.StatusBarAlignment.Left, 10);
    item.name = vscode.l10n.t('R Deploy: log tail');
    item.tooltip = vscode.l10n.t('Tailing the logs of {0}. Click to stop.', name);
    item.command = { command: 'rdeploy.stopTailing', title: vscode.l10n.t('Stop Tailing Logs'), arguments: [{ root: ref.root, name }] };
    const rate = new LineRate();
    const render = () => (item.text = `$(pulse) ${vscode.l10n.t('Tailing {0} · {1} lines/s', name, rate.perSecond())}`);
    render();
    item.show();
    const tail: Tail = { key, ref, controller, rate, item, ticker: setInterval(render, 1000) };

    let write: (lines: string[]) => void;
    if (destination === 'terminal') {
      tail.terminal = new LogTerminal(vscode.l10n.t('Logs: {0}', name), () => this.stop(key));
      tail.terminal.show();
      write = (lines) => tail.terminal?.write(lines);
    } else {
      tail.uri = this.documents.create(`${name}.log`, '', true);
      write = (lines) => this.documents.append(tail.uri!, lines);
    }
    this.tails.set(key, tail);
    await this.updateContext();
    if (tail.uri) await this.documents.show(tail.uri, 'log', false);
    this.log.info(`tailing logs of ${name}`);
    void this.pump(tail, deployments.logs(ref, { follow: true, tail: 500, signal: controller.signal }), write);
    return { key, uri: tail.uri };
  }

  private async pump(tail: Tail, events: AsyncIterable<LogEvent>, write: (lines: string[]) => void): Promise<void> {
    let ending = vscode.l10n.t('— the log stream ended (the container stopped) —');
    try {
      for await (const e of events) {
        const lines = e.message.split(/\r?\n/).map((m) => `${e.timestamp} ${m}`);
        tail.rate.add(lines.length);
        write(lines);
      }
    } catch (e) {
      if (tail.controller.signal.aborted) {
        ending = vscode.l10n.t('— stopped tailing —');
      } else {
        const message = e instanceof Error ? e.message : String(e);
        ending = vscode.l10n.t('— tailing failed: {0} —', message);
        this.log.error(`tailing ${tail.ref.record.name}: ${message}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('Tailing the logs of {0} failed: {1}', tail.ref.record.name, message));
      }
    }
    if (tail.controller.signal.aborted) ending = vscode.l10n.t('— stopped tailing —');
    write([ending]);
    this.finish(tail);
  }

  /** Stops one tail; true when there was one. */
  stop(key: string): boolean {
    const tail = this.tails.get(key);
    if (!tail) return false;
    tail.controller.abort();
    this.finish(tail);
    return true;
  }

  private finish(tail: Tail): void {
    if (this.tails.get(tail.key) !== tail) return;
    this.tails.delete(tail.key);
    clearInterval(tail.ticker);
    tail.item.dispose();
    tail.terminal?.ended();
    this.log.info(`stopped tailing ${tail.ref.record.name}`);
    void this.updateContext();
  }

  private updateContext(): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', 'rdeploy.tailing', this.tails.size > 0);
  }

  dispose(): void {
    for (const key of [...this.tails.keys()]) this.stop(key);
    for (const d of this.disposables) d.dispose();
  }
}
