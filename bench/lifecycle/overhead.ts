// What the lifecycle costs a deploy: the same three steps of a target double (an in-memory
// cloud, test/support/testTarget.ts) run bare — the anchor — and through the engine, which adds
// the lock file, the record written (fsync + rename) before and after each step, and the
// ownership-checked destroy. Prints per-deploy milliseconds and the ratio of the same run.
// Bounded: --rounds deploy+destroy cycles (default 40), nothing outside a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RProject } from '../../src/core/project/model';
import { Deployments } from '../../src/targets/lifecycle/Deployments';
import type { Connections } from '../../src/targets/Target';
import { createTestTarget } from '../../test/support/testTarget';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 40;
const root = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-bench-lifecycle-'));
const project: RProject = { kind: 'scripts', path: root, root, handler: 'score.score', repositories: [], packages: [], warnings: [] };
const connections: Connections = { docker: () => Promise.reject(new Error('not used')) };

async function main(): Promise<void> {
  const { target, control } = createTestTarget();
  const deployments = new Deployments({ connections, tool: 'the lifecycle bench', targets: () => target });
  const plan = deployments.plan(project, 'local', { name: 'bench', settings: {} });
  const owner = { root, name: 'bench' };
  const ctx = { connections };

  // Anchor: the same steps and removals, called directly: no lock, no record.
  const bare = async () => {
    const made = new Map<string, string>();
    for (const step of target.steps(plan)) {
      const out = await step.run({ ctx, owner, record: {} as never, previous: undefined, created: (k) => made.get(k) });
      if (step.creates && out?.id) made.set(step.creates.kind, out.id);
    }
    for (const [kind, id] of [...made].reverse()) await target.resources[kind]!.remove(id, ctx);
  };
  const managed = async () => {
    await deployments.deploy(plan);
    await deployments.destroy(owner);
  };
  const time = async (run: () => Promise<void>) => {
    for (let i = 0; i < 3; i++) await run(); // warm-up
    const started = performance.now();
    for (let i = 0; i < rounds; i++) await run();
    return (performance.now() - started) / rounds;
  };
  const anchor = await time(bare);
  const engine = await time(managed);
  if (control.cloud.size) throw new Error(`the bench left ${control.cloud.size} resources behind`);
  console.log(`deploy + destroy, ${rounds} rounds: bare steps ${anchor.toFixed(3)} ms, through the lifecycle ${engine.toFixed(2)} ms`);
  console.log(`lifecycle overhead per deploy + destroy: ${(engine - anchor).toFixed(2)} ms (${(engine / Math.max(anchor, 0.001)).toFixed(0)}× the bare in-memory steps)`);
  console.log(JSON.stringify({ bench: 'lifecycle-overhead', rounds, bareMs: anchor, lifecycleMs: engine, overheadMs: engine - anchor }));
}

main()
  .finally(() => rmSync(root, { recursive: true, force: true }))
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
