// The harness page: the host's real HTML and CSP, plus the fake VS Code API and a theme.
import { renderInvokePanelHtml } from '../../src/extension/panels/invokePanelHtml';
import { invokePanelStrings } from '../../src/protocol/invokePanel/strings';

export function page(origin: string, theme: string): string {
  const nonce = 'harness-nonce-0123456789';
  const html = renderInvokePanelHtml({
    cspSource: origin,
    nonce,
    scriptUri: `${origin}/dist/webview/invokePanel.js`,
    styleUri: `${origin}/dist/webview/invokePanel.css`,
    title: 'mtcars-glm (local)',
    strings: invokePanelStrings,
  });
  const extra =
    `<link rel="stylesheet" href="${origin}/harness/${theme === 'light' ? 'light' : 'dark'}.css">\n` +
    `<script nonce="${nonce}" src="${origin}/harness/fakeVscode.js"></script>\n`;
  return html.replace('</head>', `${extra}</head>`);
}
