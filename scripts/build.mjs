// Bundles the CLI and the extension for Node with esbuild. SDKs that must load lazily are
// bundled into chunks of their own under dist/sdk/ and required only when first used.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';

const lazySdks = ['dockerode'];
const production = process.argv.includes('--production');

/** Rewrites `import('dockerode')` to `require('./sdk/dockerode.js')`, kept out of the main bundle. */
const lazyChunks = {
  name: 'lazy-sdk-chunks',
  setup(build) {
    const filter = new RegExp(`^(${lazySdks.map((s) => s.replace(/[/@]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: `./sdk/${args.path.replace(/[/@]/g, '_')}.js`, external: true }));
  },
};

const common = {
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
  esbuild.build({ ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } }),
  ...lazySdks.map((sdk) =>
    esbuild.build({ ...common, plugins: [], entryPoints: [sdk], outfile: `dist/sdk/${sdk.replace(/[/@]/g, '_')}.js`,
      // ssh2's optional native add-ons (CPU probe, crypto); it falls back to pure JS without them.
      external: ['cpu-features', '*.node'] }),
  ),
]);
