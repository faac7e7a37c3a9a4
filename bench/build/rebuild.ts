/**
 * Full build vs code-only rebuild, through the local target's own build path.
 *
 * The anchor is a full build of examples/mtcars-glm with no cache at all (a first build: the
 * shared runtime image built, its library compiled, then the project image with the lockfile
 * restored). Then one line of score.R changes and the
 * image is rebuilt with the cache, as `rdeploy deploy` does after an edit. Printed: both times
 * and their ratio, measured in this run. Goal: the rebuild takes at most 10% of the full build.
 *
 *   node scripts/bench.mjs build [--base-image IMG] [--rebuilds 3]
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { connectDocker } from '../../src/targets/image/engineConnect';
import { loadProject } from '../../src/core/project/loadProject';
import { buildImage } from '../../src/targets/image/buildImage';
import { generatedBuildInputs } from '../../src/targets/image/generatedBuildInputs';
import { ensureRuntimeImage } from '../../src/targets/image/runtimeImage';

const { values } = parseArgs({
  options: { 'base-image': { type: 'string', default: 'rdeploy-test/r-base:bookworm' }, rebuilds: { type: 'string', default: '3' } },
});
const baseImage = values['base-image']!;
const rebuilds = Math.min(10, Math.max(1, Number(values.rebuilds)));
const label = `rdeploy-bench-${process.pid}`;

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-bench-'));
  const root = path.join(tmp, 'mtcars-glm');
  cpSync(path.resolve(__dirname, '../../examples/mtcars-glm'), root, { recursive: true });
  const docker = await connectDocker();
  const built: string[] = [];
  const build = async (noCache: boolean): Promise<number> => {
    const project = await loadProject(root);
    const inputs = generatedBuildInputs(project, { baseImage, mode: 'http' });
    const started = performance.now();
    // The shared runtime image first, as a deploy does: on the first build it is built afresh
    // (and retagged), after that it exists and costs one inspect.
    await ensureRuntimeImage(docker, inputs.runtime!, { logRoot: root, noCache });
    const id = await buildImage(docker, { root, inputs, tag: `${label}:latest`, labels: { 'rdeploy-bench': label }, noCache });
    built.push(id);
    return performance.now() - started;
  };
  try {
    process.stderr.write('full build (no cache)… ');
    const full = await build(true);
    process.stderr.write(`${(full / 1000).toFixed(1)} s\n`);
    const times: number[] = [];
    for (let i = 0; i < rebuilds; i++) {
      appendFileSync(path.join(root, 'score.R'), `\n# edit ${i}\n`);
      times.push(await build(false));
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const ratio = median / full;
    console.log(`full build:          ${(full / 1000).toFixed(2)} s (anchor)`);
    console.log(`code-only rebuild:   ${(median / 1000).toFixed(2)} s (median of ${rebuilds})`);
    console.log(`ratio rebuild/full:  ${(ratio * 100).toFixed(1)}%  (goal: at most 10%) ${ratio <= 0.1 ? 'OK' : 'MISSED'}`);
    console.log(JSON.stringify({ bench: 'build', fullMs: Math.round(full), rebuildMs: Math.round(median), ratio: Number(ratio.toFixed(4)) }));
  } finally {
    // Remove the images this benchmark tagged; their parent layers stay as build cache.
    for (const id of new Set(built)) await docker.getImage(id).remove({ force: true, noprune: true }).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
