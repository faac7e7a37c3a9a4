#!/usr/bin/env node
// Benchmark: R Deploy http runtime vs plumber, same handler, same machine, same run.
//   node bench/runtime/http-vs-plumber.mjs [--requests 400] [--warmup 40] [--budget-s 40]
// Servers (all on 127.0.0.1, started and stopped by this script):
//   ours      Rscript runtime/main.R http, with the TCP_NODELAY helper built (as install.R does)
//   ours-nagle  the same runtime without the helper (shows what the helper fixes)
//   plumber   bench/runtime/plumber.R (plumber on httpuv, the usual way to serve R)
// Measures, on ONE keep-alive connection (http.Agent keepAlive, maxSockets 1):
//   latency p50/p95 over N sequential requests, and throughput (req/s) for N requests;
// plus p50 on fresh connections for context. Every loop is bounded by count AND time.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { args, children, freePort, here, payload, pct, repo, send, stopChildren } from './support.mjs';

const N = Number(args.requests ?? 400);
const WARMUP = Number(args.warmup ?? 40);
const PHASE_BUDGET_MS = Number(args['budget-s'] ?? 40) * 1000;
const FRESH_N = Math.min(100, N);

async function start(name, argv, env) {
  const port = await freePort();
  const child = spawn('Rscript', argv, {
    env: { ...process.env, RDEPLOY_HOST: '127.0.0.1', PORT: String(port), RDEPLOY_APP_DIR: path.join(here, 'app'), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${log}`);
    const ok = await send(port, 'GET', '/ping', undefined, false).then((r) => r.status === 200, () => false);
    if (ok) return { name, port, child };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not answer /ping within 30 s:\n${log}`);
}

async function run(port, count, agent) {
  const latencies = [];
  const started = performance.now();
  for (let i = 0; i < count && performance.now() - started < PHASE_BUDGET_MS; i++) {
    const t = performance.now();
    const res = await send(port, 'POST', '/invocations', payload, agent);
    if (res.status !== 200) throw new Error(`status ${res.status}: ${res.body}`);
    latencies.push(performance.now() - t);
  }
  return { latencies, elapsed: performance.now() - started };
}

async function measure(server) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await run(server.port, WARMUP, agent);
    const lat = await run(server.port, N, agent);
    const thr = await run(server.port, N, agent);
    const fresh = await run(server.port, FRESH_N, false);
    return {
      name: server.name,
      n: lat.latencies.length,
      p50: pct(lat.latencies, 50),
      p95: pct(lat.latencies, 95),
      rps: thr.latencies.length / (thr.elapsed / 1000),
      freshP50: pct(fresh.latencies, 50),
    };
  } finally {
    agent.destroy();
  }
}

const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'rdeploy-bench-lib-'));
try {
  const built = spawnSync('Rscript', [path.join(repo, 'runtime/native/build.R')], { env: { ...process.env, RDEPLOY_RUNTIME_LIB: lib }, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`native/build.R failed:\n${built.stderr}`);
  const main = path.join(repo, 'runtime/main.R');
  const servers = [
    await start('ours', [main, 'http'], { RDEPLOY_RUNTIME_LIB: lib }),
    await start('ours-nagle', [main, 'http'], { RDEPLOY_RUNTIME_LIB: path.join(lib, 'absent') }),
    await start('plumber', [path.join(here, 'plumber.R')], {}),
  ];
  const bodies = await Promise.all(servers.map((s) => send(s.port, 'POST', '/invocations', payload, false)));
  if (new Set(bodies.map((b) => b.body)).size !== 1) throw new Error(`servers disagree: ${bodies.map((b) => b.body).join(' | ')}`);

  const results = [];
  for (const s of servers) results.push(await measure(s));
  const f = (x) => x.toFixed(2).padStart(8);
  console.log(`keep-alive, one connection, ${N} sequential POST /invocations (10-row data.frame), warm-up ${WARMUP}`);
  console.log('server        n   p50 ms   p95 ms    req/s  fresh-conn p50 ms');
  for (const r of results) console.log(`${r.name.padEnd(11)} ${String(r.n).padStart(4)} ${f(r.p50)} ${f(r.p95)} ${f(r.rps)} ${f(r.freshP50)}`);
  const [ours, nagle, plumber] = results;
  console.log(`ratio plumber/ours: p50 ${(plumber.p50 / ours.p50).toFixed(1)}x, throughput ours/plumber ${(ours.rps / plumber.rps).toFixed(1)}x`);
  console.log(`ratio ours-nagle/ours: p50 ${(nagle.p50 / ours.p50).toFixed(1)}x`);
  console.log(`goals: ours p50 < 5 ms: ${ours.p50 < 5 ? 'met' : 'NOT met'}; throughput >= 5x plumber: ${ours.rps >= 5 * plumber.rps ? 'met' : 'NOT met'}`);
  console.log(JSON.stringify({ bench: 'runtime/http-vs-plumber', results }));
} finally {
  stopChildren();
  fs.rmSync(lib, { recursive: true, force: true });
}
