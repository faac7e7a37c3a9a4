import type { InvokePanelStrings } from '../../protocol/invokePanel/strings';

/**
 * The invoke panel's page. Pure (no vscode import) so its CSP can be tested and a browser
 * harness can load the very same markup. The webview script fills in everything dynamic; the
 * ids and `data-testid`s below are what UI tests find.
 */
export interface InvokePanelHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** Fresh per page: `crypto.randomBytes(16).toString('base64')`. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
  strings: InvokePanelStrings;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function invokePanelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function renderInvokePanelHtml(i: InvokePanelHtmlInput): string {
  const t = (k: keyof InvokePanelStrings) => escapeHtml(i.strings[k]);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(invokePanelCsp(i.cspSource, i.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(i.styleUri)}">
<title>${escapeHtml(i.title)}</title>
</head>
<body data-l10n="${escapeHtml(JSON.stringify(i.strings))}">
<main class="panel">
  <h1 id="panel-title">${escapeHtml(i.title)}</h1>
  <section class="payload" aria-labelledby="payload-heading">
    <div class="row">
      <h2 id="payload-heading">${t('payloadHeading')}</h2>
      <vscode-single-select id="payload-picker" data-testid="payload-picker" aria-label="${t('pickerLabel')}"></vscode-single-select>
      <vscode-button id="template-button" data-testid="template-button" secondary>${t('template')}</vscode-button>
    </div>
    <vscode-textarea id="payload-editor" data-testid="payload-editor" label="${t('editorLabel')}" monospace rows="10" resize="vertical" spellcheck="false"></vscode-textarea>
    <p id="payload-check" data-testid="payload-check" class="check" role="status" aria-live="polite"></p>
    <div class="row">
      <vscode-button id="send-button" data-testid="send-button">${t('send')}</vscode-button>
      <span id="send-hint" class="hint"></span>
      <span class="spacer"></span>
      <vscode-textfield id="save-name" data-testid="save-name" placeholder="${t('saveNameLabel')}" aria-label="${t('saveNameLabel')}"></vscode-textfield>
      <vscode-button id="save-button" data-testid="save-button" secondary>${t('saveAs')}</vscode-button>
    </div>
    <p id="notice" data-testid="notice" class="notice" role="status" aria-live="polite"></p>
  </section>
  <vscode-divider></vscode-divider>
  <section class="response" aria-labelledby="response-heading" aria-busy="false">
    <div class="row">
      <h2 id="response-heading">${t('responseHeading')}</h2>
      <span id="status" data-testid="status" class="status" role="status" aria-live="polite">${t('statusNone')}</span>
      <span id="duration" data-testid="duration" class="duration"></span>
      <vscode-progress-ring id="busy" data-testid="busy" hidden></vscode-progress-ring>
    </div>
    <div id="error-box" data-testid="error-box" class="error-box" role="alert" hidden>
      <strong id="error-type"></strong> <span id="error-message"></span>
    </div>
    <pre id="response" data-testid="response" class="response-body" tabindex="0" aria-labelledby="response-heading">${t('responseEmpty')}</pre>
  </section>
  <vscode-divider></vscode-divider>
  <section class="latency" aria-labelledby="latency-heading">
    <h2 id="latency-heading">${t('chartHeading')}</h2>
    <div id="chart-box" class="chart-box">
      <svg id="latency-chart" data-testid="latency-chart" class="chart" role="img" aria-labelledby="chart-title" aria-describedby="chart-desc" xmlns="http://www.w3.org/2000/svg"></svg>
    </div>
    <p id="chart-summary" data-testid="chart-summary" class="hint"></p>
  </section>
</main>
<script type="module" nonce="${escapeHtml(i.nonce)}" src="${escapeHtml(i.scriptUri)}"></script>
</body>
</html>
`;
}
