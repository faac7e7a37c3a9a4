import { describe, expect, it } from 'vitest';
import { invokePanelCsp, renderInvokePanelHtml } from '../../../src/extension/panels/invokePanelHtml';
import { invokePanelStrings } from '../../../src/protocol/invokePanel/strings';

const input = {
  cspSource: 'https://x.vscode-cdn.net',
  nonce: 'bm9uY2Vub25jZW5vbmNl',
  scriptUri: 'https://x.vscode-cdn.net/dist/webview/invokePanel.js',
  styleUri: 'https://x.vscode-cdn.net/dist/webview/invokePanel.css',
  title: 'mtcars <script>alert(1)</script>',
  strings: { ...invokePanelStrings, send: 'Senden "jetzt"' },
};

describe('invoke panel page', () => {
  const html = renderInvokePanelHtml(input);

  it('has the strict CSP, with no unsafe-inline or unsafe-eval', () => {
    expect(invokePanelCsp(input.cspSource, input.nonce)).toBe(
      "default-src 'none'; img-src https://x.vscode-cdn.net data:; style-src https://x.vscode-cdn.net; " +
        "script-src 'nonce-bm9uY2Vub25jZW5vbmNl'; font-src https://x.vscode-cdn.net",
    );
    expect(html).toContain('http-equiv="Content-Security-Policy"');
    expect(html).not.toMatch(/unsafe-/);
  });

  it('loads only its own script, with the nonce, and no inline script or style', () => {
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts).toEqual([`<script type="module" nonce="${input.nonce}" src="${input.scriptUri}">`]);
    expect(html).toMatch(/<script[^>]*><\/script>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it('escapes the title and the strings', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('mtcars &#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('>Senden &#34;jetzt&#34;</vscode-button>');
    const l10n = /data-l10n="([^"]*)"/.exec(html)![1]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
    expect(JSON.parse(l10n)).toEqual(input.strings);
  });

  it('gives UI tests stable ids', () => {
    for (const id of ['payload-editor', 'send-button', 'response', 'status', 'latency-chart', 'save-button', 'payload-picker', 'save-name', 'template-button']) {
      expect(html, id).toContain(`data-testid="${id}"`);
    }
  });
});
