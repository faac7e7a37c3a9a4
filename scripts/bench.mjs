// Runs the benchmarks: `node scripts/bench.mjs [runtime|build|map]...` (all when none is named).
// TypeScript benchmarks are bundled with esbuild first; each prints ratios against the anchor
// it measures in the same run (absolute times on shared machines are noise).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const benches = {
  runtime: { file: 'bench/runtime/http-vs-plumber.mjs' },
  build: { file: 'bench/build/rebuild.ts' },
  lifecycle: { file: 'bench/lifecycle/overhead.ts' },
  extension: { file: 'bench/extension/run.mjs' },
  lambda: { file: 'bench/lambda/run.mjs' },
  map: { file: 'bench/map/run.ts' },
};
const [, , ...args] = process.argv;
const names = args.filter((a) => a in benches);
const rest = args.filter((a) => !(a in benches));
// Bundles go under out/ (gitignored) so that their external packages resolve from node_modules.
const out = path.resolve('out/bench');
mkdirSync(out, { recursive: true });
let failed = false;
for (const name of names.length ? names : Object.keys(benches)) {
  let file = benches[name].file;
  if (file.endsWith('.ts')) {
    const outfile = path.join(out, `${name}.cjs`);
    await esbuild.build({ entryPoints: [file], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, packages: 'external', logLevel: 'warning',
      // The bundle runs from a temp dir; __dirname stays the source folder so paths to
      // examples/ and runtime/ resolve as they do from source.
      define: { __dirname: JSON.stringify(path.resolve(path.dirname(file))) } });
    file = outfile;
  }
  console.log(`\n== ${name} ==`);
  const res = spawnSync(process.execPath, [file, ...rest], { stdio: 'inherit' });
  if (res.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
