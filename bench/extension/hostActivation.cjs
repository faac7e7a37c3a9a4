// extensionTestsPath module for bench/extension/run.mjs: runs in code-server's extension host.
// The workspace holds no R project, so neither extension has activated by itself; this module
// activates two empty extensions (one absorbs the host's one-time costs, one is the anchor) and
// then R Deploy, timing each
// `Extension.activate()` — code loading plus the activate call, as VS Code's own activation
// time counts it — and writes them to RDEPLOY_BENCH_RESULTS.
'use strict';
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const vscode = require('vscode');

exports.run = async function run() {
  const out = { samples: {} };
  for (const id of ['rdeploy-bench.warm', 'rdeploy-bench.anchor', 'rdeploy.rdeploy']) {
    const ext = vscode.extensions.getExtension(id);
    if (!ext) {
      out.samples[id] = { error: 'not loaded' };
      continue;
    }
    const wasActive = ext.isActive;
    const t = performance.now();
    try {
      await ext.activate();
      out.samples[id] = { ms: performance.now() - t, wasActive };
    } catch (e) {
      out.samples[id] = { error: String(e), wasActive };
    }
  }
  const api = vscode.extensions.getExtension('rdeploy.rdeploy')?.exports;
  // The extension's own measure of activate(), when it exports one.
  if (api && typeof api.activationMs === 'number') out.selfReportedMs = api.activationMs;
  fs.writeFileSync(process.env.RDEPLOY_BENCH_RESULTS, JSON.stringify(out));
};
