#!/usr/bin/env node
// Benchmark: warm invocation overhead of the runtime's lambda mode (ONE persistent R process
// looping on the Runtime API) against the seeds' bootstrap (one Rscript per event:
// lambda-bootstrap-per-event.sh + lambda-per-event.R), same trivial handler (x + y), same
// machine, same run, both against the project's own Runtime API server
// (src/targets/lambda/runtimeApi, bundled here with esbuild).
//   node bench/runtime/lambda-loop.mjs [--loop 200] [--anchor 20] [--budget-s 60]
// Per invocation: from invoke() to the runtime's POST .../response, as the Runtime API server
// measures it; the first call of each (cold: R start-up, handler load) is left out.
// Prints the table, the ratio (goal: the loop at least 50x lower), then one JSON line.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { args, children, here, repo } from './support.mjs';

const LOOP = Number(args.loop ?? 200);
const ANCHOR = Number(args.anchor ?? 20);
const BUDGET_MS = Number(args['budget-s'] ?? 60) * 1000;
const APP = path.join(repo, 'test/unit/runtime/fixtures/lambda/app');

const outDir = path.join(repo, 'out/bench');
mkdirSync(outDir, { recursive: true });
const bundle = path.join(outDir, 'runtimeApi.mjs');
await esbuild.build({ entryPoints: [path.join(repo, 'src/targets/lambda/runtimeApi/index.ts')], bundle: true, platform: 'node', target: 'node20', format: 'esm', outfile: bundle, logLevel: 'warning' });
const { RuntimeApiServer } = await import(pathToFileURL(bundle).href);
// The anchor leads a process group of its own (see kill): stop the whole group on exit.
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.signalCode === null && kill(c)));

function kill(child) {
  // The anchor is a shell loop with curl/Rscript children: it leads its own process group.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

async function measure(label, command, commandArgs, count) {
  const api = await RuntimeApiServer.start();
  const child = spawn(command, commandArgs, {
    env: { ...process.env, AWS_LAMBDA_RUNTIME_API: api.address, _HANDLER: 'score.score', LAMBDA_TASK_ROOT: APP, RDEPLOY_RUNTIME_LIB: path.join(os.tmpdir(), 'rdeploy-no-such-lib') },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  children.push(child);
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const times = [];
  const deadline = Date.now() + BUDGET_MS;
  try {
    for (let i = 0; i <= count && Date.now() < deadline; i++) {
      const res = await api.invoke(JSON.stringify({ x: i, y: 1 }), { timeoutMs: 30_000 });
      if (!res.ok || res.body !== String(i + 1)) throw new Error(`${label}: unexpected answer ${JSON.stringify(res)}\n${log}`);
      if (i > 0) times.push(res.durationMs); // the first call is the cold start
    }
  } finally {
    kill(child);
    await api.close();
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  const p = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  const r2 = (x) => Math.round(x * 100) / 100;
  return { label, n: times.length, meanMs: r2(mean), p50Ms: r2(p(0.5)), p95Ms: r2(p(0.95)) };
}

const loop = await measure('lambda mode (one R process)', 'Rscript', [path.join(repo, 'runtime/main.R'), 'lambda'], LOOP);
const anchor = await measure('seeds bootstrap (Rscript per event)', 'sh', [path.join(here, 'lambda-bootstrap-per-event.sh')], ANCHOR);
const ratio = anchor.meanMs / loop.meanMs;
const ratioP50 = anchor.p50Ms / loop.p50Ms;
console.log('| runtime | warm invocations | mean ms | p50 ms | p95 ms |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of [loop, anchor]) console.log(`| ${r.label} | ${r.n} | ${r.meanMs} | ${r.p50Ms} | ${r.p95Ms} |`);
console.log(`ratio (anchor / loop): mean ${ratio.toFixed(1)}x, p50 ${ratioP50.toFixed(1)}x (goal >= 50x, on the mean)`);
console.log(JSON.stringify({ bench: 'lambda-loop', loop, anchor, ratio: Number(ratio.toFixed(1)), ratioP50: Number(ratioP50.toFixed(1)), goal: 50, met: ratio >= 50 }));
