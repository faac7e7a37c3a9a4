#!/usr/bin/env node
// The same integration suites (test/vscode) in desktop VS Code, through @vscode/test-electron —
// the standard runner where VS Code can be downloaded (a developer's machine, hosted CI). It runs
// on the minimum engine (1.100.3, as in package.json) and on stable, like rust-analyzer does.
// Not runnable on this project's machines (no download host is reachable): there,
// scripts/test-vscode.mjs runs the suites in code-server instead.
//
//   node test/vscode/runElectron.mjs [--version 1.100.3|stable]...
//
// Needs a display on Linux (xvfb-run node test/vscode/runElectron.mjs), Docker with the local
// base image (scripts/setup.sh) and R for the local-invoke suite, as the code-server run does.
import { runTests } from '@vscode/test-electron';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildVscodeTests } from '../../scripts/build-vscode-tests.mjs';
import { REPO, buildExtension, makeScratch, summaryLine, sweepDocker } from '../../scripts/vscode-harness.mjs';

const argv = process.argv.slice(2);
const versions = argv.flatMap((a, i) => (argv[i - 1] === '--version' ? [a] : []));
if (!versions.length) versions.push('1.100.3', 'stable');

buildExtension();
const out = await buildVscodeTests();
let passed = 0;
let failed = 0;
for (const version of versions) {
  const scratch = makeScratch({ examples: ['mtcars-glm', 'iris-rpart'] });
  const results = path.join(scratch.dir, 'results.json');
  try {
    await runTests({
      version,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: path.join(out, 'index.js'),
      extensionTestsEnv: { RDEPLOY_VSCODE_RESULTS: results },
      launchArgs: [scratch.workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${scratch.userData}`],
    });
  } catch (e) {
    console.error(`VS Code ${version}: ${e instanceof Error ? e.message : e}`);
  }
  try {
    const r = JSON.parse(readFileSync(results, 'utf8'));
    console.log(`VS Code ${version}: ${r.passed} passed, ${r.failed} failed`);
    passed += r.passed;
    failed += r.failed + (r.done ? 0 : 1);
  } catch {
    console.error(`VS Code ${version}: no results (the suites did not run)`);
    failed += 1;
  } finally {
    sweepDocker(scratch.dir);
    scratch.dispose();
  }
}
console.log(summaryLine('vscode-electron', { passed, failed }));
process.exit(failed || !passed ? 1 : 0);
