#!/usr/bin/env node
// UI end-to-end: a person's first session with R Deploy, in a real VS Code (code-server 4.100.3)
// driven through headless Chromium with Playwright. The extension is the packaged .vsix,
// installed as a user would. Every step takes a screenshot under test-results/ui/NN-step.png once
// what the step is named after is on screen (docs/screenshots/ holds a committed set).
//
//   node test/ui/run.mjs [--vsix FILE] [--keep] [--step-timeout SECONDS]
//
// Steps: open the example project → F1 "R Deploy: Deploy R Model" → the target picker → the name
// → the plan → "Deploying …" → "Deployed …" → the Deployments tree (earlier notifications
// cleared) → right-click → Invoke with Sample Payload… → one-car → the response shows
// "probability" → right-click → Open Invoke Panel → one-car → Send ×5: the answer and the latency
// chart (also test-results/ui/invoke-panel.png, the panel alone) → Tail Logs: the handler's
// "scored 1 car(s)" in the log document (word-wrapped: whole lines) → right-click → Destroy… →
// the dialog → confirm → gone, with its container and image.
// Exits non-zero on any failure; ends with "ui: N passed, N failed". code-server and Chromium are
// ended by pid; Docker objects of this run's scratch project are swept.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** One step: runs `fn` (which ends once the step's UI is on screen), screenshots it (also on failure), records the outcome. */
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
const quickRow = (text) => page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first();

/** F1, types the command's title and waits for its row; `run` presses Enter. */
async function palette(title, { run = true } = {}) {
  await page.keyboard.press('F1');
  await quickInputBox().waitFor({ state: 'visible', timeout: STEP_MS });
  await quickInputBox().fill(`>${title}`);
  await quickRow(title).waitFor({ state: 'visible', timeout: STEP_MS });
  // The row the filter put first is the one Enter runs.
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: title }).first().waitFor({ timeout: STEP_MS });
  if (run) {
    await page.keyboard.press('Enter');
    await quickInput().waitFor({ state: 'hidden', timeout: STEP_MS });
  }
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

/** A toast whose text matches, once its fade-in has ended (a screenshot mid-fade shows a ghost). */
const toast = (text) => page.locator('.notification-toast', { hasText: text }).first();
async function waitToastShown(text, ms = STEP_MS) {
  await page.locator('.notification-toast.notification-fade-in-done', { hasText: text }).first().waitFor({ state: 'visible', timeout: ms });
}

/** No toast on screen (progress toasts gone, the others closed). */
async function waitNoToasts(ms = STEP_MS) {
  await page.waitForFunction(() => ![...document.querySelectorAll('.notification-toast')].some((t) => t.checkVisibility()), undefined, { timeout: ms });
}

/** Closes the notifications of earlier steps ("Notifications: Clear All Notifications"). */
async function clearNotifications() {
  await palette('Notifications: Clear All Notifications');
  await waitNoToasts();
}

/** The status bar says nothing is still starting ("Activating Extensions…"). */
async function waitExtensionsActivated(ms = STEP_MS) {
  await page.waitForFunction(() => !/Activating Extensions/i.test(document.querySelector('.part.statusbar')?.textContent ?? ''), undefined, { timeout: ms });
}

async function openDeploymentsView() {
  const icon = page.locator('.activitybar .action-item a[aria-label^="R Deploy"]').first();
  await icon.waitFor({ state: 'visible', timeout: STEP_MS });
  // The side bar's title names the open container ("R Deploy: Deployments" with one view).
  const title = page.locator('.part.sidebar .composite.title .title-label', { hasText: /R Deploy/i });
  if (!(await title.isVisible().catch(() => false))) await icon.click();
  await title.waitFor({ state: 'visible', timeout: STEP_MS });
}

/** Editor groups on screen (a maximized group hides the others). */
const visibleGroups = () => page.locator('.editor-group-container').evaluateAll((gs) => gs.filter((g) => g.checkVisibility() && g.getBoundingClientRect().width > 0).length);

/** "View: Toggle Maximize Editor Group", then waits until the editor area shows `groups` group(s). */
async function toggleMaximizeGroup(groups) {
  await palette('View: Toggle Maximize Editor Group');
  for (const deadline = Date.now() + STEP_MS; (await visibleGroups()) !== groups; await sleep(100)) {
    if (Date.now() > deadline) throw new Error(`the editor area did not show ${groups} group(s) (it shows ${await visibleGroups()})`);
  }
}

/** Drags the sash between the side bar and the editor area by `px` (its rows' descriptions fit). */
async function widenSideBar(px) {
  const before = await page.locator('.part.sidebar').evaluate((e) => e.getBoundingClientRect().width);
  const sash = await page.evaluate(() => {
    const edge = document.querySelector('.part.sidebar').getBoundingClientRect().right;
    const hit = [...document.querySelectorAll('.monaco-sash.vertical')]
      .map((s) => s.getBoundingClientRect())
      .find((r) => r.height > 200 && Math.abs(r.left + r.width / 2 - edge) < 6);
    return hit && { x: hit.left + hit.width / 2, y: hit.top + hit.height / 2 };
  });
  if (!sash) throw new Error('no sash at the side bar\'s edge');
  await page.mouse.move(sash.x, sash.y);
  await page.mouse.down();
  await page.mouse.move(sash.x + px, sash.y, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction((w) => document.querySelector('.part.sidebar').getBoundingClientRect().width >= w, before + px / 2, { timeout: STEP_MS });
}

/** The tree row of our deployment in the Deployments view. */
const deploymentRow = () => page.locator(`.part.sidebar .monaco-list-row[aria-label*="${name}"]`).first();

/** Right-clicks `row` and hovers `item` in its context menu; returns the item (menu still open). */
async function openContextMenu(row, item) {
  await row.click({ button: 'right' });
  const entry = page.locator('.context-view .monaco-menu .action-item', { hasText: item }).first();
  await entry.waitFor({ state: 'visible', timeout: STEP_MS });
  await entry.hover();
  await page.locator('.context-view .monaco-menu .action-item.focused', { hasText: item }).first().waitFor({ state: 'visible', timeout: STEP_MS });
  return entry;
}

async function clickMenuEntry(entry) {
  // VS Code's menu ignores a click that comes right after it opened (the right-click's own
  // release); a person's hand is slower than that. The hover-focused entry above already waited
  // for the menu to be up; this pause is the menu's own guard, not a wait for the UI.
  await sleep(500);
  await entry.locator('.action-menu-item').click();
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached', timeout: STEP_MS });
}

async function contextMenu(row, item) {
  await clickMenuEntry(await openContextMenu(row, item));
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

/** The invoke panel's page: a webview is an iframe (VS Code's host page) holding the panel's iframe. */
const panelFrame = () => page.locator('iframe.webview.ready').last().contentFrame().locator('iframe#active-frame').contentFrame();

/** Adds settings to the run's user settings (the harness writes a quiet workbench's). */
function addUserSettings(extra) {
  const file = path.join(scratch.userData, 'User', 'settings.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...extra }, null, 2));
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
  // Log lines are long (an RFC 3339 timestamp, then the message): wrapped, the log screenshot
  // shows each one whole in the editor group it gets, whatever the window's width.
  addUserSettings({ '[log]': { 'editor.wordWrap': 'on' } });
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

  // Each step does what a person does, then waits until what its screenshot is named after is on
  // screen; the screenshot is taken then.
  await step('open the example project (mtcars-glm): score.R with its CodeLens', 'open-project', async () => {
    await page.goto(`${server.base}/?folder=${encodeURIComponent(scratch.workspace)}`, { timeout: STEP_MS });
    await workbench().waitFor({ state: 'visible', timeout: STEP_MS });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'score.R' }).first().waitFor({ timeout: STEP_MS });
    // Open the handler file, as a person looking at the project would: its CodeLens shows.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'score.R' }).first().click();
    await waitEditorText(/score <- function\(wt, hp\)/);
    await page.locator('.codelens-decoration', { hasText: 'Deploy…' }).first().waitFor({ timeout: STEP_MS });
    await waitExtensionsActivated();
  });

  await step('F1 → type "R Deploy: Deploy R Model": the command in the palette', 'palette-deploy', async () => {
    await palette('R Deploy: Deploy R Model', { run: false });
  });

  await step('Enter: the target picker (1/4), Local Docker first', 'target-local', async () => {
    await page.keyboard.press('Enter');
    await waitQuickInput('Where should the model run');
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'Local Docker' }).first().waitFor({ timeout: STEP_MS });
  });

  await step(`pick Local Docker, type the deployment name "${name}" (2/4)`, 'name-typed', async () => {
    await quickRow('Local Docker').click();
    await waitQuickInput('Deployment name');
    await quickInputBox().fill(name);
    // The name is accepted: the box holds it and shows no validation error.
    await page.waitForFunction(
      (n) => {
        const box = document.querySelector('.quick-input-widget .quick-input-box');
        const input = box?.querySelector('input');
        return input instanceof HTMLInputElement && input.value === n && !box.querySelector('.monaco-inputbox.error, .monaco-inputbox.warning');
      },
      name,
      { timeout: STEP_MS },
    );
  });

  await step('Enter: the settings of Local Docker (3/4), Continue first', 'settings-local', async () => {
    await page.keyboard.press('Enter');
    await waitQuickInput('Settings of Local Docker');
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'Continue' }).first().waitFor({ timeout: STEP_MS });
  });

  await step('Enter on Continue: the plan to review (4/4)', 'confirm-plan', async () => {
    await page.keyboard.press('Enter');
    await waitQuickInput('Review the plan');
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: `Deploy "${name}"` }).first().waitFor({ timeout: STEP_MS });
  });

  await step('Enter on Deploy: the progress notification "Deploying …"', 'deploying', async () => {
    await page.keyboard.press('Enter');
    await quickInput().waitFor({ state: 'hidden', timeout: STEP_MS });
    await waitToastShown(`Deploying ${name}`);
  });

  await step('the progress notification finishes: "Deployed …" with Invoke… and Tail Logs', 'deployed', async () => {
    await waitToastShown(`Deployed "${name}"`, DEPLOY_MS);
    await toast(`Deploying ${name}`).waitFor({ state: 'hidden', timeout: STEP_MS });
  });

  await step('click the R Deploy icon: the deployment is in the Deployments tree, running', 'tree', async () => {
    await clearNotifications();
    await openDeploymentsView();
    await deploymentRow().waitFor({ state: 'visible', timeout: STEP_MS });
    // Wide enough for the row's description ("local · running · 127.0.0.1:PORT") to show whole.
    await widenSideBar(150);
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('.monaco-list-row')].some((r) => (r.getAttribute('aria-label') ?? '').includes(n) && /running/.test(r.textContent ?? '')),
      name,
      { timeout: STEP_MS },
    );
  });

  let invokeEntry;
  await step('right-click the deployment: the context menu, on "Invoke with Sample Payload…"', 'invoke-menu', async () => {
    invokeEntry = await openContextMenu(deploymentRow(), 'Invoke with Sample Payload');
  });

  await step('click it: the sample payloads, one-car picked', 'pick-payload', async () => {
    await clickMenuEntry(invokeEntry);
    await waitQuickInput('one-car');
    await quickInputBox().fill('one-car');
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: 'one-car' }).first().waitFor({ timeout: STEP_MS });
  });

  await step('Enter: the response document shows "probability" and "manual"', 'invoke-response', async () => {
    await page.keyboard.press('Enter');
    await quickInput().waitFor({ state: 'hidden', timeout: STEP_MS });
    await waitEditorText(/"probability": 0\.84.*"transmission": "manual"/);
    await toast(`Invoking ${name}`).waitFor({ state: 'hidden', timeout: STEP_MS });
    await waitExtensionsActivated();
    await waitNoToasts();
  });

  await step('right-click → Open Invoke Panel → one-car → Send (×5): the answer and the latency chart', 'invoke-panel', async () => {
    await contextMenu(deploymentRow(), 'Open Invoke Panel');
    const panel = panelFrame();
    await panel.locator('#panel-title', { hasText: name }).waitFor({ timeout: STEP_MS });
    // The panel gets the whole editor area, as a person working in it would give it.
    await toggleMaximizeGroup(1);
    await panel.locator('#panel-title', { hasText: name }).waitFor({ timeout: STEP_MS });
    // Pick the sample in the panel's own picker, as a person would.
    await panel.locator('#payload-picker').click();
    await panel.locator('#payload-picker li.option', { hasText: /^\s*one-car\s*$/ }).click();
    await panel.locator('#payload-editor').waitFor({ timeout: STEP_MS });
    const editorHas = async () => (await panel.locator('#payload-editor').evaluate((e) => e.value ?? '')).includes('2.62');
    for (const deadline = Date.now() + STEP_MS; !(await editorHas()); await sleep(100)) {
      if (Date.now() > deadline) throw new Error('the panel did not load samples/one-car.json into its editor');
    }
    await panel.locator('#payload-check', { hasText: 'Valid JSON' }).waitFor({ timeout: STEP_MS });
    // A few sends, one after the other, so the chart has bars to show.
    const sends = 5;
    for (let i = 1; i <= sends; i++) {
      await panel.locator('#send-button:not([disabled])').click();
      await panel.locator('#chart-summary', { hasText: new RegExp(`^${i} invocations?\\b`) }).waitFor({ timeout: STEP_MS });
    }
    await panel.locator('#status.ok').waitFor({ timeout: STEP_MS });
    await panel.locator('#response', { hasText: /"probability": 0\.84[\s\S]*"transmission": "manual"/ }).waitFor({ timeout: STEP_MS });
    await panel.locator('#latency-chart rect').first().waitFor({ timeout: STEP_MS });
    await waitNoToasts();
    await waitExtensionsActivated();
  });
  await (async () => {
    // The panel alone, for the docs (docs/screenshots/invoke-panel.png).
    const file = path.join(SHOTS, 'invoke-panel.png');
    if (results.at(-1)?.state === 'passed') await page.locator('.editor-group-container.active').screenshot({ path: file }).catch((e) => say(`screenshot invoke-panel failed: ${e.message}`));
  })();

  await step('right-click → Tail Logs: the handler\'s "scored 1 car(s)" in the log, lines whole', 'tail-logs', async () => {
    // The log opens in the active group, still maximized: wide, so its wrapped lines all fit.
    await contextMenu(deploymentRow(), 'Tail Logs');
    await waitEditorText(/scored 1 car\(s\)/, 2 * STEP_MS);
    await page.locator('.statusbar-item', { hasText: `Tailing ${name}` }).first().waitFor({ timeout: STEP_MS });
    await waitNoToasts();
  });

  await step('right-click → Destroy…: the confirmation dialog', 'destroy-confirm', async () => {
    await contextMenu(deploymentRow(), 'Destroy');
    await page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: STEP_MS });
  });

  await step('Destroy: the deployment leaves the tree, its container and image are gone', 'destroyed', async () => {
    await page.locator('.monaco-dialog-box').locator('a.monaco-button, button', { hasText: /^Destroy$/ }).first().click();
    await deploymentRow().waitFor({ state: 'detached', timeout: 2 * STEP_MS });
    await toast(`Destroying ${name}`).waitFor({ state: 'hidden', timeout: 2 * STEP_MS });
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
