// Bundles the VS Code integration suites (test/vscode/*.ts) for the extension host: one CommonJS
// file per suite under out/test/vscode/, `vscode` and `mocha` left external (the host provides
// `vscode`; mocha must be the one instance index.js runs, resolved from node_modules).
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = path.join(REPO, 'out', 'test', 'vscode');

export async function buildVscodeTests() {
  const src = path.join(REPO, 'test', 'vscode');
  const entryPoints = readdirSync(src)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => path.join(src, f));
  rmSync(OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return OUT;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildVscodeTests();
