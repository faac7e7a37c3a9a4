#!/usr/bin/env node
// Benchmark: does a slow call still stall everything? (issue 7, item 16)
//   node bench/runtime/workers.mjs [--seconds 2] [--trials 6] [--requests 400] [--runtime-dir runtime]
// For RDEPLOY_WORKERS = 1 and 2 (runtime/main.R http with its native helper built, 127.0.0.1):
//   ping      GET /ping on fresh connections while a slow call (slow.slow, sleeps --seconds)
//             runs: latency of each (10 pings, 100 ms apart, starting 200 ms into the call);
//   pair      two slow calls sent at once, each on a fresh connection, --trials times: the
//             time until both have answered (the kernel's SO_REUSEPORT hash picks the worker
//             of each connection, so with 2 workers both land on the same one half the time);
//   pinned    the same two calls on two keep-alive connections known to be held by different
//             workers (found with slow.whoami): what the workers can do when spread;
//   keepalive p50/p95 of N sequential POST /invocations on one keep-alive connection
//             (score.score, the 10-row data.frame of http-vs-plumber.mjs; goal p50 < 5 ms).
// --runtime-dir runs another copy of the runtime (e.g. an older commit, `git archive`d) for a
// before/after comparison. Prints a table, ratios against the --seconds anchor, then one JSON line.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { args, children, freePort, here, payload, pct, repo, send, sleep } from './support.mjs';

const SECONDS = Number(args.seconds ?? 2);
const TRIALS = Number(args.trials ?? 6);
const N = Number(args.requests ?? 400);
const runtimeDir = path.resolve(args['runtime-dir'] ?? path.join(repo, 'runtime'));

async function start(handler, workers, lib) {
  const port = await freePort();
  const child = spawn('Rscript', [path.join(runtimeDir, 'main.R'), 'http'], {
    env: {
      ...process.env, RDEPLOY_HOST: '127.0.0.1', PORT: String(port), RDEPLOY_APP_DIR: path.join(here, 'app'),
      RDEPLOY_HANDLER: handler, RDEPLOY_WORKERS: String(workers), RDEPLOY_RUNTIME_LIB: lib,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`runtime exited (${child.exitCode}):\n${log}`);
    // Every worker listening (an older runtime without workers says "listening" once).
    const listening = (log.match(/listening on/g) ?? []).length;
    if (listening >= workers || (listening >= 1 && !/starting \d+ worker/.test(log))) return { port, child, log: () => log };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`runtime did not listen within 60 s:\n${log}`);
}

async function stop(server) {
  if (server.child.exitCode !== null) return;
  const t = performance.now();
  const exited = new Promise((r) => server.child.once('exit', (code) => r(code)));
  server.child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
  if (code === 'timeout') server.child.kill('SIGKILL');
  return { code, ms: performance.now() - t };
}

async function pingDuringCall(port) {
  const call = send(port, 'POST', '/invocations', JSON.stringify({ seconds: SECONDS }), false);
  await sleep(200);
  const latencies = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const res = await send(port, 'GET', '/ping', undefined, false);
    if (res.status !== 200) throw new Error(`/ping ${res.status}`);
    latencies.push(performance.now() - t);
    await sleep(100);
  }
  await call;
  return { p50: pct(latencies, 50), max: Math.max(...latencies) };
}

async function pairOnFreshConnections(port) {
  const totals = [];
  for (let i = 0; i < TRIALS; i++) {
    const t = performance.now();
    await Promise.all([0, 1].map(() => send(port, 'POST', '/invocations', JSON.stringify({ seconds: SECONDS }), false)));
    totals.push((performance.now() - t) / 1000);
  }
  return totals;
}

async function pairPinned(whoamiPort, slowPort) {
  // Keep-alive connections to the whoami server tell which worker holds a connection; the
  // slow server is a second runtime, so pin there the same way with its own whoami answer:
  // slow.slow with seconds = 0 answers its pid at once.
  void whoamiPort;
  const byPid = new Map();
  for (let i = 0; i < 64 && byPid.size < 2; i++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const { pid } = JSON.parse((await send(slowPort, 'POST', '/invocations', '{"seconds": 0}', agent)).body);
    if (byPid.has(pid)) agent.destroy();
    else byPid.set(pid, agent);
  }
  const agents = [...byPid.values()];
  try {
    if (agents.length < 2) return null;
    const t = performance.now();
    await Promise.all(agents.map((agent) => send(slowPort, 'POST', '/invocations', JSON.stringify({ seconds: SECONDS }), agent)));
    return (performance.now() - t) / 1000;
  } finally {
    agents.forEach((a) => a.destroy());
  }
}

async function keepAlive(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 40; i++) await send(port, 'POST', '/invocations', payload, agent);
    const latencies = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      const res = await send(port, 'POST', '/invocations', payload, agent);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      latencies.push(performance.now() - t);
    }
    return { p50: pct(latencies, 50), p95: pct(latencies, 95) };
  } finally {
    agent.destroy();
  }
}

const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'rdeploy-bench-lib-'));
try {
  const built = spawnSync('Rscript', [path.join(runtimeDir, 'native/build.R')], { env: { ...process.env, RDEPLOY_RUNTIME_LIB: lib }, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`native/build.R failed:\n${built.stderr}`);
  const results = [];
  for (const workers of [1, 2]) {
    const slow = await start('slow.slow', workers, lib);
    const ping = await pingDuringCall(slow.port);
    const pair = await pairOnFreshConnections(slow.port);
    const pinned = workers > 1 ? await pairPinned(null, slow.port) : null;
    const stopped = await stop(slow);
    const fast = await start('score.score', workers, lib);
    const ka = await keepAlive(fast.port);
    await stop(fast);
    results.push({ workers, ping, pair, pinned, keepAlive: ka, stop: stopped });
  }
  const f = (x, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
  console.log(`runtime ${path.relative(repo, runtimeDir) || '.'}; slow call ${SECONDS} s; pair = two slow calls at once, ${TRIALS} trials`);
  console.log('workers  ping p50/max ms during call   pair totals s (fresh conns)          pinned s  keep-alive p50/p95 ms  SIGTERM stop ms (code)');
  for (const r of results) {
    console.log(`${String(r.workers).padStart(7)}  ${`${f(r.ping.p50, 1)} / ${f(r.ping.max, 1)}`.padEnd(29)} ${r.pair.map((x) => f(x)).join(' ').padEnd(36)} ${f(r.pinned).padEnd(9)} ${`${f(r.keepAlive.p50)} / ${f(r.keepAlive.p95)}`.padEnd(22)} ${f(r.stop.ms, 0)} (${r.stop.code})`);
  }
  for (const r of results) {
    const overlapped = r.pair.filter((x) => x < 1.5 * SECONDS).length;
    console.log(`workers ${r.workers}: ping max / call = ${f(r.ping.max / (SECONDS * 1000), 3)}; pair median / call = ${f(pct(r.pair, 50) / SECONDS)}x (${overlapped}/${r.pair.length} pairs ran side by side)` +
      (r.pinned ? `; pinned pair / call = ${f(r.pinned / SECONDS)}x` : ''));
  }
  const two = results.find((r) => r.workers === 2);
  console.log(`goals: ping < 100 ms during a call: ${two.ping.max < 100 ? 'met' : 'NOT met'}; two calls on two workers ~1x a call: ${two.pinned && two.pinned < 1.25 * SECONDS ? 'met' : 'NOT met'}; keep-alive p50 < 5 ms: ${two.keepAlive.p50 < 5 ? 'met' : 'NOT met'}`);
  console.log(JSON.stringify({ bench: 'runtime/workers', seconds: SECONDS, results }));
} finally {
  await Promise.all(children.map((c) => (c.exitCode === null ? stop({ child: c }) : null)));
  fs.rmSync(lib, { recursive: true, force: true });
}
