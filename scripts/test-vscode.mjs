#!/usr/bin/env node
// Runs the VS Code integration suites (test/vscode) in a real VS Code: code-server 4.100.3 serves
// the workbench, headless Chromium opens it with the extension under development and the tests
// module in the URL payload, and the suites run in code-server's extension host with the real
// `vscode` API. The results come back as a JSON file (test/vscode/index.ts writes it).
//
//   node scripts/test-vscode.mjs [--no-build] [--keep] [--grep RE] [--timeout SECONDS]
//
// Exits non-zero on any failure, a timeout, or when no test ran; ends with "vscode: N passed,
// N failed". code-server and Chromium are ended by pid in every case, and Docker objects whose
// project lies in this run's scratch dir are swept.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildVscodeTests } from './build-vscode-tests.mjs';
import { REPO, TEST_BASE_IMAGE, buildExtension, makeScratch, startChromium, startCodeServer, summaryLine, sweepDocker, writeSummary, waitFor } from './vscode-harness.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const timeoutMs = Number(option('--timeout', process.env.RDEPLOY_VSCODE_TIMEOUT ?? '900')) * 1000;
const grep = option('--grep', undefined);
const verbose = flag('--verbose') || !!process.env.RDEPLOY_VSCODE_VERBOSE;
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (m) => console.log(`[test-vscode ${elapsed()}] ${m}`);

let scratch;
let server;
let chrome;
let status = 1;
let results;
let stopping = false;

async function cleanup() {
  if (stopping) return;
  stopping = true;
  await chrome?.stop().catch(() => {});
  await server?.stop().catch(() => {});
  if (scratch) {
    const swept = sweepDocker(scratch.dir);
    if (swept.length) say(`swept what the suites left behind: ${swept.join(', ')}`);
    if (flag('--keep')) say(`kept ${scratch.dir}`);
    else scratch.dispose();
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  if (!flag('--no-build')) {
    say('building the extension and the suites');
    buildExtension();
  }
  const out = await buildVscodeTests();
  scratch = makeScratch({ examples: ['mtcars-glm', 'iris-rpart'] });
  const resultsFile = path.join(scratch.dir, 'results.json');
  const hostLog = [];
  server = await startCodeServer({
    scratch,
    env: {
      RDEPLOY_VSCODE_RESULTS: resultsFile,
      RDEPLOY_TEST_BASE_IMAGE: TEST_BASE_IMAGE,
      ...(grep ? { RDEPLOY_VSCODE_GREP: grep } : {}),
    },
    log: (line) => {
      hostLog.push(line);
      if (verbose) console.log(`  [code-server] ${line}`);
    },
  });
  say(`code-server ${server.base} (pid ${server.pid}), workspace ${scratch.workspace}`);

  chrome = await startChromium({ scratch });
  const page = await chrome.context.newPage();
  page.on('console', (msg) => {
    const text = msg.text();
    const i = text.indexOf('[rdeploy-test]');
    if (i >= 0) console.log(`  ${text.slice(i + 15)}`);
    else if (verbose) console.log(`  [browser ${msg.type()}] ${text}`);
  });
  page.on('pageerror', (err) => verbose && console.log(`  [page error] ${err.message}`));
  const payload = [
    ['extensionDevelopmentPath', server.remote(REPO)],
    ['extensionTestsPath', server.remote(path.join(out, 'index.js'))],
  ];
  const url = `${server.base}/?folder=${encodeURIComponent(scratch.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  say('opening the workbench with the suites');
  await page.goto(url, { timeout: 60_000 });

  results = await waitFor(
    () => {
      if (server.child.exitCode !== null) throw new Error(`code-server exited (${server.child.exitCode})`);
      if (!existsSync(resultsFile)) return undefined;
      const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
      return r.done ? r : undefined;
    },
    timeoutMs,
    'the suites to finish',
    500,
  ).catch((e) => {
    say(`${e.message}`);
    if (existsSync(resultsFile)) return { ...JSON.parse(readFileSync(resultsFile, 'utf8')), timedOut: true };
    // Nothing came back: show the server's log, where a failed extension host says why.
    console.log(hostLog.slice(-40).join('\n'));
    return { done: false, passed: 0, failed: 0, pending: 0, tests: [], timedOut: true };
  });

  console.log('');
  for (const t of results.tests) {
    const mark = t.state === 'passed' ? '  ✓' : t.state === 'failed' ? '  ✗' : '  -';
    console.log(`${mark} ${t.title}${t.durationMs ? ` (${t.durationMs} ms)` : ''}`);
  }
  const failures = results.tests.filter((t) => t.state === 'failed');
  for (const [i, t] of failures.entries()) console.log(`\n${i + 1}) ${t.title}\n${t.error ?? ''}`);
  if (results.timedOut) console.log(`\nThe run did not finish within ${timeoutMs / 1000} s.`);
  status = results.failed === 0 && results.passed > 0 && !results.timedOut ? 0 : 1;
} catch (e) {
  console.error(`[test-vscode] ${e instanceof Error ? e.stack : e}`);
  status = 1;
} finally {
  await cleanup();
}
const failed = (results?.failed ?? 0) + (status && !results?.failed ? 1 : 0);
console.log(`\n${elapsed()}`);
writeSummary('vscode', { passed: results?.passed ?? 0, failed, skipped: results?.pending ?? 0 });
console.log(summaryLine('vscode', { passed: results?.passed ?? 0, failed, skipped: results?.pending ?? 0 }));
process.exit(status);
