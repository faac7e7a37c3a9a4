import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../support/cli';

/*
 * The deployment lock across real processes started at the same instant: never two holders at
 * once. (A lock file created empty and written after let a second process read it empty, take it
 * for a crashed holder's, and take it over: 2 of 40 rounds had two holders.) Bounded: 25 rounds
 * of 3 processes, each holding for 150 ms.
 */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-lockrace-'));
const harness = path.join(tmp, 'race.js');

beforeAll(async () => {
  writeFileSync(
    path.join(tmp, 'entry.ts'),
    `import { acquireLock } from ${JSON.stringify(path.join(REPO, 'src/targets/lifecycle/lock'))};
const [root, startAt] = process.argv.slice(2);
const go = async () => {
  try {
    const lock = await acquireLock(root, 'race', 'deploying', 'a racer');
    const from = Date.now();
    await new Promise((r) => setTimeout(r, 150));
    const to = Date.now();
    await lock.release();
    process.stdout.write(JSON.stringify({ held: [from, to], tookOver: Boolean(lock.tookOver) }));
  } catch (e) {
    process.stdout.write(JSON.stringify({ busy: (e as Error).message }));
  }
};
setTimeout(go, Math.max(0, Number(startAt) - Date.now()));
`,
  );
  await esbuild.build({ entryPoints: [path.join(tmp, 'entry.ts')], outfile: harness, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function racer(root: string, startAt: number): Promise<{ held?: [number, number]; busy?: string; tookOver?: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [harness, root, String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(out) as { held?: [number, number]; busy?: string }));
  });
}

describe('the deployment lock between processes', () => {
  it('never has two holders, and the others are told who holds it', async () => {
    for (let round = 0; round < 25; round++) {
      const root = mkdtempSync(path.join(tmp, 'p-'));
      const startAt = Date.now() + 400; // after the three processes have started
      const results = await Promise.all([racer(root, startAt), racer(root, startAt), racer(root, startAt)]);
      const held = results.filter((r) => r.held).map((r) => r.held!);
      for (let i = 0; i < held.length; i++) {
        for (let j = i + 1; j < held.length; j++) {
          const [a, b] = [held[i]!, held[j]!];
          expect(a[1] <= b[0] || b[1] <= a[0], `round ${round}: two holders at once ${JSON.stringify(results)}`).toBe(true);
        }
      }
      expect(results.some((r) => r.tookOver), `round ${round}: nobody died, nothing to take over`).toBe(false);
      for (const r of results.filter((x) => x.busy)) expect(r.busy).toMatch(/"race" is being (deployed by a racer \(pid \d+|taken by another process right now)/);
    }
  }, 120_000);
});
