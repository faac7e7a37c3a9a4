import * as vscode from 'vscode';
import { HANDLER_LENS_SELECTOR } from './codelens/handlerLensSelector';
import { COMMAND_IDS } from './commandIds';
import type { RDeployContext } from './context';
import { PayloadEditors } from './documents/PayloadEditors';
import { ReadonlyDocuments } from './documents/ReadonlyDocuments';
import type { Services } from './services';
import { LazyTreeProvider } from './tree/LazyTreeProvider';

/** What `activate` returns: for integration tests and other extensions. */
export interface RDeployApi {
  /** The Deployments tree's data provider (the one the view shows). */
  readonly tree: vscode.TreeDataProvider<unknown>;
  /** The context commands run with (loads the services on first call). */
  context(): Promise<RDeployContext>;
}

/**
 * Activation only registers things: no file is read, no SDK or schema library is loaded. The
 * services (zod, project detection, targets) load on first use — a command, the view shown, an
 * R file opened — through a dynamic import that the bundler keeps lazy; dockerode loads on the
 * first Docker call.
 */
export function activate(extension: vscode.ExtensionContext): RDeployApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('R Deploy', { log: true });
  const documents = {
    response: new ReadonlyDocuments('rdeploy-response'),
    details: new ReadonlyDocuments('rdeploy-details'),
    dockerfile: new ReadonlyDocuments('rdeploy-dockerfile'),
    logs: new ReadonlyDocuments('rdeploy-logs', { maxLines: 20_000, batchMs: 100 }),
  };
  const payloadEditors = new PayloadEditors();
  const lensesChanged = new vscode.EventEmitter<void>();
  const subscriptions = extension.subscriptions;

  let services: Promise<Services> | undefined;
  const load = (): Promise<Services> =>
    (services ??= Promise.resolve()
      // require, not import(): the chunk must load through the extension host's CommonJS loader
      // (which provides `vscode`). scripts/build.mjs points it at dist/sdk/extension-services.js.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      .then((): typeof import('./services.js') => require('./services.js'))
      .then((m) => {
        const t0 = performance.now();
        const s = m.createServices({ extension, log, documents, payloadEditors }, tree, lensesChanged, subscriptions);
        log.info(`services ready in ${(performance.now() - t0).toFixed(1)} ms`);
        return s;
      }));
  const tree = new LazyTreeProvider(async () => (await load()).ctx.tree);

  subscriptions.push(
    log,
    tree,
    lensesChanged,
    ...Object.values(documents),
    payloadEditors,
    ...COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, async (arg?: unknown, ...rest: unknown[]) => (await load()).run(id, arg, rest))),
    vscode.languages.registerCodeLensProvider(HANDLER_LENS_SELECTOR, {
      onDidChangeCodeLenses: lensesChanged.event,
      provideCodeLenses: async (doc) => (await load()).codeLens.provideCodeLenses(doc),
    }),
  );
  void vscode.commands.executeCommand('setContext', 'rdeploy.tailing', false);
  log.info(`R Deploy activated in ${(performance.now() - started).toFixed(1)} ms`);
  return { tree, context: async () => (await load()).ctx };
}

export function deactivate(): void {
  // Everything is in extension.subscriptions; VS Code disposes it (tails stop, timers clear).
}
