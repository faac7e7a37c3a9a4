/**
 * `rdeploy map` on local Docker: K containers against one, and the cost of a chunk.
 *
 * Deploys examples/mtcars-glm on the local target (the image is cached after the first build),
 * scores 10,000 generated cars through the same code `rdeploy map` runs (runMap with the local
 * target's executor), and prints, measured in this run:
 * - the calls phase with K = 1 container (the anchor) and K = the cores, at 10 and 100 rows per
 *   chunk, and with a handler whose R work dominates (the prediction repeated): the speed-up and
 *   the speed-up per core (container start-up shown apart);
 * - time per chunk at 1, 10, 100 and 1000 rows per chunk on one container, against 1000 rows
 *   (the anchor): the per-chunk overhead and the per-row cost that a straight line through them gives.
 * Bounded: about two minutes on 2 cores (chunks of 1 row score the first 2,000 rows only).
 *
 *   node scripts/bench.mjs map [--base-image rdeploy-test/r-base:bookworm] [--rows 10000]
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runMap } from '../../src/core/map';
import { loadProject } from '../../src/core/project/loadProject';
import { standardConnections } from '../../src/targets/connections';
import { Deployments } from '../../src/targets/lifecycle/Deployments';
import { carRows, carsCsv } from '../../test/support/mapData';

const { values } = parseArgs({ options: { 'base-image': { type: 'string', default: 'rdeploy-test/r-base:bookworm' }, rows: { type: 'string', default: '10000' } } });
const ROWS = Math.max(1000, Number(values.rows));
/** How many times the heavy handler repeats the prediction per call. */
const HEAVY = 40;
const cores = os.availableParallelism();

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-bench-map-'));
  const root = path.join(tmp, 'mtcars-glm');
  cpSync(path.resolve(__dirname, '../../examples/mtcars-glm'), root, { recursive: true });
  const deployments = new Deployments({ connections: standardConnections(), tool: 'the map bench' });
  const name = `bench-map-${process.pid}`;
  const owner = { root, name };
  let heavy: { root: string; name: string } | undefined;
  try {
    process.stderr.write('deploying examples/mtcars-glm… ');
    const project = await loadProject(root);
    const record = await deployments.deploy(deployments.plan(project, 'local', { name, baseImage: values['base-image'], settings: {} }));
    process.stderr.write('ok\n');
    const at = { root, record };
    const all = carRows(ROWS);
    writeFileSync(path.join(tmp, 'cars.csv'), carsCsv(all));
    writeFileSync(path.join(tmp, 'cars-2000.csv'), carsCsv(all.slice(0, 2000)));
    let run = 0;
    /** One map: total time, the calls phase (after the containers answer), chunks. */
    const map = async (input: string, chunkRows: number, k: number) => {
      const started = performance.now();
      let callsFrom = started;
      const summary = await runMap({
        input: path.join(tmp, input),
        output: path.join(tmp, `out-${run++}.jsonl`),
        chunkRows,
        deployment: { name, target: 'local', deployedAt: record.updatedAt },
        signal: new AbortController().signal,
        executor: () => deployments.mapExecutor(at, { concurrency: k }),
        onStart: () => void (callsFrom = performance.now()),
      });
      if (summary.failed) throw new Error(`${summary.failed} chunks failed`);
      const end = performance.now();
      return { totalMs: end - started, callsMs: end - callsFrom, chunks: summary.units, rows: summary.rows };
    };
    await map('cars-2000.csv', 100, 1); // warm-up: both containers' R and the page cache

    const load = os.loadavg()[0]!.toFixed(1);
    console.log(`\nK containers vs 1, ${ROWS.toLocaleString('en')} rows, ${cores} cores, load average ${load} (calls phase; start-up of the extra containers apart)`);
    const speed: Record<string, unknown>[] = [];
    for (const chunkRows of [10, 100]) {
      const one = await map('cars.csv', chunkRows, 1);
      const many = await map('cars.csv', chunkRows, cores);
      const s = one.callsMs / many.callsMs;
      speed.push({ chunkRows, oneMs: one.callsMs, manyMs: many.callsMs, k: cores, speedUp: s, perCore: s / cores, startUpMs: many.totalMs - many.callsMs });
      console.log(
        `  ${String(chunkRows).padStart(4)} rows/chunk (${one.chunks} chunks): 1 container ${(one.callsMs / 1000).toFixed(2)} s (anchor), ${cores} containers ${(many.callsMs / 1000).toFixed(2)} s → ${s.toFixed(2)}× (${(s / cores).toFixed(2)} per core); start-up ${((many.totalMs - many.callsMs) / 1000).toFixed(2)} s`,
      );
    }

    // The same rows through a handler whose R work dominates the call (the model's prediction
    // repeated HEAVY times, as a bigger model would cost): what parallel containers are for.
    const heavyRoot = path.join(tmp, 'mtcars-heavy');
    cpSync(root, heavyRoot, { recursive: true, filter: (src) => !src.includes(`${path.sep}.rdeploy`) });
    writeFileSync(
      path.join(heavyRoot, 'score.R'),
      `model <- readRDS("model.rds")\nscore <- function(wt, hp) {\n  cars <- data.frame(wt = as.numeric(wt), hp = as.numeric(hp))\n  for (i in seq_len(${HEAVY})) p <- predict(model, newdata = cars, type = "response")\n  list(probability = unname(p))\n}\n`,
    );
    const heavyName = `${name}-heavy`;
    heavy = { root: heavyRoot, name: heavyName };
    const heavyRecord = await deployments.deploy(deployments.plan(await loadProject(heavyRoot), 'local', { name: heavyName, baseImage: values['base-image'], settings: {} }));
    const heavyAt = { root: heavyRoot, record: heavyRecord };
    const mapHeavy = async (k: number) => {
      let callsFrom = performance.now();
      await runMap({
        input: path.join(tmp, 'cars.csv'),
        output: path.join(tmp, `out-${run++}.jsonl`),
        chunkRows: 100,
        deployment: { name: heavyName, target: 'local', deployedAt: heavyRecord.updatedAt },
        signal: new AbortController().signal,
        executor: () => deployments.mapExecutor(heavyAt, { concurrency: k }),
        onStart: () => void (callsFrom = performance.now()),
      });
      return performance.now() - callsFrom;
    };
    const heavyOne = await mapHeavy(1);
    const heavyMany = await mapHeavy(cores);
    const hs = heavyOne / heavyMany;
    speed.push({ chunkRows: 100, handler: `predict ×${HEAVY}`, oneMs: heavyOne, manyMs: heavyMany, k: cores, speedUp: hs, perCore: hs / cores });
    console.log(`   100 rows/chunk, predict ×${HEAVY} per call: 1 container ${(heavyOne / 1000).toFixed(2)} s (anchor), ${cores} containers ${(heavyMany / 1000).toFixed(2)} s → ${hs.toFixed(2)}× (${(hs / cores).toFixed(2)} per core)`);

    console.log('\nper-chunk overhead, 1 container');
    const sizes: { chunkRows: number; msPerChunk: number; usPerRow: number }[] = [];
    for (const chunkRows of [1, 10, 100, 1000]) {
      const r = await map(chunkRows === 1 ? 'cars-2000.csv' : 'cars.csv', chunkRows, 1);
      sizes.push({ chunkRows, msPerChunk: r.callsMs / r.chunks, usPerRow: (r.callsMs * 1000) / r.rows });
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
    console.log(JSON.stringify({ bench: 'map', rows: ROWS, cores, load: os.loadavg()[0], speed, sizes, overheadMs, perRowMs }));
  } finally {
    for (const o of [owner, ...(heavy ? [heavy] : [])]) await deployments.destroy(o).catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
