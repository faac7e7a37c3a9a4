#!/usr/bin/env node
// The Lambda benchmarks, one after the other, with the same flags (each ignores the others'):
//   node scripts/bench.mjs lambda [--runs 5] [--warmup 1] [--budget-s 300] [--only mtcars-glm|compiled]
// cold-start.mjs: first answer of examples/mtcars-glm in the glibc-only image, against a trivial
// handler and a bare container start; layer-size.mjs: the layers before and after stripping.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
let failed = false;
for (const file of ['cold-start.mjs', 'layer-size.mjs']) {
  console.log(`\n-- lambda/${file} --`);
  const res = spawnSync(process.execPath, [path.join(here, file), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (res.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
