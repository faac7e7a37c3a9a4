import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rdeploy } from '../support/cli';
import { BASE_IMAGE, removeByLabel, requireEngineAndBaseImage } from '../support/docker';

/**
 * Issue #7 item 5: three deploys of three different projects, started together against a base
 * image no runtime image exists for yet, build the shared R Deploy runtime once: one builds it
 * under the host-wide lock, the two others wait for it and use it. A fresh child of the local base
 * image gives a runtime hash nobody has built and no build cache; both images go afterwards.
 */
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const base = `rdeploy-test/r-base:shared-${process.pid}`;
const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const names = ['a', 'b', 'c'].map((x) => `e2e-shared-${x}-${suffix}`);

describe('three deploys started together build the shared runtime image once', () => {
  let tmp: string;
  let runtimeTag = '';
  const dirs: string[] = [];

  beforeAll(async () => {
    requireEngineAndBaseImage();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-shared-'));
    // A tag alone would not do: the engine's build cache is keyed on the base image's id, and
    // the local base image's runtime layers are cached already. A one-label child has a new id,
    // so the runtime library really compiles (minutes), as on a fresh engine.
    execFileSync('docker', ['build', '--label', `rdeploy-test-shared=${process.pid}`, '-t', base, '-'], { input: `FROM ${BASE_IMAGE}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
    // Three different small projects: no packages, each its own handler and answer.
    names.forEach((name, i) => {
      const dir = path.join(tmp, name);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'score.R'), `score <- function(x) list(project = ${i + 1}, y = x * ${i + 2})\n`);
      dirs.push(dir);
    });
    const res = await rdeploy(['dockerfile', dirs[0]!, '--base-image', base]);
    expect(res.code, res.stderr).toBe(0);
    runtimeTag = /^FROM (rdeploy-runtime:[0-9a-f]{16})$/m.exec(res.stdout)![1]!;
  });

  afterAll(async () => {
    for (const [i, name] of names.entries()) {
      if (dirs[i]) await rdeploy(['destroy', name, '--project', dirs[i]!]);
      removeByLabel(name);
    }
    for (const ref of [runtimeTag, base]) {
      if (!ref) continue;
      try {
        docker('image', 'rm', ref);
      } catch {
        // already gone (or never built)
      }
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it('all three succeed; exactly one built the runtime, the others waited for it and used it', async () => {
    expect(() => docker('image', 'inspect', runtimeTag), 'no runtime image exists yet for the fresh base tag').toThrow();
    const since = Math.floor(Date.now() / 1000) - 1;
    // Locks in a cache folder of this test's own, shared by the three (as ~/.cache is by a user's).
    const env = { XDG_CACHE_HOME: path.join(tmp, 'cache') };
    const results = await Promise.all(
      names.map((name, i) => rdeploy(['deploy', dirs[i]!, '--name', name, '--base-image', base, '--json'], { env })),
    );
    for (const res of results) {
      expect(res.stderr).not.toMatch(/\n\s+at /);
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toMatchObject({ status: 'running' });
      expect(res.stderr).toContain('rdeploy: Preparing the R Deploy runtime\n');
    }

    const building = results.filter((r) => r.stderr.includes(`rdeploy: Building the R Deploy runtime ${runtimeTag} on ${base}`));
    expect(building, results.map((r) => r.stderr).join('\n-----\n')).toHaveLength(1);
    const waiters = results.filter((r) => r !== building[0]);
    const builderPid = /Waiting for another deploy \(pid (\d+)\)/.exec(waiters[0]!.stderr)?.[1];
    expect(builderPid, waiters[0]!.stderr).toBeDefined();
    for (const w of waiters) {
      expect(w.stderr).toMatch(new RegExp(`rdeploy: Waiting for another deploy \\(pid ${builderPid}\\) to build the R Deploy runtime \\(\\d+s\\)`));
      expect(w.stderr).toContain(`rdeploy: Using the R Deploy runtime ${runtimeTag}, built by pid ${builderPid}`);
      expect(w.stderr).not.toMatch(/Building the R Deploy runtime/);
    }

    // The engine's own account: the runtime tag was written once.
    const tagged = docker('events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=image', '--filter', 'event=tag', '--format', '{{.Actor.Attributes.name}}')
      .split('\n')
      .filter((n) => n === runtimeTag);
    expect(tagged).toEqual([runtimeTag]);

    // Shared, not a deployment's: no owner labels; every project image starts from it.
    const labels = JSON.parse(docker('image', 'inspect', '--format', '{{json .Config.Labels}}', runtimeTag)) as Record<string, string>;
    expect(labels['rdeploy-runtime']).toBe(runtimeTag.split(':')[1]);
    expect(labels['rdeploy-project']).toBeUndefined();
    expect(labels['rdeploy-deployment']).toBeUndefined();
    const runtimeLayers = JSON.parse(docker('image', 'inspect', '--format', '{{json .RootFS.Layers}}', runtimeTag)) as string[];
    for (const res of results) {
      const image = String(JSON.parse(res.stdout).details.imageId);
      const layers = JSON.parse(docker('image', 'inspect', '--format', '{{json .RootFS.Layers}}', image)) as string[];
      expect(layers.slice(0, runtimeLayers.length)).toEqual(runtimeLayers);
    }

    // Each serves its own handler.
    for (const [i, name] of names.entries()) {
      const res = await rdeploy(['invoke', name, '--project', dirs[i]!, '--data', '{"x": 10}']);
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toEqual({ project: i + 1, y: 10 * (i + 2) });
    }
  });

  it('destroy leaves the shared runtime image in place', async () => {
    const res = await rdeploy(['destroy', names[0]!, '--project', dirs[0]!]);
    expect(res.code, res.stderr).toBe(0);
    expect(() => docker('image', 'inspect', runtimeTag)).not.toThrow();
  });
});
