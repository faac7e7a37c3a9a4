// Child process of bench/extension/run.mjs: one cold measurement in plain Node of
//   anchor    — requiring an empty module (the module system's own cost),
//   require   — requiring the extension bundle with a stub `vscode`,
//   activate  — calling its activate() against the stub (fakes every API as a no-op; what it
//               measures is the extension's own work, not VS Code's).
// Prints one JSON line. Usage: node requireTime.cjs <bundle.js> <empty-module.js>
'use strict';
const Module = require('node:module');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

/** Any property, call or `new` yields another stub; it is never a thenable. */
function stub() {
  const cache = new Map();
  const target = function () {};
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === Symbol.iterator) return function* () {};
      if (!cache.has(prop)) cache.set(prop, stub());
      return cache.get(prop);
    },
    apply: () => stub(),
    construct: () => stub(),
  });
}

/**
 * The `vscode` module as a plain object with the API's real top-level names (read from
 * @types/vscode), each a stub: esbuild's `import * as vscode` interop copies own keys only.
 */
function vscodeStub() {
  const dts = require('node:fs').readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  const api = {};
  for (const m of dts.matchAll(/^\texport (?:namespace|class|enum|const|let|function) (\w+)/gm)) api[m[1]] = stub();
  api.version = '1.100.3';
  return api;
}

const [bundle, empty] = process.argv.slice(2).map((p) => path.resolve(p));
const STUB_ID = '\0vscode-stub';
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? STUB_ID : resolve.call(this, request, ...rest);
};
Module._cache[STUB_ID] = { id: STUB_ID, filename: STUB_ID, loaded: true, exports: vscodeStub(), children: [], paths: [] };

let t = performance.now();
require(empty);
const anchorMs = performance.now() - t;
t = performance.now();
const ext = require(bundle);
const requireMs = performance.now() - t;

const context = {
  subscriptions: [],
  extensionPath: path.resolve(path.dirname(bundle), '..'),
  extensionUri: stub(),
  globalState: stub(),
  workspaceState: stub(),
  secrets: stub(),
  environmentVariableCollection: stub(),
  logUri: stub(),
  storageUri: stub(),
  globalStorageUri: stub(),
  extensionMode: 1,
  asAbsolutePath: (p) => path.join(path.resolve(path.dirname(bundle), '..'), p),
};
let activateMs = null;
let activateError = null;
(async () => {
  t = performance.now();
  try {
    await ext.activate(context);
    activateMs = performance.now() - t;
  } catch (e) {
    activateError = String(e && e.message ? e.message : e).split('\n')[0];
  }
  process.stdout.write(`${JSON.stringify({ anchorMs, requireMs, activateMs, activateError })}\n`);
  process.exit(0); // timers the stubbed activation may have started must not keep us alive
})();
