// The invoke panel's webview: a payload editor, Send, the response and recent latencies.
// Only the vscode-elements components used here are imported, to keep the bundle small.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './invokePanel.css';
import { invokePanelStrings, type InvokePanelStrings } from '../../src/protocol/invokePanel/strings';
import type { ToWebview } from '../../src/protocol/invokePanel/toWebview';
import { panelApi } from './vscodeApi';
import { PanelView } from './view';

function readStrings(): InvokePanelStrings {
  try {
    return { ...invokePanelStrings, ...(JSON.parse(document.body.dataset['l10n'] ?? '{}') as Partial<InvokePanelStrings>) };
  } catch {
    return invokePanelStrings;
  }
}

const api = panelApi();
const view = new PanelView(api, readStrings());
window.addEventListener('message', (e: MessageEvent<ToWebview>) => view.onHostMessage(e.data));
api.postMessage({ kind: 'ready' });
