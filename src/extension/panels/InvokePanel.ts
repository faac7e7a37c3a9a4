import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { invokePanelStrings, type InvokePanelStrings } from '../../protocol/invokePanel/strings';
import type { ToWebview } from '../../protocol/invokePanel/toWebview';
import type { InvokeResult } from '../../targets/Target';
import { InvokePanelController, type InvokePanelState, type InvokeSession } from './InvokePanelController';
import { renderInvokePanelHtml } from './invokePanelHtml';

export interface InvokePanelDeps {
  extensionUri: vscode.Uri;
  /** The panel's title, e.g. the deployment's name. */
  title: string;
  /** One panel per key (per deployment): showing it again reveals the open one. */
  key: string;
  /** `signal` aborts when the panel closes or the call times out. */
  invoke(payload: string, signal: AbortSignal): Promise<InvokeResult>;
  listPayloads(): Promise<{ name: string; origin: 'saved' | 'sample' }[]>;
  readPayload(name: string): Promise<string>;
  /** Returns the saved file's path. */
  savePayload(name: string, json: string): Promise<string>;
  /** A payload following the handler's argument names. */
  template(signal: AbortSignal): Promise<string>;
  /** Where to note malformed webview messages (the "R Deploy" output channel). */
  log?: { warn(message: string): void };
}

const VIEW_TYPE = 'rdeploy.invokePanel';
const open = new Map<string, InvokePanel>();
/** Outlive the panels: closing and reopening one keeps its latency history. */
const sessions = new Map<string, InvokeSession>();

/** Opens the invoke panel for a deployment, or reveals it (with fresh deps) when it is open. */
export function showInvokePanel(deps: InvokePanelDeps): void {
  const existing = open.get(deps.key);
  if (existing) {
    existing.update(deps);
    return;
  }
  open.set(deps.key, new InvokePanel(deps));
}

/** For integration tests: act as the panel's webview and read what the host knows. */
export function getInvokePanelForTest(key: string):
  | { post(message: unknown): Promise<void>; lastState(): InvokePanelState; sent(): readonly ToWebview[]; html(): string }
  | undefined {
  const panel = open.get(key);
  return panel && { post: (m) => panel.controller.handle(m), lastState: () => panel.controller.state(), sent: () => panel.sent, html: () => panel.html };
}

function localizedStrings(): InvokePanelStrings {
  const out: Record<string, string> = {};
  for (const [key, english] of Object.entries(invokePanelStrings)) out[key] = vscode.l10n.t(english);
  return out as unknown as InvokePanelStrings;
}

class InvokePanel {
  readonly controller: InvokePanelController;
  /** The last messages posted to the webview (kept short), for tests. */
  readonly sent: ToWebview[] = [];
  readonly html: string;
  private readonly panel: vscode.WebviewPanel;
  /** Kept from the start: `panel.webview` throws "Webview is disposed" once the panel closed. */
  private readonly webview: vscode.Webview;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(deps: InvokePanelDeps) {
    const bundle = vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview');
    this.panel = vscode.window.createWebviewPanel(VIEW_TYPE, deps.title, vscode.ViewColumn.Active, {
      enableScripts: true,
      // Dropped when hidden to save memory; the webview restores itself with getState/setState
      // and asks the host for the rest ('ready' → 'init').
      retainContextWhenHidden: false,
      localResourceRoots: [bundle],
    });
    this.panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'rdeploy.svg');
    let session = sessions.get(deps.key);
    if (!session) sessions.set(deps.key, (session = { history: [] }));
    this.controller = new InvokePanelController(deps, (m) => this.post(m), session);

    const webview = (this.webview = this.panel.webview);
    this.html = renderInvokePanelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(bundle, 'invokePanel.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(bundle, 'invokePanel.css')).toString(),
      title: deps.title,
      strings: localizedStrings(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => this.controller.handle(m)),
      this.panel.onDidDispose(() => this.dispose(deps.key)),
    );
    webview.html = this.html;
  }

  update(deps: InvokePanelDeps): void {
    this.controller.setActions(deps);
    this.panel.title = deps.title;
    this.panel.reveal();
  }

  private post(message: ToWebview): void {
    this.sent.push(message);
    if (this.sent.length > 50) this.sent.shift();
    if (this.disposed) return;
    // A hidden webview is gone (not retained) and drops messages; 'ready' → 'init' catches it up.
    this.webview.postMessage(message).then(undefined, () => undefined);
  }

  private dispose(key: string): void {
    this.disposed = true;
    this.controller.dispose();
    open.delete(key);
    for (const d of this.disposables) d.dispose();
  }
}
