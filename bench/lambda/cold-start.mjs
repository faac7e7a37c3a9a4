#!/usr/bin/env node
// Benchmark: Lambda cold start of examples/mtcars-glm, against anchors measured in the same run.
//   node bench/lambda/cold-start.mjs [--runs 5] [--warmup 1] [--budget-s 300] [--cli dist/cli.js]
// Packages the example with `rdeploy package --target lambda` (the local base image as builder),
// extracts the zips as Lambda does (layers in order into opt/, function.zip into task/, modes
// kept) and runs /var/task/bootstrap in the glibc-only image (glibc + sh, no R: only what the
// layers bring), configured as the local twin does (src/targets/lambda/twin/twin.ts: same
// environment, unprivileged user, read-only mounts and root, /tmp tmpfs, 1024 MB), against the
// product's Runtime API server, with the first event queued before the container starts.
// Per run, from the `docker start` call: when the call returns; the runtime's first GET /next as
// the server records it (R start-up + handler load); the answer (the first event's handling).
// Then, outside the cold start, a second event on the same process (queued to answered): one-time
// work the first events still pay shows there (warm events take ~2 ms: runtime/lambda-loop.mjs).
// Anchors, same image and container settings, same run, interleaved with the example:
//   - trivial handler: the same layers and bootstrap, a score.R of `score <- function(...)
//     list(ok = TRUE)` and no model: what R and the runtime cost before any user code;
//   - container: `/bin/sh -c true` (the image has no /bin/true; `true` is dash's builtin), from
//     the start call to the exit Docker reports: what starting any container costs here.
// Rounds rotate the order of the three; a warm-up round is left out. Prints a table (median and
// min–max), the ratios of the medians, then one JSON line. Absolute times are this machine's.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { args, median, packageLambda, preflight, productModules, repo, spread, tempDir, trackContainer, unpackPackage, untrackContainer } from './support.mjs';

const RUNS = Number(args.runs ?? 5);
const WARMUP = Number(args.warmup ?? 1);
const BUDGET_MS = Number(args['budget-s'] ?? 300) * 1000;
const INVOKE_TIMEOUT_MS = 60_000;
const EXAMPLE = path.join(repo, 'examples/mtcars-glm');
// As the twin (twin.ts): Lambda's LD_LIBRARY_PATH for an OS-only runtime, and its user.
const LAMBDA_LD_LIBRARY_PATH = '/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib';
const UNPRIVILEGED = '65534:65534';
const MEMORY_MB = 1024;

const cli = preflight();
const { RuntimeApiServer, unpackZip, ensureGlibcOnlyImage } = await productModules();
const image = ensureGlibcOnlyImage();
const docker = new Docker();
const work = tempDir('rdeploy-bench-cold-start-');

console.log(`packaging ${path.relative(repo, EXAMPLE)} for Lambda (rdeploy package --target lambda)...`);
const pkg = path.join(work, 'package');
const manifest = await packageLambda(cli, EXAMPLE, { name: 'rdeploy-bench-cold-start', out: pkg, timeoutMs: 20 * 60_000 });
const example = path.join(work, 'example');
await unpackPackage(unpackZip, pkg, manifest, example);
// The trivial handler shares the example's opt/ (same layers); its task/ holds only the
// bootstrap and the handler.
const trivialTask = path.join(work, 'trivial-task');
mkdirSync(trivialTask);
copyFileSync(path.join(example, 'task/bootstrap'), path.join(trivialTask, 'bootstrap'));
writeFileSync(path.join(trivialTask, 'score.R'), 'score <- function(...) list(ok = TRUE)\n');

const event = readFileSync(path.join(EXAMPLE, 'samples/one-car.json'), 'utf8');
const variants = [
  {
    key: 'example',
    label: 'mtcars-glm',
    task: path.join(example, 'task'),
    cmd: ['/var/task/bootstrap'],
    check: (body) => Array.isArray(body.transmission) || typeof body.transmission === 'string',
  },
  { key: 'trivial', label: 'trivial handler', task: trivialTask, cmd: ['/var/task/bootstrap'], check: (body) => body.ok === true || body.ok?.[0] === true },
  { key: 'container', label: 'container: /bin/sh -c true', task: trivialTask, cmd: ['/bin/sh', '-c', 'true'] },
];

function createOptions(variant, apiAddress) {
  return {
    Image: image,
    Cmd: variant.cmd,
    WorkingDir: '/var/task',
    User: UNPRIVILEGED,
    Labels: { 'rdeploy-bench': 'lambda-cold-start' },
    Env: [
      `AWS_LAMBDA_RUNTIME_API=${apiAddress}`,
      `_HANDLER=${manifest.handler}`,
      'LAMBDA_TASK_ROOT=/var/task',
      'LAMBDA_RUNTIME_DIR=/var/runtime',
      'AWS_LAMBDA_FUNCTION_NAME=rdeploy-bench-cold-start',
      `AWS_LAMBDA_FUNCTION_MEMORY_SIZE=${MEMORY_MB}`,
      'AWS_LAMBDA_FUNCTION_VERSION=$LATEST',
      `LD_LIBRARY_PATH=${LAMBDA_LD_LIBRARY_PATH}`,
      'TZ=:UTC',
    ],
    HostConfig: {
      NetworkMode: 'host',
      Binds: [`${path.join(example, 'opt')}:/opt:ro`, `${variant.task}:/var/task:ro`],
      Memory: MEMORY_MB * 1024 * 1024,
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,size=512m' },
    },
  };
}

const logsOf = (id) => {
  try {
    return execFileSync('docker', ['logs', '--tail', '15', id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return String(e.stderr ?? e);
  }
};

/** One cold start of `variant`: a fresh Runtime API server and container; both gone at the end. */
async function once(variant) {
  const api = await RuntimeApiServer.start({ functionArn: 'arn:aws:lambda:local:000000000000:function:rdeploy-bench-cold-start' });
  let container;
  try {
    container = await docker.createContainer(createOptions(variant, api.address));
    trackContainer(container.id);
    // Queued before the container exists as a process: the runtime's first /next gets it at once.
    const answer = variant.check ? api.invoke(event, { timeoutMs: INVOKE_TIMEOUT_MS }) : undefined;
    const t0 = Date.now();
    await container.start();
    const startReturned = Date.now() - t0;
    // Asked after start: 'not-running' answers at once when the process has already exited.
    const exited = container.wait({ condition: 'not-running' }).then((r) => r.StatusCode);
    if (!answer) {
      const code = await bounded(exited, INVOKE_TIMEOUT_MS, 'the container did not exit');
      if (code !== 0) throw new Error(`${variant.label}: exit ${code}\n${logsOf(container.id)}`);
      return { startReturned, total: Date.now() - t0 };
    }
    const died = exited.then((code) => {
      throw new Error(`${variant.label}: the bootstrap exited (${code}) before it answered\n${logsOf(container.id)}`);
    });
    died.catch(() => undefined); // raced below; the process is removed while this still waits
    const res = await Promise.race([answer, died]);
    const answeredAt = Date.now();
    let body;
    try {
      body = JSON.parse(res.body);
    } catch {
      body = undefined;
    }
    if (!res.ok || !body || !variant.check(body)) throw new Error(`${variant.label}: unexpected answer ${JSON.stringify(res)}\n${logsOf(container.id)}`);
    const next = api.requests().find((r) => r.method === 'GET' && r.path.endsWith('/invocation/next'));
    // Not part of the cold start: the next event on the same process, as the server times it
    // (queued to answered), to show what of the first answer is first-call work.
    const second = await Promise.race([api.invoke(event, { timeoutMs: INVOKE_TIMEOUT_MS }), died]);
    if (!second.ok) throw new Error(`${variant.label}: the second event failed ${JSON.stringify(second)}\n${logsOf(container.id)}`);
    return { startReturned, toNext: next.receivedAt - t0, nextToAnswer: answeredAt - next.receivedAt, total: answeredAt - t0, secondEvent: Math.round(second.durationMs) };
  } finally {
    if (container) {
      await container.remove({ force: true }).catch(() => undefined);
      untrackContainer(container.id);
    }
    await api.close();
  }
}

function bounded(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

const results = Object.fromEntries(variants.map((v) => [v.key, []]));
const deadline = Date.now() + BUDGET_MS;
for (let round = 0; round < WARMUP + RUNS && Date.now() < deadline; round++) {
  const order = variants.map((_, i) => variants[(i + round) % variants.length]);
  for (const v of order) {
    const r = await once(v);
    if (round >= WARMUP) results[v.key].push(r);
  }
}
const n = results.example.length;
if (n === 0) throw new Error(`no measured run within --budget-s ${BUDGET_MS / 1000}`);

const stat = (rows, key) => (rows[0]?.[key] === undefined ? undefined : { median: median(rows.map((r) => r[key])), range: spread(rows.map((r) => r[key])) });
const summary = Object.fromEntries(
  variants.map((v) => [v.key, Object.fromEntries(['startReturned', 'toNext', 'nextToAnswer', 'total', 'secondEvent'].map((k) => [k, stat(results[v.key], k)]).filter(([, s]) => s))]),
);
const cell = (s) => (s ? `${s.median} [${s.range[0]}–${s.range[1]}]` : '—');
console.log(`\ncold start in ${image}, ${n} run(s) after ${WARMUP} warm-up round(s); ms, median [min–max]`);
console.log('| run | docker start returns | start → first /next (R init + handler load) | /next → answer | start → answer (or exit) | then a 2nd event |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const v of variants) {
  const s = summary[v.key];
  console.log(`| ${v.label} | ${cell(s.startReturned)} | ${cell(s.toNext)} | ${cell(s.nextToAnswer)} | ${cell(s.total)} | ${cell(s.secondEvent)} |`);
}
const ex = summary.example.total.median;
const ratios = {
  exampleToContainer: Number((ex / summary.container.total.median).toFixed(2)),
  exampleToTrivial: Number((ex / summary.trivial.total.median).toFixed(2)),
  initExampleToTrivial: Number((summary.example.toNext.median / summary.trivial.toNext.median).toFixed(2)),
};
console.log(`ratios of the medians: mtcars-glm / container start ${ratios.exampleToContainer}x; mtcars-glm / trivial handler ${ratios.exampleToTrivial}x (to the first /next: ${ratios.initExampleToTrivial}x)`);
console.log(JSON.stringify({ bench: 'lambda-cold-start', image, runs: n, warmup: WARMUP, ms: summary, ratios }));
