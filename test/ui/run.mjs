#!/usr/bin/env node
// UI end-to-end: a person's first session with R Deploy, in a real VS Code (code-server 4.100.3)
// driven through headless Chromium with Playwright. The extension is the packaged .vsix,
// installed as a user would. Every step takes a screenshot under test-results/ui/NN-step.png.
//
//   node test/ui/run.mjs [--vsix FILE] [--keep] [--step-timeout SECONDS]
//
// Steps: open the example project → F1 "R Deploy: Deploy R Model…" → local target, name, confirm
// → the progress notification ends → the deployment in the Deployments tree → right-click →
// Invoke with Sample Payload… → one-car → the response shows "probability" → Tail Logs → the
// handler's "scored 1 car(s)" in the log document → right-click → Destroy… → confirm → gone.
// Exits non-zero on any failure; ends with "ui: N passed, N failed". code-server and Chromium are
// ended by pid; Docker objects of this run's scratch project are swept.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { REPO, makeScratch, sleep, startChromium, startCodeServer, summaryLine, sweepDocker, writeSummary, codeServerBin } from '../../scripts/vscode-harness.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const STEP_MS = Number(option('--step-timeout', '60')) * 1000;
const DEPLOY_MS = 15 * 60 * 1000; // a first build without cache restores packages from CRAN
const SHOTS = path.join(REPO, 'test-results', 'ui');
const name = `ui-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const t0 = Date.now();
const say = (m) => console.log(`[ui ${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}`);

let scratch;
let server;
let chrome;
let page;
let shot = 0;
const results = [];

async function screenshot(step) {
  const file = path.join(SHOTS, `${String(++shot).padStart(2, '0')}-${step}.png`);
  await page.screenshot({ path: file }).catch((e) => say(`screenshot ${step} failed: ${e.message}`));
  return file;
}

/** One step: runs `fn`, screenshots the result (also on failure), records the outcome. */
async function step(title, slug, fn) {
  if (results.some((r) => r.state === 'failed')) {
    results.push({ title, state: 'skipped' });
    return;
  }
  const started = Date.now();
  try {
    await fn();
    const file = await screenshot(slug);
    results.push({ title, state: 'passed', ms: Date.now() - started });
    say(`✓ ${title} (${path.relative(REPO, file)})`);
  } catch (e) {
    const file = await screenshot(`${slug}-FAILED`);
    results.push({ title, state: 'failed', ms: Date.now() - started, error: e instanceof Error ? e.message : String(e) });
    say(`✗ ${title}: ${e instanceof Error ? e.message : e} (${path.relative(REPO, file)})`);
  }
}

// ---- workbench helpers: what a person sees and does ----
const workbench = () => page.locator('.monaco-workbench');
const quickInput = () => page.locator('.quick-input-widget');
const quickInputBox = () => page.locator('.quick-input-widget .quick-input-box input');

async function runFromPalette(title) {
  await page.keyboard.press('F1');
  await quickInputBox().waitFor({ state: 'visible', timeout: STEP_MS });
  await quickInputBox().fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: STEP_MS });
  await page.keyboard.press('Enter');
}

/** Waits for the quick input to show `text` (a title, placeholder or item) and returns it. */
async function waitQuickInput(text) {
  const widget = quickInput();
  await widget.waitFor({ state: 'visible', timeout: STEP_MS });
  await page.waitForFunction(
    (t) => {
      const w = document.querySelector('.quick-input-widget');
      if (!w || !(w instanceof HTMLElement) || w.style.display === 'none') return false;
      const input = w.querySelector('.quick-input-box input');
      const said = `${w.textContent ?? ''} ${input?.getAttribute('placeholder') ?? ''} ${input?.getAttribute('aria-label') ?? ''} ${input instanceof HTMLInputElement ? input.value : ''}`;
      return said.includes(t);
    },
    text,
    { timeout: STEP_MS },
  );
  return widget;
}

async function openDeploymentsView() {
  const icon = page.locator('.activitybar .action-item a[aria-label^="R Deploy"]').first();
  await icon.waitFor({ state: 'visible', timeout: STEP_MS });
  // The side bar's title names the open container ("R Deploy: Deployments" with one view).
  const title = page.locator('.part.sidebar .composite.title .title-label', { hasText: /R Deploy/i });
  if (!(await title.isVisible().catch(() => false))) await icon.click();
  await title.waitFor({ state: 'visible', timeout: STEP_MS });
}

/** The tree row of our deployment in the Deployments view. */
const deploymentRow = () => page.locator(`.part.sidebar .monaco-list-row[aria-label*="${name}"]`).first();

async function contextMenu(row, item) {
  await row.click({ button: 'right' });
  const entry = page.locator('.context-view .monaco-menu .action-item', { hasText: item }).first();
  await entry.waitFor({ state: 'visible', timeout: STEP_MS });
  // VS Code's menu ignores a click that comes right after it opened (the right-click's own
  // release); a person's hand is slower than that.
  await sleep(500);
  await entry.hover();
  await entry.locator('.action-menu-item').click();
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached', timeout: STEP_MS });
}

/** The text of the active editor (Monaco renders only what is visible: enough for short docs). */
async function waitEditorText(pattern, ms = STEP_MS) {
  await page.waitForFunction(
    (src) => {
      const re = new RegExp(src);
      return [...document.querySelectorAll('.editor-instance .view-lines')].some((el) => re.test((el.textContent ?? '').replace(/\u00a0/g, ' ')));
    },
    pattern.source,
    { timeout: ms },
  );
}

/** Tabs of the editor area, by their labels. */
async function tabLabels() {
  return page.locator('.tabs-container .tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label') ?? t.textContent ?? ''));
}

// ---- the run ----
let status = 1;
try {
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  let vsix = option('--vsix', undefined);
  if (!vsix) {
    vsix = path.join(REPO, 'out', 'ui', 'rdeploy.vsix');
    say('packaging the extension (npm run package)');
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'package.mjs'), '--out', vsix], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  scratch = makeScratch({ single: 'mtcars-glm' });
  say(`installing ${path.relative(REPO, vsix)} into a fresh extensions dir`);
  execFileSync(codeServerBin(), ['--user-data-dir', scratch.userData, '--extensions-dir', scratch.extensions, '--install-extension', path.resolve(vsix)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 120_000,
  });
  server = await startCodeServer({ scratch });
  say(`code-server ${server.base} (pid ${server.pid}); deployment name ${name}`);
  chrome = await startChromium({ scratch });
  page = await chrome.context.newPage();
  await page.setViewportSize({ width: 1440, height: 900 });

  await step('open the example project (mtcars-glm)', 'open-project', async () => {
    await page.goto(`${server.base}/?folder=${encodeURIComponent(scratch.workspace)}`, { timeout: STEP_MS });
    await workbench().waitFor({ state: 'visible', timeout: STEP_MS });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'score.R' }).first().waitFor({ timeout: STEP_MS });
    // Open the handler file, as a person looking at the project would: its CodeLens shows.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'score.R' }).first().click();
    await waitEditorText(/score <- function\(wt, hp\)/);
    await page.locator('.codelens-decoration', { hasText: 'Deploy…' }).first().waitFor({ timeout: STEP_MS });
  });

  await step('F1 → "R Deploy: Deploy R Model…"', 'palette-deploy', async () => {
    await runFromPalette('R Deploy: Deploy R Model');
    await waitQuickInput('Local Docker');
  });

  await step('pick the Local Docker target', 'target-local', async () => {
    const local = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Local Docker' }).first();
    await local.click();
    await waitQuickInput('Deployment name');
  });

  await step(`type the deployment name "${name}"`, 'name', async () => {
    await quickInputBox().fill(name);
    await sleep(300); // validation runs on input
    await screenshot('name-typed');
    await page.keyboard.press('Enter');
    await waitQuickInput('Review the plan');
  });

  await step('confirm the plan', 'confirm-plan', async () => {
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: `Deploy "${name}"` }).first().waitFor({ timeout: STEP_MS });
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: `Deploying ${name}` }).first().waitFor({ timeout: STEP_MS });
  });

  await step('the progress notification finishes ("Deployed …")', 'deployed', async () => {
    await page.locator('.notification-toast', { hasText: `Deployed "${name}"` }).first().waitFor({ timeout: DEPLOY_MS });
    await page.locator('.notification-toast', { hasText: `Deploying ${name}` }).first().waitFor({ state: 'hidden', timeout: STEP_MS });
  });

  await step('click the R Deploy icon: the deployment is in the Deployments tree, running', 'tree', async () => {
    await openDeploymentsView();
    await deploymentRow().waitFor({ state: 'visible', timeout: STEP_MS });
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('.monaco-list-row')].some((r) => (r.getAttribute('aria-label') ?? '').includes(n) && /running/.test(r.textContent ?? '')),
      name,
      { timeout: STEP_MS },
    );
  });

  await step('right-click → Invoke with Sample Payload…', 'invoke-menu', async () => {
    await contextMenu(deploymentRow(), 'Invoke with Sample Payload');
    await waitQuickInput('one-car');
  });

  await step('pick one-car: the response shows "probability"', 'invoke-response', async () => {
    await quickInputBox().fill('one-car');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'one-car' }).first().waitFor({ timeout: STEP_MS });
    await page.keyboard.press('Enter');
    await waitEditorText(/"probability"/);
  });

  await step('right-click → Tail Logs: the handler\'s "scored 1 car(s)" appears', 'tail-logs', async () => {
    await contextMenu(deploymentRow(), 'Tail Logs');
    await waitEditorText(/scored 1 car\(s\)/, 2 * STEP_MS);
  });

  await step('right-click → Destroy… → confirm: the deployment leaves the tree', 'destroyed', async () => {
    await contextMenu(deploymentRow(), 'Destroy');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: STEP_MS });
    await screenshot('destroy-confirm');
    await dialog.locator('a.monaco-button, button', { hasText: /^Destroy$/ }).first().click();
    await deploymentRow().waitFor({ state: 'detached', timeout: 2 * STEP_MS });
    await page.locator('.notification-toast', { hasText: `Destroying ${name}` }).first().waitFor({ state: 'hidden', timeout: 2 * STEP_MS });
    for (const kind of ['ps -a', 'images']) {
      const left = execFileSync('docker', [...kind.split(' '), '-q', '--filter', `label=rdeploy-deployment=${name}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
      if (left) throw new Error(`docker ${kind} still lists ${name}'s objects after destroy: ${left}`);
    }
  });
  say(`editor tabs at the end: ${(await tabLabels()).join(' | ')}`);
  status = results.every((r) => r.state === 'passed') ? 0 : 1;
} catch (e) {
  console.error(`[ui] ${e instanceof Error ? e.stack : e}`);
  if (page) await screenshot('harness-error');
  status = 1;
} finally {
  await chrome?.stop().catch(() => {});
  await server?.stop().catch(() => {});
  if (scratch) {
    const swept = sweepDocker(scratch.dir);
    if (swept.length) say(`swept: ${swept.join(', ')}`);
    if (argv.includes('--keep')) say(`kept ${scratch.dir}`);
    else scratch.dispose();
  }
}
for (const r of results.filter((x) => x.state === 'failed')) console.log(`\nFAILED: ${r.title}\n${r.error}`);
const count = (s) => results.filter((r) => r.state === s).length;
const failed = count('failed') + (status && !count('failed') ? 1 : 0);
writeSummary('ui', { passed: count('passed'), failed, skipped: count('skipped') });
console.log(summaryLine('ui', { passed: count('passed'), failed, skipped: count('skipped') }));
process.exit(status);
