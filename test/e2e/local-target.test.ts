import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors';
import type { RProject } from '../../src/core/project/model';
import type { DeploymentRecord } from '../../src/core/records/record';
import { readRecord } from '../../src/core/records/store';
import type { BuildInputsFactory } from '../../src/targets/image/buildInputs';
import type { LogEvent, Progress } from '../../src/targets/Target';
import { localDeployments } from '../support/localDeployments';
import { BASE_IMAGE, containersOf, imagesOf, removeByLabel } from '../support/docker';

// Real engine, real R, the generated Dockerfile and the shipped runtime. Everything created
// carries the rdeploy-deployment label and is removed by label afterwards, whatever happens.
const hasBaseImage = (() => {
  try {
    execFileSync('docker', ['image', 'inspect', BASE_IMAGE], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const names = { main: `lt-main-${suffix}`, load: `lt-load-${suffix}`, build: `lt-build-${suffix}`, cancel: `lt-cancel-${suffix}` };

let tmp: string;
function makeProject(dir: string, scoreR: string): RProject {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'score.R'), scoreR);
  writeFileSync(path.join(dir, 'secret.env'), 'never in the image');
  return { kind: 'scripts', path: dir, root: dir, handler: 'score.score', repositories: [], packages: [], warnings: [] };
}

function recorder(): Progress & { messages: string[]; lines: string[] } {
  const messages: string[] = [];
  const lines: string[] = [];
  return { messages, lines, report: (u) => void (u.message && messages.push(u.message), u.line && lines.push(u.line)) };
}

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const SCORE_R = `cat("model loaded, version", 1, "\\n")
score <- function(x) {
  message("scoring x=", x)
  if (x < 0) stop("x must not be negative")
  list(y = x * 2)
}
`;

describe.skipIf(!hasBaseImage)(`local target against the real engine (needs ${BASE_IMAGE}: run scripts/build-base-image.sh)`, () => {
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-lt-'));
  });
  afterAll(() => {
    for (const n of Object.values(names)) removeByLabel(n);
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('deploy, invoke, logs, status, redeploy, destroy', () => {
    const target = localDeployments();
    let project: RProject;
    let record: DeploymentRecord;

    it('deploys: builds the image, runs it on the host network, records it', async () => {
      project = makeProject(path.join(tmp, 'main'), SCORE_R);
      const plan = target.plan(project, { name: names.main, baseImage: BASE_IMAGE });
      const progress = recorder();
      record = await target.deploy(plan, { progress });
      expect(record.status).toBe('running');
      expect(record.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(record.resources.map((r) => [r.kind, r.state])).toEqual([
        ['image', 'created'],
        ['container', 'created'],
      ]);
      expect(await readRecord(project.root, names.main)).toEqual(record);
      expect(progress.messages.some((m) => m.startsWith('Building image ('))).toBe(true);
      expect(progress.lines.some((l) => l.includes('model loaded'))).toBe(true);

      const inspect = JSON.parse(docker('inspect', record.resources[1]!.id)) as [{ HostConfig: { NetworkMode: string }; Config: { Labels: Record<string, string>; Env: string[] } }];
      expect(inspect[0].HostConfig.NetworkMode).toBe('host');
      expect(inspect[0].Config.Labels).toMatchObject({ 'rdeploy-deployment': names.main, 'rdeploy-project': project.root });
      expect(inspect[0].Config.Env).toContain('RDEPLOY_HOST=127.0.0.1');
      const ping = await fetch(`${record.endpoint}/ping`);
      expect(ping.status).toBe(200);
      // The project folder was not written to, and left-out files are not in the image.
      expect(existsSync(path.join(project.root, '.dockerignore'))).toBe(false);
      expect(existsSync(path.join(project.root, '.rdeploy-build'))).toBe(false);
    });

    it('invokes: a result, and an R error as not ok', async () => {
      const r = await target.invoke(record, '{"x": 21}', {});
      expect(r).toMatchObject({ ok: true, body: { y: 42 } });
      expect(r.durationMs).toBeGreaterThan(0);
      const bad = await target.invoke(record, '{"x": -1}', {});
      expect(bad.ok).toBe(false);
      expect(bad.body).toMatchObject({ errorMessage: expect.stringContaining('x must not be negative') });
      await expect(target.invoke(record, 'not json', {})).rejects.toMatchObject({ code: 'payload-invalid' });
    });

    it('reads the logs, including what the handler printed', async () => {
      const events: LogEvent[] = [];
      for await (const ev of target.logs(record, { tail: 200 })) events.push(ev);
      // The runtime sinks the handler's stdout to stderr (stdout is the result channel in job mode).
      expect(events.some((e) => e.message.includes('model loaded, version 1'))).toBe(true);
      expect(events.some((e) => e.message.includes('scoring x=21'))).toBe(true);
      expect(events.every((e) => /^\d{4}-\d\d-\d\dT/.test(e.timestamp))).toBe(true);
    });

    it('follows the logs live until the signal aborts', async () => {
      const ac = new AbortController();
      const seen: string[] = [];
      const following = (async () => {
        for await (const ev of target.logs(record, { follow: true, tail: 0, signal: ac.signal })) {
          seen.push(ev.message);
          if (ev.message.includes('scoring x=7')) ac.abort();
        }
      })();
      await new Promise((r) => setTimeout(r, 500));
      await target.invoke(record, '{"x": 7}', {});
      const timer = setTimeout(() => ac.abort(), 15_000);
      await following;
      clearTimeout(timer);
      expect(seen.some((m) => m.includes('scoring x=7'))).toBe(true);
    });

    it('reports the status', async () => {
      expect((await target.status(record)).state).toBe('running');
    });

    it('redeploys: replaces the container, keeps the port, removes the old image', async () => {
      const oldImage = record.details.imageId as string;
      writeFileSync(path.join(project.root, 'score.R'), SCORE_R.replace('version", 1', 'version", 2'));
      const next = await target.deploy(target.plan(project, { name: names.main, baseImage: BASE_IMAGE }), {});
      expect(next.endpoint).toBe(record.endpoint);
      expect(next.createdAt).toBe(record.createdAt);
      expect(next.details.imageId).not.toBe(oldImage);
      expect(containersOf(names.main)).toHaveLength(1);
      expect(imagesOf(names.main)).toHaveLength(1);
      expect(() => execFileSync('docker', ['image', 'inspect', oldImage], { stdio: 'ignore' })).toThrow();
      const events: LogEvent[] = [];
      for await (const ev of target.logs(next, {})) events.push(ev);
      expect(events.some((e) => e.message.includes('version 2'))).toBe(true);
      record = next;
    });

    // Before destroy: the image above keeps the runtime layer in the build cache.
    it('fails fast when the handler cannot load, and removes what it created', async () => {
      const target = localDeployments();
      const project = makeProject(path.join(tmp, 'load'), 'stop("model.rds is missing")\nscore <- function(x) x\n');
      const err = await target.deploy(target.plan(project, { name: names.load, baseImage: BASE_IMAGE }), {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('deploy-failed');
      expect((err as AppError).message).toContain('model.rds is missing');
      const rec = await readRecord(project.root, names.load);
      expect(rec).toMatchObject({ status: 'failed', error: expect.stringContaining('model.rds is missing') });
      expect(rec!.resources.every((r) => r.state === 'deleted')).toBe(true);
      expect(containersOf(names.load)).toEqual([]);
      expect(imagesOf(names.load)).toEqual([]);
    });

    it('reports a stopped container, and following its logs ends', async () => {
      docker('kill', record.resources.find((r) => r.kind === 'container' && r.state === 'created')!.id);
      const status = await target.status(record);
      expect(status.state).toBe('stopped');
      expect(status.detail).toMatch(/exited with code 137/);
      const events: LogEvent[] = [];
      for await (const ev of target.logs(record, { follow: true })) events.push(ev);
      expect(events.some((e) => e.message.includes('version 2'))).toBe(true);
    });

    it('destroys: no container, no image, no record; again is fine', async () => {
      const report = await target.destroy(record, {});
      expect(report).toMatchObject({ removed: [expect.stringMatching(/^container rdeploy-lt-main/), expect.stringMatching(/^image rdeploy\/lt-main/)] });
      expect(containersOf(names.main)).toEqual([]);
      expect(imagesOf(names.main)).toEqual([]);
      expect(await readRecord(project.root, names.main)).toBeUndefined();
      expect((await target.status(record)).state).toBe('missing');
      expect(await target.destroy(record, {})).toBe('nothing-left');
      await expect(target.invoke(record, '{"x": 1}', {})).rejects.toMatchObject({ code: 'invoke-failed' });
    });
  });

  it('turns a build error into build-failed with the build output', async () => {
    const failing: BuildInputsFactory = (_p, o) => ({
      dockerfile: `FROM ${o.baseImage}\nRUN echo "about to fail" && exit 3\n`,
      dockerignore: '',
      files: [],
    });
    const target = localDeployments({ buildInputs: failing });
    const project = makeProject(path.join(tmp, 'build'), SCORE_R);
    const err = await target.deploy(target.plan(project, { name: names.build, baseImage: BASE_IMAGE }), {}).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('build-failed');
    expect((err as AppError).message).toMatch(/returned a non-zero code: 3/);
    expect((err as AppError).message).toContain('about to fail');
    expect(await readRecord(project.root, names.build)).toMatchObject({ status: 'failed' });
    expect(imagesOf(names.build)).toEqual([]);
  });

  it('cancels a build in progress and leaves nothing running', async () => {
    const slow: BuildInputsFactory = (_p, o) => ({
      dockerfile: `FROM ${o.baseImage}\nRUN echo "${names.cancel} sleeping" && sleep 60\n`,
      dockerignore: '',
      files: [],
    });
    const target = localDeployments({ buildInputs: slow });
    const project = makeProject(path.join(tmp, 'cancel'), SCORE_R);
    const ac = new AbortController();
    // Abort on the RUN step's own output, so the step is really running in its container.
    const progress: Progress = { report: (u) => void (u.line === `${names.cancel} sleeping` && ac.abort()) };
    const started = Date.now();
    const err = await target.deploy(target.plan(project, { name: names.cancel, baseImage: BASE_IMAGE }), { signal: ac.signal, progress }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(await readRecord(project.root, names.cancel)).toMatchObject({ status: 'failed', error: 'Cancelled.' });
    // The engine stops the build when the client goes away: the RUN step's container goes too.
    let running = '';
    for (let i = 0; i < 20; i++) {
      running = docker('ps', '-a', '--no-trunc', '--format', '{{.Command}}');
      if (!running.includes(`${names.cancel} sleeping`)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(running).not.toContain(`${names.cancel} sleeping`);
    expect(imagesOf(names.cancel)).toEqual([]);
  });
});
