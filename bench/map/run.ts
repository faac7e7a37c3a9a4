/**
 * `rdeploy map` on local Docker: K containers against one, and the cost of a chunk.
 *
 * Deploys examples/mtcars-glm on the local target (the image is cached after the first build),
 * and a copy whose handler repeats the prediction HEAVY times (a call whose R work dominates, as
 * a bigger model's would), then scores 10,000 generated cars through the code `rdeploy map`
 * runs (runMap with the local target's executor) and prints, measured in this run:
 * - K containers (K = the cores) against 1 container (the anchor), at 10 and 100 rows per chunk
 *   and with the heavy handler: the calls phase of ROUNDS alternating runs on the same
 *   containers (so that a burst of other load on a shared machine hits both sides), the median
 *   speed-up and the speed-up per core; starting the extra containers is timed apart;
 * - time per chunk at 1, 10, 100 and 1000 rows per chunk on one container, against 1000 rows
 *   (the anchor): the per-chunk overhead and per-row cost of a straight line through them.
 * Bounded: about two minutes on 2 cores (chunks of 1 row score the first 2,000 rows only).
 *
 *   node scripts/bench.mjs map [--base-image rdeploy-test/r-base:bookworm] [--rows 10000] [--rounds 3]
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runMap, type MapExecutor } from '../../src/core/map';
import { loadProject } from '../../src/core/project/loadProject';
import type { DeploymentRecord } from '../../src/core/records/record';
import { standardConnections } from '../../src/targets/connections';
import { Deployments } from '../../src/targets/lifecycle/Deployments';
import { carRows, carsCsv } from '../../test/support/mapData';

const { values } = parseArgs({
  options: { 'base-image': { type: 'string', default: 'rdeploy-test/r-base:bookworm' }, rows: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '3' } },
});
const ROWS = Math.max(1000, Number(values.rows));
const ROUNDS = Math.min(9, Math.max(1, Number(values.rounds)));
/** How many times the heavy handler repeats the prediction per call. */
const HEAVY = 40;
const cores = os.availableParallelism();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-bench-map-'));
  const root = path.join(tmp, 'mtcars-glm');
  cpSync(path.resolve(__dirname, '../../examples/mtcars-glm'), root, { recursive: true });
  const heavyRoot = path.join(tmp, 'mtcars-heavy');
  cpSync(root, heavyRoot, { recursive: true });
  writeFileSync(
    path.join(heavyRoot, 'score.R'),
    `model <- readRDS("model.rds")\nscore <- function(wt, hp) {\n  cars <- data.frame(wt = as.numeric(wt), hp = as.numeric(hp))\n  for (i in seq_len(${HEAVY})) p <- predict(model, newdata = cars, type = "response")\n  list(probability = unname(p))\n}\n`,
  );
  const deployments = new Deployments({ connections: standardConnections(), tool: 'the map bench' });
  const name = `bench-map-${process.pid}`;
  const owners = [
    { root, name },
    { root: heavyRoot, name: `${name}-heavy` },
  ];
  const executors: MapExecutor[] = [];
  try {
    process.stderr.write('deploying examples/mtcars-glm and its heavy copy… ');
    const records: DeploymentRecord[] = [];
    for (const o of owners) records.push(await deployments.deploy(deployments.plan(await loadProject(o.root), 'local', { name: o.name, baseImage: values['base-image'], settings: {} })));
    process.stderr.write('ok\n');
    const all = carRows(ROWS);
    writeFileSync(path.join(tmp, 'cars.csv'), carsCsv(all));
    writeFileSync(path.join(tmp, 'cars-2000.csv'), carsCsv(all.slice(0, 2000)));

    /** The containers of `k` lanes, started once (timed) and kept for every run: runMap's close() does not reach them. */
    const lanes = async (record: DeploymentRecord, k: number) => {
      const started = performance.now();
      const exec = await deployments.mapExecutor({ root: record.projectRoot, record }, { concurrency: k });
      executors.push(exec);
      return { exec: { description: exec.description, concurrency: exec.concurrency, run: exec.run.bind(exec), close: async () => undefined } as MapExecutor, startMs: performance.now() - started };
    };
    let run = 0;
    /** One map on the given containers: the calls phase, chunks, rows. */
    const map = async (record: DeploymentRecord, exec: MapExecutor, input: string, chunkRows: number) => {
      const started = performance.now();
      const summary = await runMap({
        input: path.join(tmp, input),
        output: path.join(tmp, `out-${run++}.jsonl`),
        chunkRows,
        deployment: { name: record.name, target: 'local', deployedAt: record.updatedAt },
        signal: new AbortController().signal,
        executor: async () => exec,
      });
      if (summary.failed) throw new Error(`${summary.failed} chunks failed`);
      return { ms: performance.now() - started, chunks: summary.units, rows: summary.rows };
    };

    const [light, heavy] = records as [DeploymentRecord, DeploymentRecord];
    const one = { light: await lanes(light, 1), heavy: await lanes(heavy, 1) };
    const many = { light: await lanes(light, cores), heavy: await lanes(heavy, cores) };
    for (const [r, e] of [
      [light, one.light],
      [light, many.light],
      [heavy, one.heavy],
      [heavy, many.heavy],
    ] as const) {
      await map(r, e.exec, 'cars-2000.csv', 100); // warm-up: every container's R, the page cache
    }

    console.log(`\nK containers vs 1, ${ROWS.toLocaleString('en')} rows, ${cores} cores, load average ${os.loadavg()[0]!.toFixed(1)} (calls phase, median of ${ROUNDS} alternating rounds)`);
    const speed: Record<string, unknown>[] = [];
    const scenarios = [
      { label: '10 rows/chunk', record: light, one: one.light.exec, many: many.light.exec, chunkRows: 10 },
      { label: '100 rows/chunk', record: light, one: one.light.exec, many: many.light.exec, chunkRows: 100 },
      { label: `100 rows/chunk, predict ×${HEAVY}`, record: heavy, one: one.heavy.exec, many: many.heavy.exec, chunkRows: 100 },
    ];
    for (const s of scenarios) {
      const t1: number[] = [];
      const tk: number[] = [];
      const ratios: number[] = [];
      let chunks = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const a = await map(s.record, s.one, 'cars.csv', s.chunkRows);
        const b = await map(s.record, s.many, 'cars.csv', s.chunkRows);
        t1.push(a.ms);
        tk.push(b.ms);
        ratios.push(a.ms / b.ms);
        chunks = a.chunks;
      }
      const up = median(ratios);
      speed.push({ scenario: s.label, chunks, oneMs: median(t1), manyMs: median(tk), k: cores, speedUp: up, perCore: up / cores, ratios });
      console.log(
        `  ${s.label.padEnd(30)} (${chunks} chunks): 1 container ${(median(t1) / 1000).toFixed(2)} s (anchor), ${cores} containers ${(median(tk) / 1000).toFixed(2)} s → ${up.toFixed(2)}× (${(up / cores).toFixed(2)} per core; rounds ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
      );
    }
    console.log(`  starting ${cores - 1} more container${cores === 2 ? '' : 's'} (the deployment's own is the first): ${(many.light.startMs / 1000).toFixed(2)} s`);

    console.log('\nper-chunk overhead, 1 container');
    const sizes: { chunkRows: number; msPerChunk: number; usPerRow: number }[] = [];
    for (const chunkRows of [1, 10, 100, 1000]) {
      const r = await map(light, one.light.exec, chunkRows === 1 ? 'cars-2000.csv' : 'cars.csv', chunkRows);
      sizes.push({ chunkRows, msPerChunk: r.ms / r.chunks, usPerRow: (r.ms * 1000) / r.rows });
    }
    const anchor = sizes[sizes.length - 1]!;
    for (const x of sizes) {
      console.log(`  ${String(x.chunkRows).padStart(4)} rows/chunk: ${x.msPerChunk.toFixed(2)} ms per chunk, ${x.usPerRow.toFixed(1)} µs per row (${(x.usPerRow / anchor.usPerRow).toFixed(1)}× the per-row time at 1000)`);
    }
    // t(c) = overhead + c × perRow through the smallest and the largest chunk.
    const small = sizes[0]!;
    const perRowMs = (anchor.msPerChunk - small.msPerChunk) / (anchor.chunkRows - small.chunkRows);
    const overheadMs = small.msPerChunk - perRowMs * small.chunkRows;
    const amortised = Math.ceil((overheadMs * 9) / Math.max(perRowMs, 1e-6));
    console.log(`  → per-chunk overhead ≈ ${overheadMs.toFixed(2)} ms, per row ≈ ${(perRowMs * 1000).toFixed(1)} µs: chunks of ≥ ${amortised.toLocaleString('en')} rows keep the overhead under 10% of the time`);
    console.log(JSON.stringify({ bench: 'map', rows: ROWS, cores, load: os.loadavg()[0], speed, startMs: many.light.startMs, sizes, overheadMs, perRowMs }));
  } finally {
    for (const e of executors) await e.close().catch(() => undefined);
    for (const o of owners) await deployments.destroy(o).catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
