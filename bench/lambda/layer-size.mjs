#!/usr/bin/env node
// Benchmark: what stripping saves in the Lambda layers (issue goal: at least 30% smaller), for
// examples/mtcars-glm and for a project with a compiled CRAN package (data.table, built from
// source: a package-list project, a score.R that calls library(data.table), so no version pin
// that this CRAN mirror, which serves current versions only, could not restore).
//   node bench/lambda/layer-size.mjs [--only mtcars-glm|compiled] [--cli dist/cli.js]
// Each project goes through `rdeploy package --target lambda` (the local base image as builder).
// The collector (runtime/lambda/collect.sh) measures /opt in file bytes, what Lambda's 250 MB
// unzipped quota counts, three times: as gathered ("unstripped"), after pruning (help, html,
// doc, tests, demo, po, R's manuals, headers and translations), and after `strip
// --strip-unneeded`; the manifest's `stripping` holds the three figures. Debian's R and shared
// libraries come already stripped of debug symbols (dh_strip moves them to -dbgsym packages), so
// "unstripped" here means "as Debian ships it, plus docs": only what the builder compiled from
// source (CFLAGS -g from R's Makeconf) carries debug symbols for `strip` to remove.
// Prints a table per project and the goal, then one JSON line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { args, mib, packageLambda, preflight, repo, tempDir } from './support.mjs';

const GOAL_PERCENT = 30;

const cli = preflight();
const work = tempDir('rdeploy-bench-layer-size-');

// The project with compiled code: data.table (C, with OpenMP; no dependencies but base R).
const compiled = path.join(work, 'compiled-project');
mkdirSync(compiled);
writeFileSync(
  path.join(compiled, 'score.R'),
  ['library(data.table)', '', 'score <- function(x) {', '  dt <- data.table(x = as.numeric(x))', '  as.list(dt[, .(n = .N, total = sum(x))])', '}', ''].join('\n'),
);

const projects = [
  { key: 'mtcars-glm', dir: path.join(repo, 'examples/mtcars-glm'), name: 'rdeploy-bench-layers-mtcars' },
  { key: 'compiled', label: 'data.table (compiled)', dir: compiled, name: 'rdeploy-bench-layers-compiled' },
].filter((p) => !args.only || p.key === args.only);

const rows = [];
for (const p of projects) {
  console.log(`packaging ${p.label ?? p.key} for Lambda (rdeploy package --target lambda)...`);
  const pkg = path.join(work, `${p.key}-package`);
  const manifest = await packageLambda(cli, p.dir, { name: p.name, out: pkg, timeoutMs: 20 * 60_000 });
  const inspected = JSON.parse(execFileSync(process.execPath, [cli, 'inspect', p.dir, '--json'], { encoding: 'utf8' }));
  const st = manifest.stripping;
  const layers = manifest.artefacts.filter((a) => a.kind === 'layer');
  const layersUnzipped = layers.reduce((n, a) => n + a.unzippedBytes, 0);
  rows.push({
    project: p.label ?? p.key,
    packages: inspected.packages.map((x) => x.name),
    files: { unstripped: st.bytesBefore, stripped: st.bytesAfter, ratio: st.bytesAfter / st.bytesBefore },
    savedBy: { pruning: st.bytesBefore - st.bytesAfterPruning, strip: st.debugSymbolsBytes },
    layersUnzipped,
    zipped: { layers: layers.reduce((n, a) => n + a.zippedBytes, 0), total: manifest.totals.zippedBytes },
    unzippedTotal: manifest.totals.unzippedBytes,
  });
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;
console.log('\nLambda layers (/opt), unstripped vs stripped; file bytes (what the 250 MB quota counts)');
console.log('| project | unstripped | stripped | stripped / unstripped | smaller by | zipped total (layers + function) |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.project} | ${r.files.unstripped} B (${mib(r.files.unstripped)}) | ${r.files.stripped} B (${mib(r.files.stripped)}) | ${r.files.ratio.toFixed(3)} | ${pct(1 - r.files.ratio)} | ${r.zipped.total} B (${mib(r.zipped.total)}) |`);
}
for (const r of rows) {
  console.log(`\n${r.project} (packages: ${r.packages.join(', ') || 'none'}):`);
  console.log(`  pruned help/html/doc/tests/demo/po, R's manuals, headers and translations: ${mib(r.savedBy.pruning)}; strip --strip-unneeded: ${r.savedBy.strip === null ? 'not run (no strip in the builder)' : mib(r.savedBy.strip)}`);
  console.log(`  layers unzipped (manifest) ${r.layersUnzipped} B${r.layersUnzipped === r.files.stripped ? ' = the stripped figure' : ` vs the stripped figure ${r.files.stripped} B`}; zipped layers ${mib(r.zipped.layers)}, zipped total ${mib(r.zipped.total)}, unzipped total ${mib(r.unzippedTotal)}`);
  console.log(`  goal (at least ${GOAL_PERCENT}% smaller): ${1 - r.files.ratio >= GOAL_PERCENT / 100 ? 'met' : 'NOT met'} (${pct(1 - r.files.ratio)})`);
}
console.log(
  '\nnote: "unstripped" is /opt as the collector gathered it, before pruning and strip. R and the shared libraries come from Debian already stripped of debug symbols, so strip saves only on what the builder compiled from source; a builder whose R is not stripped (Posit\'s R on Amazon Linux, the default) may show more, which cannot be measured here.',
);
console.log(JSON.stringify({ bench: 'lambda-layer-size', goalPercent: GOAL_PERCENT, projects: rows }));
