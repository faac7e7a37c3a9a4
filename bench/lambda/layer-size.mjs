#!/usr/bin/env node
// Benchmark: what stripping saves in the Lambda layers (issue goal: at least 30% smaller), for
// examples/mtcars-glm and for a project with a compiled CRAN package (data.table, built from
// source: a package-list project, a score.R that calls library(data.table), so no version pin
// that this CRAN mirror, which serves current versions only, could not restore).
//   node bench/lambda/layer-size.mjs [--only mtcars-glm|compiled] [--cli dist/cli.js]
// Each project goes through `rdeploy package --target lambda` (the local base image as builder):
// its manifest gives the collector's own before/after figures and the zipped artefacts. Then the
// product's collector (runtime/lambda/collect.sh, the copy inside the project image) runs once
// more in that image, unchanged, with two measuring shims first on its PATH:
//   - `du`: also records the sum of the regular files' sizes (what Lambda's 250 MB unzipped
//     quota counts) each time the collector measures /opt, i.e. before and after stripping;
//   - `strip`: also records each file's size before and after the real strip.
// Why: the collector's figures are `du -sk`, allocated blocks (folders included), not the bytes
// Lambda counts (each small help/html file is rounded up to a block); the two are printed side by
// side. And Debian's R and shared libraries come already stripped of debug symbols (dh_strip
// moves them to -dbgsym packages), so "unstripped" here means "as Debian ships it, plus docs":
// only what was compiled from source on the builder (CFLAGS -g from R's Makeconf) carries debug
// symbols for `strip` to remove. The strip shim shows where its savings came from.
// Prints a table per project, the breakdown and the goal, then one JSON line.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { args, mib, packageLambda, preflight, repo, tempDir, trackChild, trackContainer, untrackContainer } from './support.mjs';

const GOAL_PERCENT = 30;
const COLLECT_TIMEOUT_MS = 10 * 60_000;

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

// The shims: a line per measurement into $BENCH_LOG, then the real tool with the same
// arguments (found on PATH without the shims' folder). Both take the path as the last argument,
// as collect.sh calls them (`du -sk DIR`, `strip --strip-unneeded FILE`).
const shims = path.join(work, 'shims');
mkdirSync(shims);
const shim = (name, body) => {
  writeFileSync(path.join(shims, name), `#!/bin/sh\nreal_path=\${PATH#/bench-shims:}\nfor target; do :; done\n${body}\n`);
  chmodSync(path.join(shims, name), 0o755);
};
shim('du', [
  'files=$(find "$target" -type f -printf \'%s\\n\' | awk \'{ s += $1 } END { print s + 0 }\')',
  'echo "measure $files" >> "$BENCH_LOG"',
  'PATH=$real_path exec du "$@"',
].join('\n'));
shim('strip', [
  'before=$(stat -c %s "$target")',
  'PATH=$real_path strip "$@"; rc=$?',
  'echo "strip $before $(stat -c %s "$target") $target" >> "$BENCH_LOG"',
  'exit $rc',
].join('\n'));

/** The collector, unchanged, in the project image, with the shims; returns its facts and the log. */
async function collectWithShims(image, packages) {
  const name = `rdeploy-bench-layer-size-${process.pid}`;
  const script = 'export PATH=/bench-shims:$PATH BENCH_LOG=/tmp/bench.log; sh /opt/rdeploy/runtime/lambda/collect.sh /tmp/out >/dev/null && cat /tmp/out/facts && echo ---- && cat /tmp/bench.log';
  trackContainer(name);
  try {
    const child = trackChild(spawn(
      'docker',
      ['run', '--rm', '--name', name, '--network', 'none', '-v', `${shims}:/bench-shims:ro`, '-e', `RDEPLOY_PACKAGES=${packages.join(' ')}`, image, 'sh', '-c', script],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ));
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), COLLECT_TIMEOUT_MS);
    const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? signal)));
    clearTimeout(timer);
    if (code !== 0) throw new Error(`collect.sh in ${image} failed (${code}): ${err.slice(-2000)}`);
    const [factsText, log] = out.split('----\n');
    const facts = Object.fromEntries(factsText.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const lines = log.split('\n').filter(Boolean).map((l) => l.split(' '));
    const measures = lines.filter((l) => l[0] === 'measure').map((l) => Number(l[1]));
    const strips = lines.filter((l) => l[0] === 'strip').map(([, before, after, file]) => ({ before: Number(before), after: Number(after), file: file.replace('/tmp/out/', '') }));
    if (measures.length !== 2) throw new Error(`expected collect.sh to measure /opt twice, saw ${measures.length}: the shims no longer match it`);
    return { facts, filesBefore: measures[0], filesAfter: measures[1], strips };
  } finally {
    try {
      execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    } catch {
      // --rm already removed it
    }
    untrackContainer(name);
  }
}

/** Where strip's savings came from: R itself, the shared libraries, the R packages (by library). */
function stripBreakdown(strips) {
  const groups = {};
  for (const s of strips) {
    const p = s.file.split('/');
    const group = p[1] === 'R' ? (p[2] === 'library' ? 'R/library (base packages)' : 'R (binary, libR, modules)') : p[1] === 'lib' ? 'lib (shared libraries)' : `${p[1]}/${p[2]} (packages)`;
    const g = (groups[group] ??= { files: 0, saved: 0, changed: 0 });
    g.files++;
    g.saved += s.before - s.after;
    if (s.after < s.before) g.changed++;
  }
  return groups;
}

const rows = [];
for (const p of projects) {
  console.log(`packaging ${p.label ?? p.key} for Lambda (rdeploy package --target lambda)...`);
  const pkg = path.join(work, `${p.key}-package`);
  const manifest = await packageLambda(cli, p.dir, { name: p.name, out: pkg, timeoutMs: 20 * 60_000 });
  const inspected = JSON.parse(execFileSync(process.execPath, [cli, 'inspect', p.dir, '--json'], { encoding: 'utf8' }));
  const measured = await collectWithShims(manifest.imageId, inspected.packages.map((x) => x.name));
  const layers = manifest.artefacts.filter((a) => a.kind === 'layer');
  const layersUnzipped = layers.reduce((n, a) => n + a.unzippedBytes, 0);
  const strips = stripBreakdown(measured.strips);
  const stripSaved = measured.strips.reduce((n, s) => n + s.before - s.after, 0);
  rows.push({
    project: p.label ?? p.key,
    packages: inspected.packages.map((x) => x.name),
    files: { unstripped: measured.filesBefore, stripped: measured.filesAfter, ratio: measured.filesAfter / measured.filesBefore },
    collector: { ...manifest.stripping, sameAsRerun: manifest.stripping.bytesBefore === Number(measured.facts.opt_kb_before_strip) * 1024 && manifest.stripping.bytesAfter === Number(measured.facts.opt_kb_after_strip) * 1024 },
    savedBy: { removedFiles: measured.filesBefore - measured.filesAfter - stripSaved, strip: stripSaved, stripByPlace: strips },
    layersUnzipped,
    zipped: { layers: layers.reduce((n, a) => n + a.zippedBytes, 0), total: manifest.totals.zippedBytes },
    unzippedTotal: manifest.totals.unzippedBytes,
  });
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;
console.log('\nLambda layers (/opt), unstripped vs stripped; bytes are the sum of file sizes (what the 250 MB quota counts)');
console.log('| project | unstripped | stripped | stripped / unstripped | smaller by | collector (du -sk) before → after | zipped total (layers + function) |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.project} | ${r.files.unstripped} B (${mib(r.files.unstripped)}) | ${r.files.stripped} B (${mib(r.files.stripped)}) | ${r.files.ratio.toFixed(3)} | ${pct(1 - r.files.ratio)} | ${mib(r.collector.bytesBefore)} → ${mib(r.collector.bytesAfter)} (${r.collector.savedPercent}%) | ${r.zipped.total} B (${mib(r.zipped.total)}) |`,
  );
}
for (const r of rows) {
  console.log(`\n${r.project} (packages: ${r.packages.join(', ') || 'none'}):`);
  console.log(`  removed help/html/doc/tests/demo, R's manuals and headers: ${mib(r.savedBy.removedFiles)}; strip --strip-unneeded: ${mib(r.savedBy.strip)}`);
  for (const [place, g] of Object.entries(r.savedBy.stripByPlace)) console.log(`    strip in ${place}: ${g.files} files, ${g.changed} made smaller, ${mib(g.saved)} saved`);
  console.log(`  layers unzipped (manifest) ${r.layersUnzipped} B${r.layersUnzipped === r.files.stripped ? ' = the stripped figure' : ` vs the stripped figure ${r.files.stripped} B`}; zipped layers ${mib(r.zipped.layers)}, zipped total ${mib(r.zipped.total)}, unzipped total ${mib(r.unzippedTotal)}`);
  console.log(`  goal (at least ${GOAL_PERCENT}% smaller): ${1 - r.files.ratio >= GOAL_PERCENT / 100 ? 'met' : 'NOT met'} (${pct(1 - r.files.ratio)} in bytes; the collector's du -sk says ${r.collector.savedPercent}%${r.collector.sameAsRerun ? '' : ', and differs from the rerun'})`);
}
console.log(
  "\nnote: \"unstripped\" is /opt as the collector gathered it, before its stripping step. Its own before/after (manifest.stripping) are `du -sk`: allocated blocks, not file bytes (compare the two columns). R and the shared libraries come from Debian already stripped of debug symbols, so strip saves only on what the builder compiled from source; a builder whose R is not stripped (Posit's R on Amazon Linux, the default) may show more, which cannot be measured here.",
);
console.log(JSON.stringify({ bench: 'lambda-layer-size', goalPercent: GOAL_PERCENT, projects: rows }));
