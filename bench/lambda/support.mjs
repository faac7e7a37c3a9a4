// What the Lambda benchmarks share: their flags, the product's own pieces (bundled in memory
// with esbuild, as scripts/gen-schema.mjs does), `rdeploy package --target lambda` through the
// built CLI, and cleaning up what they made (temp dirs, containers, image tags) however they end.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
export const BASE_IMAGE = process.env.RDEPLOY_TEST_BASE_IMAGE ?? 'rdeploy-test/r-base:bookworm';

/** `--name value` flags, as an object (bench.mjs hands every bench the same flags). */
export const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);

// What this process made, removed on the way out whatever the way out is: temp dirs, containers
// (by id) and image tags. Synchronous so that it also runs from the 'exit' handler.
const made = { children: new Set(), dirs: [], containers: new Set(), tags: [] };
export function tempDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.dirs.push(dir);
  return dir;
}
/** A child process to stop (SIGTERM, by its pid) if the benchmark ends before it does. */
export function trackChild(child) {
  made.children.add(child);
  child.on('close', () => made.children.delete(child));
  return child;
}
export const trackContainer = (id) => made.containers.add(id);
export const untrackContainer = (id) => made.containers.delete(id);
export function cleanUp() {
  const quiet = { stdio: 'ignore' };
  for (const child of made.children) child.kill('SIGTERM');
  if (made.containers.size) {
    try {
      execFileSync('docker', ['rm', '-f', ...made.containers], quiet);
    } catch {
      // already gone
    }
    made.containers.clear();
  }
  // --no-prune: the parent layers stay as build cache (as build/rebuild.ts leaves them).
  for (const tag of made.tags.splice(0)) {
    try {
      execFileSync('docker', ['rmi', '--no-prune', tag], quiet);
    } catch {
      // in use by someone's container, or already gone: the tag stays, nothing else is touched
    }
  }
  for (const dir of made.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanUp);
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

/** Docker answers and the base image is there; the CLI is built. Throws with what to do. */
export function preflight() {
  try {
    execFileSync('docker', ['image', 'inspect', BASE_IMAGE], { stdio: 'ignore' });
  } catch {
    throw new Error(`needs a running Docker engine and the image ${BASE_IMAGE}: run \`npm run setup\` first.`);
  }
  const cli = path.resolve(repo, args.cli ?? 'dist/cli.js');
  if (!existsSync(cli)) throw new Error(`needs the built CLI (${cli}): run \`npm run build\` first.`);
  return cli;
}

/**
 * The product's Runtime API server, zip extraction (the twin's) and the glibc-only image of the
 * e2e tests, bundled in memory: no build step, no file left behind.
 */
export async function productModules() {
  const bundle = await esbuild.build({
    stdin: {
      contents: [
        "export { RuntimeApiServer } from './src/targets/lambda/runtimeApi';",
        "export { unpackZip } from './src/targets/lambda/twin/unpack';",
        "export { ensureGlibcOnlyImage, GLIBC_ONLY_IMAGE } from './test/support/docker';",
      ].join('\n'),
      resolveDir: repo,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'warning',
    // CommonJS dependencies (yauzl) in an ESM bundle still call require() for Node's own modules.
    banner: { js: `import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(${JSON.stringify(path.join(repo, 'package.json'))});` },
  });
  return import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
}

/**
 * `rdeploy package <dir> --target lambda` on the local base image into `out`; returns the
 * manifest. The project image's tag (rdeploy-package/<name>:lambda) is removed at the end.
 * Bounded: the CLI is stopped after `timeoutMs` (a first build without cache compiles R packages).
 */
export async function packageLambda(cli, dir, { name, out, timeoutMs }) {
  made.tags.push(`rdeploy-package/${name}:lambda`);
  const cmd = [cli, 'package', dir, '--target', 'lambda', '--name', name, '--builder-image', BASE_IMAGE, '--set', 'glibcMax=2.36', '--out', out, '--json'];
  const child = trackChild(spawn(process.execPath, cmd, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? signal)));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`rdeploy package ${dir} failed (${code}):\n${stderr.split('\n').slice(-15).join('\n')}`);
  return JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8'));
}

/** Layers in order into `dir/opt`, function.zip into `dir/task`, modes kept (as Lambda does). */
export async function unpackPackage(unpackZip, pkgDir, manifest, dir) {
  for (const a of manifest.artefacts) await unpackZip(path.join(pkgDir, a.file), path.join(dir, a.kind === 'function' ? 'task' : 'opt'));
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const spread = (xs) => [Math.min(...xs), Math.max(...xs)];
export const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
