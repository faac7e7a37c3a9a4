import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rdeploy } from '../support/cli';
import { BASE_IMAGE, containersOf, imagesOf, layersOf, removeByLabel, requireEngineAndBaseImage } from '../support/docker';
import { rDirect } from '../support/r';
import { copyExample, uniqueName } from '../support/tempProject';

/**
 * The foundation, end to end, through the CLI as a user runs it: real Docker engine, real R in
 * the container, expected answers computed by R directly on this machine.
 */
describe('rdeploy deploy/invoke/logs/destroy on the mtcars-glm example', () => {
  const project = copyExample('mtcars-glm');
  const name = uniqueName('e2e-mtcars');
  const inProject = (args: string[]) => rdeploy([...args, '--project', project.dir]);
  let firstImage = '';
  let firstLayers: string[] = [];

  beforeAll(() => requireEngineAndBaseImage());
  afterAll(() => {
    removeByLabel(name);
    project.dispose();
  });

  it('deploys to local Docker and reports a running deployment', async () => {
    const res = await rdeploy(['deploy', project.dir, '--name', name, '--base-image', BASE_IMAGE, '--json']);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(res.code, res.stderr).toBe(0);
    const record = JSON.parse(res.stdout);
    expect(record).toMatchObject({ name, target: 'local', status: 'running' });
    expect(record.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    firstImage = String(record.details.imageId);
    firstLayers = layersOf(firstImage);
    expect(containersOf(name)).toHaveLength(1);

    const ls = await rdeploy(['ls', '--json', '--project', project.dir]);
    expect(JSON.parse(ls.stdout).map((r: { name: string }) => r.name)).toContain(name);
  });

  const samples = readdirSync(path.join(project.dir, 'samples')).filter((f) => f.endsWith('.json'));
  it.each(samples)('answers sample %s exactly as R does', async (sample) => {
    const res = await inProject(['invoke', name, '--payload', path.join(project.dir, 'samples', sample)]);
    expect(res.code, res.stderr).toBe(0);
    const expected = rDirect(project.dir, 'score.R', 'score', path.join('samples', sample));
    expect(JSON.parse(res.stdout)).toEqual(expected);
  });

  it('finds a sample by name and reports duration with --json', async () => {
    const res = await inProject(['invoke', name, '--payload', 'one-car', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.ok).toBe(true);
    expect(out.durationMs).toBeGreaterThan(0);
    expect(out.result).toEqual(rDirect(project.dir, 'score.R', 'score', 'samples/one-car.json'));
  });

  it('returns the handler error as JSON with a non-zero exit, and keeps serving', async () => {
    const bad = await inProject(['invoke', name, '--data', '{"wt": [2.1, 3.2], "hp": [110]}']);
    expect(bad.code).toBe(1);
    const err = JSON.parse(bad.stdout);
    expect(err.errorType).toBe('simpleError');
    expect(err.errorMessage).toContain('wt and hp must have the same length');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);

    const good = await inProject(['invoke', name, '--data', '{"wt": 3.0, "hp": 120}']);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).transmission).toMatch(/^(manual|automatic)$/);
  });

  it('rejects a payload that is not JSON before calling the model', async () => {
    const res = await inProject(['invoke', name, '--data', '{"wt": 3.0,']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/not valid JSON/);
    expect(res.stdout).toBe('');
  });

  it('shows what the handler printed in the logs', async () => {
    const res = await inProject(['logs', name]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/scored 1 car\(s\)/);
  });

  it('rebuilds a code-only change without re-running the restore layer', async () => {
    appendFileSync(path.join(project.dir, 'score.R'), '\n# a code-only change\n');
    const res = await rdeploy(['deploy', project.dir, '--name', name, '--base-image', BASE_IMAGE, '--json', '--verbose']);
    expect(res.code, res.stderr).toBe(0);
    const secondImage = String(JSON.parse(res.stdout).details.imageId);
    expect(secondImage).not.toBe(firstImage);

    // Every layer up to and including the restore layer is shared: the restore step did not run
    // again (re-running it would write a new layer with new file times). Only the code layers differ.
    const before = layersOf(secondImage);
    const shared = before.filter((layer, i) => firstLayers[i] === layer).length;
    const restoreStep = res.stderr.split('\n').findIndex((l) => /Step \d+\/\d+ : RUN Rscript \/opt\/rdeploy\/restore\.R/.test(l));
    expect(restoreStep, 'the build log names the restore step').toBeGreaterThanOrEqual(0);
    expect(res.stderr.split('\n').slice(restoreStep, restoreStep + 3).join('\n')).toMatch(/Using cache/);
    expect(shared).toBeGreaterThan(0);
    expect(shared).toBeLessThan(before.length);

    const after = await inProject(['invoke', name, '--payload', 'one-car']);
    expect(after.code, after.stderr).toBe(0);
  });

  it('destroy leaves no container and no image behind, and is safe to repeat', async () => {
    const res = await inProject(['destroy', name]);
    expect(res.code, res.stderr).toBe(0);
    expect(containersOf(name)).toEqual([]);
    expect(imagesOf(name)).toEqual([]);
    const again = await inProject(['destroy', name]);
    expect([0, 1]).toContain(again.code);
    expect(again.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a different project: packrat lockfile, rpart restored from CRAN, custom handler', () => {
  const project = copyExample('iris-rpart');
  const name = uniqueName('e2e-iris');

  beforeAll(() => requireEngineAndBaseImage());
  afterAll(async () => {
    await rdeploy(['destroy', name, '--project', project.dir]);
    removeByLabel(name);
    project.dispose();
  });

  it('deploys and answers every sample exactly as R does', async () => {
    const dep = await rdeploy(['deploy', project.dir, '--name', name, '--base-image', BASE_IMAGE]);
    expect(dep.code, dep.stderr).toBe(0);
    for (const sample of readdirSync(path.join(project.dir, 'samples'))) {
      const res = await rdeploy(['invoke', name, '--project', project.dir, '--payload', `samples/${sample}`], { cwd: project.dir });
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toEqual(rDirect(project.dir, 'predict.R', 'classify', `samples/${sample}`));
    }
  });
});

describe('a missing Docker engine', () => {
  it('is one clear sentence and exit code 1', async () => {
    const project = copyExample('mtcars-glm');
    try {
      const res = await rdeploy(['deploy', project.dir, '--base-image', BASE_IMAGE], {
        env: { DOCKER_HOST: `unix://${path.join(project.dir, 'no-such.sock')}` },
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/Docker is not running/);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      // Nothing was created, so nothing is recorded.
      expect(existsSync(path.join(project.dir, '.rdeploy', 'deployments'))).toBe(false);
    } finally {
      project.dispose();
    }
  });
});
