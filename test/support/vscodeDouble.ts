/**
 * A test double of the part of the `vscode` API that commands reach for to talk to a person:
 * dialogs, quick picks, messages, progress notifications, `l10n.t`, `Uri`, workspace trust.
 * Unit tests of a command's flow load it in place of `vscode`:
 *
 *   vi.mock('vscode', async () => (await import('../../support/vscodeDouble.js')).vscode);
 *
 * It follows the official shapes (`@types/vscode` 1.100): a dismissed dialog or message answers
 * `undefined`, a progress task gets a `Progress` and a `CancellationToken`, `l10n.t` fills `{0}`.
 * It records everything it was asked (`ui.calls`, `ui.progress`), answers as a test tells it
 * (`ui.answer`), and can cancel a running notification as the Cancel button would. Anything
 * else of the API is left out on purpose: a command that needs more fails loudly here, and the
 * integration suites (test/vscode) run the real thing.
 */

type Listener = () => void;

interface CancellationToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: Listener): { dispose(): void };
}

/** As vscode.CancellationTokenSource: cancel() fires the listeners once. */
function tokenSource(): { token: CancellationToken; cancel(): void } {
  let listeners: Listener[] = [];
  let cancelled = false;
  return {
    token: {
      get isCancellationRequested() {
        return cancelled;
      },
      onCancellationRequested(listener) {
        listeners.push(listener);
        return { dispose: () => void (listeners = listeners.filter((l) => l !== listener)) };
      },
    },
    cancel() {
      if (cancelled) return;
      cancelled = true;
      for (const l of [...listeners]) l();
    },
  };
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(fsPath: string): Uri {
    return new Uri('file', fsPath);
  }
  get path(): string {
    return this.fsPath.replace(/\\/g, '/');
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

class CancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'Canceled';
  }
}

enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

/** What a dialog, pick or message was asked: the method, then its arguments as given. */
export interface UiCall {
  method: Method;
  args: unknown[];
}

/** A notification the command showed with withProgress. */
export interface ShownProgress {
  options: { location: ProgressLocation; title?: string; cancellable?: boolean };
  reports: { message?: string; increment?: number }[];
  /** Presses its Cancel button. */
  cancel(): void;
  /** Settled when the task's promise settles. */
  done: Promise<unknown>;
}

type Method = 'showQuickPick' | 'showOpenDialog' | 'showSaveDialog' | 'showInformationMessage' | 'showWarningMessage' | 'showErrorMessage' | 'executeCommand';
type Answer = (...args: unknown[]) => unknown;

class Ui {
  calls: UiCall[] = [];
  progress: ShownProgress[] = [];
  trusted = true;
  private answers = new Map<Method, Answer[]>();
  /** Called when a notification starts (a test may cancel it from there). */
  onProgress: ((p: ShownProgress) => void) | undefined;

  /** The next call of `method` answers what `answer` returns for its arguments (once; queued in order). */
  answer(method: Method, answer: Answer): void {
    this.answers.set(method, [...(this.answers.get(method) ?? []), answer]);
  }

  called(method: Method): UiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  reset(): void {
    this.calls = [];
    this.progress = [];
    this.trusted = true;
    this.answers.clear();
    this.onProgress = undefined;
  }

  ask(method: Method, args: unknown[]): Promise<unknown> {
    this.calls.push({ method, args });
    const queue = this.answers.get(method) ?? [];
    const next = queue.shift();
    // Nobody told us: the person dismissed it.
    return Promise.resolve(next ? next(...args) : undefined);
  }
}

export const ui = new Ui();

const log = () => undefined;

export const vscode = {
  Uri,
  CancellationError,
  ProgressLocation,
  l10n: {
    t: (message: string, ...args: unknown[]) => message.replace(/\{(\d+)\}/g, (all, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : all)),
  },
  workspace: {
    get isTrusted(): boolean {
      return ui.trusted;
    },
    asRelativePath: (p: string | Uri) => (typeof p === 'string' ? p : p.fsPath),
  },
  window: {
    showQuickPick: (items: unknown, options?: unknown) => Promise.resolve(items).then((resolved) => ui.ask('showQuickPick', [resolved, options])),
    showOpenDialog: (options?: unknown) => ui.ask('showOpenDialog', [options]),
    showSaveDialog: (options?: unknown) => ui.ask('showSaveDialog', [options]),
    showInformationMessage: (...args: unknown[]) => ui.ask('showInformationMessage', args),
    showWarningMessage: (...args: unknown[]) => ui.ask('showWarningMessage', args),
    showErrorMessage: (...args: unknown[]) => ui.ask('showErrorMessage', args),
    withProgress<T>(options: ShownProgress['options'], task: (progress: { report(value: { message?: string; increment?: number }): void }, token: CancellationToken) => Thenable<T>): Thenable<T> {
      const tokens = tokenSource();
      const shown: ShownProgress = { options, reports: [], cancel: () => tokens.cancel(), done: Promise.resolve() };
      ui.progress.push(shown);
      const result = Promise.resolve().then(() => task({ report: (value) => void shown.reports.push(value) }, tokens.token));
      shown.done = result.then(
        () => undefined,
        () => undefined,
      );
      ui.onProgress?.(shown);
      return result;
    },
  },
  commands: {
    executeCommand: (...args: unknown[]) => ui.ask('executeCommand', args),
  },
};

/** A LogOutputChannel that keeps its lines, for the command context. */
export function memoryLog(): { lines: string[]; info(m: string): void; warn(m: string): void; error(m: string): void; debug(m: string): void; trace(m: string): void; show(): void; append: typeof log; appendLine: typeof log } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(`info ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    error: (m) => void lines.push(`error ${m}`),
    debug: (m) => void lines.push(`debug ${m}`),
    trace: (m) => void lines.push(`trace ${m}`),
    show: log,
    append: log,
    appendLine: log,
  };
}
