// Loads the real invoke panel page (the host's HTML, CSP and bundle) in Chromium with a fake
// VS Code API, plays the host, checks what a user would see and saves screenshots under
// test-results/invoke-panel/. Run after `node scripts/build.mjs`:  node test/webview-harness/run.mjs
import * as esbuild from 'esbuild';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(repo, 'test-results', 'invoke-panel');
mkdirSync(out, { recursive: true });

// The page comes from the host's own renderer, compiled on the fly.
const tmp = await mkdtemp(path.join(os.tmpdir(), 'rdeploy-harness-'));
await esbuild.build({
  entryPoints: [path.join(repo, 'test/webview-harness/page.ts')],
  bundle: true, platform: 'node', format: 'esm', outfile: path.join(tmp, 'page.mjs'), logLevel: 'warning',
});
const { page: renderPage } = await import(pathToFileURL(path.join(tmp, 'page.mjs')).href);

const files = {
  '/dist/webview/invokePanel.js': ['dist/webview/invokePanel.js', 'text/javascript'],
  '/dist/webview/invokePanel.css': ['dist/webview/invokePanel.css', 'text/css'],
  '/harness/fakeVscode.js': ['test/webview-harness/fakeVscode.js', 'text/javascript'],
  '/harness/dark.css': ['test/webview-harness/dark.css', 'text/css'],
  '/harness/light.css': ['test/webview-harness/light.css', 'text/css'],
};
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/') {
    const origin = `http://${req.headers.host}`;
    res.writeHead(200, { 'content-type': 'text/html' }).end(renderPage(origin, url.searchParams.get('theme') ?? 'dark'));
    return;
  }
  const f = files[url.pathname];
  if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
  if (!f) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': f[1] }).end(readFileSync(path.join(repo, f[0])));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

const history = Array.from({ length: 14 }, (_, i) => ({
  durationMs: [38, 41, 35, 520, 44, 39, 47, 36, 1210, 42, 40, 45, 37, 43][i],
  ok: i !== 3 && i !== 8,
  at: 1_700_000_000_000 + i * 1000,
}));
const payloads = [
  { name: 'heavy-cars', origin: 'saved' },
  { name: 'one-car', origin: 'sample' },
  { name: 'three-cars', origin: 'sample' },
];
const okRaw = JSON.stringify({ prediction: [21.4, 18.7, 24.4], model: 'glm', n: 3 });

async function open(theme) {
  const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
  const errors = [];
  page.on('console', (m) => (m.type() === 'error' || /Content Security Policy/i.test(m.text())) && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/?theme=${theme}`);
  await page.waitForFunction(() => window.__sent.some((m) => m.kind === 'ready'));
  const host = (m) => page.evaluate((msg) => window.postMessage(msg, '*'), m);
  const sent = () => page.evaluate(() => window.__sent);
  return { page, errors, host, sent };
}

try {
  // Dark: a history, a successful last answer, then a typing mistake.
  {
    const { page, errors, host, sent } = await open('dark');
    await host({ kind: 'init', payloads, history, busy: false, last: { id: 14, status: 'ok', raw: okRaw, durationMs: 43, at: 1 } });
    await page.getByTestId('payload-picker').click();
    await page.locator('li[role=option]', { hasText: 'three-cars' }).click();
    const load = (await sent()).find((m) => m.kind === 'loadPayload');
    check(load?.name === 'three-cars', 'picking a payload asks the host for it by name');
    await host({ kind: 'payloadText', source: 'payload', name: 'three-cars', text: '{\n  "wt": [2.62, 2.875, 2.32],\n  "hp": [110, 110, 93]\n}' });
    await page.waitForTimeout(200);
    check((await page.getByTestId('status').textContent()) === 'OK', 'status shows OK');
    check((await page.getByTestId('response').textContent()).includes('"prediction": ['), 'response is pretty-printed JSON');
    check((await page.locator('#latency-chart rect.bar').count()) === 14, 'the chart has one bar per invocation');
    check((await page.locator('#latency-chart rect.bar.error').count()) === 2, 'error bars are marked as errors');
    check((await page.locator('#latency-chart rect.bar title').first().textContent()).startsWith('Invocation 1: 38 ms'), 'bars have accessible labels');
    check(await page.getByTestId('save-name').evaluate((e) => e.value === 'three-cars'), 'Save as is prefilled with the picked name');
    await page.screenshot({ path: path.join(out, 'dark-ok.png'), fullPage: true });

    const editor = page.getByTestId('payload-editor').locator('textarea');
    await editor.fill('{\n  "wt": 2.62,\n  "hp": \n}');
    check(await page.getByTestId('send-button').evaluate((e) => e.disabled), 'invalid JSON disables Send');
    const where = await page.getByTestId('payload-check').textContent();
    check(where.includes('line 4, column 1'), `invalid JSON says where (${where})`);
    await page.keyboard.press('Control+Enter');
    check(!(await sent()).some((m) => m.kind === 'invoke'), 'Ctrl+Enter does not send invalid JSON');
    await page.screenshot({ path: path.join(out, 'dark-invalid.png'), fullPage: true });

    await editor.fill('{ "wt": 2.62, "hp": "fast" }');
    await editor.press('Control+Enter');
    const inv = (await sent()).find((m) => m.kind === 'invoke');
    check(inv?.payload === '{ "wt": 2.62, "hp": "fast" }' && inv.id === 15, 'Ctrl+Enter sends the editor text with a fresh id');
    check((await page.getByTestId('status').textContent()) === 'Sending…', 'status shows Sending… while waiting');
    check(await page.getByTestId('send-button').evaluate((e) => e.disabled), 'Send is disabled while waiting');
    const errRaw = JSON.stringify({ errorType: 'simpleError', errorMessage: 'non-numeric argument to binary operator' });
    await host({
      kind: 'invokeResult',
      outcome: { id: 15, status: 'error', raw: errRaw, durationMs: 57, errorType: 'simpleError', errorMessage: 'non-numeric argument to binary operator', at: 2 },
      history: [...history, { durationMs: 57, ok: false, at: 2 }],
    });
    await page.waitForTimeout(200);
    check((await page.getByTestId('status').textContent()) === 'Error', 'status shows Error');
    check(await page.getByTestId('error-box').isVisible(), 'the R error is shown in the error box');
    check((await page.locator('#latency-chart rect.bar.error').count()) === 3, 'the new error bar is drawn');
    await page.getByTestId('save-name').locator('input').fill('bad hp');
    check(await page.getByTestId('save-button').evaluate((e) => e.disabled), 'an invalid name disables Save');
    await page.getByTestId('save-name').locator('input').fill('bad-hp');
    await page.getByTestId('save-button').click();
    const save = (await sent()).find((m) => m.kind === 'save');
    check(save?.name === 'bad-hp' && save.payload.includes('"fast"'), 'Save as sends name and payload in one click');
    await host({ kind: 'saved', name: 'bad-hp', file: '/work/examples/mtcars-glm/.rdeploy/payloads/bad-hp.json', payloads: [{ name: 'bad-hp', origin: 'saved' }, ...payloads] });
    await page.waitForTimeout(100);
    check((await page.getByTestId('notice').textContent()).includes('bad-hp.json'), 'saving says where it went');
    check(await page.getByTestId('payload-picker').evaluate((e) => e.value === 'saved:bad-hp'), 'the saved payload is picked');
    await page.screenshot({ path: path.join(out, 'dark-error.png'), fullPage: true });
    await page.setViewportSize({ width: 420, height: 1000 });
    await page.waitForTimeout(200);
    check((await page.locator('#latency-chart').getAttribute('width')) < 420, 'the chart follows the panel width');
    await page.screenshot({ path: path.join(out, 'dark-narrow.png'), fullPage: true });
    check(errors.length === 0, `no console errors or CSP reports (${errors.join(' | ')})`);
    check((await page.evaluate(() => window.__violations)).length === 0, 'no CSP violations');
    await page.close();
  }
  // Light: a host failure (not running) after a fresh start.
  {
    const { page, errors, host } = await open('light');
    await host({ kind: 'init', payloads, history: history.slice(0, 9), busy: false });
    await page.getByTestId('template-button').click();
    await host({ kind: 'payloadText', source: 'template', text: '{\n  "newdata": null\n}' });
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(out, 'light-template.png'), fullPage: true });
    await page.getByTestId('send-button').click();
    await host({
      kind: 'invokeResult',
      outcome: { id: 1, status: 'failed', raw: '', errorMessage: 'The deployment "mtcars-glm" is not running: start it with Redeploy.', at: 3 },
      history: history.slice(0, 9),
    });
    await page.waitForTimeout(200);
    check((await page.getByTestId('status').textContent()) === 'Failed', 'a failure to invoke shows Failed');
    await page.screenshot({ path: path.join(out, 'light-failed.png'), fullPage: true });
    check(errors.length === 0, `no console errors or CSP reports (${errors.join(' | ')})`);
    check((await page.evaluate(() => window.__violations)).length === 0, 'no CSP violations');
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(failures.length === 0 ? `all checks passed; screenshots in ${out}` : `${failures.length} check(s) failed`);
process.exit(failures.length === 0 ? 0 : 1);
