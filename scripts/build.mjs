// Bundles with esbuild: the CLI and the extension for Node (CommonJS, `vscode` external), the
// webviews for the browser. SDKs that must load lazily are bundled into chunks of their own
// under dist/sdk/ and required only when first used, so activation never loads them.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';

const lazySdks = ['dockerode'];
const production = process.argv.includes('--production');

/** Rewrites `import('dockerode')` to `require('./sdk/dockerode.js')`, kept out of the main bundle. */
const lazyChunksFrom = (dir) => ({
  name: 'lazy-sdk-chunks',
  setup(build) {
    const filter = new RegExp(`^(${lazySdks.map((s) => s.replace(/[/@]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `${dir}${args.path.replace(/[/@]/g, '_')}.js`, external: true }));
  },
});
const lazyChunks = lazyChunksFrom('./sdk/');

/**
 * The extension's services (zod, project detection, targets: ~1 MB) load on first use from
 * dist/sdk/extension-services.js, so activation compiles only the small entry. Without this,
 * esbuild still defers running them, but V8 must parse them at activation.
 */
const lazyServices = {
  name: 'lazy-extension-services',
  setup(build) {
    build.onResolve({ filter: /^\.\/services\.js$/ }, (args) =>
      args.importer.replace(/\\/g, '/').endsWith('src/extension/extension.ts') ? { path: './sdk/extension-services.js', external: true } : undefined,
    );
  },
};

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  plugins: [lazyChunks],
};

mkdirSync('dist/sdk', { recursive: true });
await Promise.all([
  esbuild.build({ ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } }),
  esbuild.build({ ...node, plugins: [lazyChunks, lazyServices], entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: ['vscode'], metafile: true }),
  esbuild.build({ ...node, plugins: [lazyChunksFrom('./')], entryPoints: { 'extension-services': 'src/extension/services.ts' }, outdir: 'dist/sdk', external: ['vscode'] }),
  esbuild.build({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: { invokePanel: 'webview/invokePanel/main.ts' },
    outdir: 'dist/webview',
  }),
  ...lazySdks.map((sdk) =>
    esbuild.build({
      ...node,
      plugins: [],
      entryPoints: [sdk],
      outfile: `dist/sdk/${sdk.replace(/[/@]/g, '_')}.js`,
      // ssh2's optional native add-ons (CPU probe, crypto); it falls back to pure JS without them.
      external: ['cpu-features', '*.node'],
    }),
  ),
]);
