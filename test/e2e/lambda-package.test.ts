import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/core/project/loadProject';
import type { RProject } from '../../src/core/project/model';
import { standardConnections } from '../../src/targets/connections';
import { Deployments } from '../../src/targets/lifecycle/Deployments';
import type { LambdaManifest } from '../../src/targets/lambda/package/manifest';
import { fileSha256 } from '../../src/targets/lambda/package/zip';
import { LambdaTwin } from '../../src/targets/lambda/twin/twin';
import { unpackZip } from '../../src/targets/lambda/twin/unpack';
import { RuntimeApiServer } from '../../src/targets/lambda/runtimeApi';
import { rdeploy } from '../support/cli';
import { BASE_IMAGE, ensureGlibcOnlyImage, requireEngineAndBaseImage } from '../support/docker';

// `rdeploy package --target lambda` on the mtcars-glm example, built in the local Debian image
// (glibc 2.36, hence glibcMax 2.36), then unpacked as Lambda unpacks it into a container that has
// a C library and /bin/sh and nothing else, and run against the Runtime API. Real engine, real R.
const name = `lp-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const deployments = new Deployments({ connections: standardConnections(), tool: 'the e2e tests' });
let tmp: string;
let out: string;
let project: RProject;
let manifest: LambdaManifest;
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const samples = ['one-car', 'fleet', 'heavy-truck'];
const sample = (s: string) => readFileSync(path.join(project.root, 'samples', `${s}.json`), 'utf8');

async function answers(run: (payload: string) => Promise<{ ok: boolean; body: string }>): Promise<Array<{ ok: boolean; body: unknown }>> {
  const got = [];
  for (const s of [...samples.map(sample), '{"wt": [1, 2], "hp": [100]}']) {
    const r = await run(s);
    got.push({ ok: r.ok, body: JSON.parse(r.body) });
  }
  return got;
}

/** Runs a container against a fresh Runtime API server, answers every payload, removes the container. */
async function serve(args: string[], handler: string, taskRoot: string): Promise<Array<{ ok: boolean; body: unknown }>> {
  const api = await RuntimeApiServer.start();
  const id = docker('run', '-d', '--network', 'host', '-e', `AWS_LAMBDA_RUNTIME_API=${api.address}`, '-e', `_HANDLER=${handler}`, '-e', `LAMBDA_TASK_ROOT=${taskRoot}`, ...args);
  try {
    return await answers((p) => api.invoke(p, { timeoutMs: 60_000 }));
  } finally {
    execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
    await api.close();
  }
}

describe('rdeploy package --target lambda', () => {
  beforeAll(async () => {
    requireEngineAndBaseImage();
    ensureGlibcOnlyImage();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-lp-'));
    const root = path.join(tmp, 'mtcars-glm');
    cpSync(path.join(__dirname, '../../examples/mtcars-glm'), root, { recursive: true, filter: (src) => !src.includes('.rdeploy') });
    project = await loadProject(root, {});
    out = path.join(tmp, 'package');
    const result = await deployments.package(project, 'lambda', { name, out, builderImage: BASE_IMAGE, settings: { glibcMax: '2.36' } });
    manifest = result.manifest as unknown as LambdaManifest;
  });
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
    try {
      execFileSync('docker', ['rmi', '-f', `rdeploy-package/${name}:lambda`], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  });

  it('writes layers/NN-<name>.zip (R first, at most 5), function.zip and a manifest whose sizes and hashes are the files\'', async () => {
    const layers = manifest.artefacts.filter((a) => a.kind === 'layer');
    expect(layers[0]).toMatchObject({ name: '01-r', file: 'layers/01-r.zip', extractTo: '/opt' });
    expect(layers.length).toBeLessThanOrEqual(5);
    for (const a of manifest.artefacts) {
      expect(statSync(path.join(out, a.file)).size).toBe(a.zippedBytes);
      expect(await fileSha256(path.join(out, a.file))).toBe(a.sha256);
    }
    expect(manifest).toMatchObject({ target: 'lambda', runtime: 'provided.al2023', architecture: 'x86_64', handler: 'score.score', builderImage: BASE_IMAGE, quotas: { ok: true } });
    expect(manifest.totals.unzippedBytes).toBeLessThan(262_144_000);
    expect(manifest.glibc.required).toMatch(/^2\.\d+$/);
    expect(manifest.stripping.bytesAfter).toBeLessThan(manifest.stripping.bytesBefore);
  });

  it('puts an executable bootstrap in function.zip, and no part of the C library in the layers', async () => {
    const dir = path.join(tmp, 'unzipped');
    await unpackZip(path.join(out, 'function.zip'), path.join(dir, 'task'));
    for (const a of manifest.artefacts.filter((x) => x.kind === 'layer')) await unpackZip(path.join(out, a.file), path.join(dir, 'opt'));
    expect(statSync(path.join(dir, 'task', 'bootstrap')).mode & 0o111).toBe(0o111);
    expect(statSync(path.join(dir, 'opt', 'R', 'bin', 'exec', 'R')).mode & 0o111).toBe(0o111);
    const libs = execFileSync('ls', [path.join(dir, 'opt', 'lib')], { encoding: 'utf8' }).split('\n');
    expect(libs.filter((l) => /^(libc|libm|libpthread|libdl|ld-linux)[.-]/.test(l))).toEqual([]);
    expect(libs).toEqual(expect.arrayContaining(['libgfortran.so.5']));
  });

  it('unpacked into a container with no R and no libraries beyond glibc, answers exactly what R answers in the project image', async () => {
    const image = ensureGlibcOnlyImage();
    // The container really has no R.
    expect(() => docker('run', '--rm', image, '/bin/sh', '-c', 'test ! -e /usr/lib/R && test ! -e /usr/bin/Rscript && test ! -e /usr/lib/x86_64-linux-gnu/libgfortran.so.5')).not.toThrow();
    const dir = path.join(tmp, 'as-lambda');
    for (const a of manifest.artefacts) await unpackZip(path.join(out, a.file), path.join(dir, a.kind === 'function' ? 'task' : 'opt'));
    const fromLayers = await serve(
      ['--user', '65534:65534', '--read-only', '--tmpfs', '/tmp', '-v', `${dir}/opt:/opt:ro`, '-v', `${dir}/task:/var/task:ro`, '-w', '/var/task', image, '/var/task/bootstrap'],
      'score.score',
      '/var/task',
    );
    const fromImage = await serve([`rdeploy-package/${name}:lambda`, 'Rscript', '/opt/rdeploy/runtime/main.R', 'lambda'], 'score.score', '/app');
    expect(fromLayers).toEqual(fromImage);
    expect(fromLayers.slice(0, 3).every((r) => r.ok)).toBe(true);
    expect(fromLayers[0]!.body).toMatchObject({ transmission: 'manual' });
    expect(fromLayers[3]).toMatchObject({ ok: false, body: { errorType: 'simpleError', errorMessage: expect.stringContaining('same length') } });
  });

  it('the local twin runs the same package and gives the cloud\'s answer and error shapes', async () => {
    const twin = await LambdaTwin.start((await standardConnections().docker()) as never, { packageDir: out, image: ensureGlibcOnlyImage(), name, memoryMb: 512, timeoutSeconds: 60 });
    try {
      const ok = await twin.invoke(sample('one-car'));
      expect(ok).toMatchObject({ ok: true, body: { transmission: 'manual' } });
      const bad = await twin.invoke('{"wt": [1, 2], "hp": [100]}');
      expect(bad).toMatchObject({ ok: false, body: { errorType: 'simpleError' } });
      expect((await twin.logLines(50)).join('\n')).toContain('scored 1 car(s)');
    } finally {
      await twin.close();
    }
  });

  it('is up to date when nothing changed, and rebuilds only function.zip when the code changes', async () => {
    const again = await deployments.package(project, 'lambda', { name, out, builderImage: BASE_IMAGE, settings: { glibcMax: '2.36' } });
    expect(again.upToDate).toBe(true);
    writeFileSync(path.join(project.root, 'score.R'), `${readFileSync(path.join(project.root, 'score.R'), 'utf8')}\n# edited\n`);
    const edited = (await deployments.package(project, 'lambda', { name, out, builderImage: BASE_IMAGE, settings: { glibcMax: '2.36' } })).manifest as unknown as LambdaManifest;
    const sha = (m: LambdaManifest, n: string) => m.artefacts.find((a) => a.name === n)!.sha256;
    expect(sha(edited, '01-r')).toBe(sha(manifest, '01-r'));
    expect(sha(edited, 'function')).not.toBe(sha(manifest, 'function'));
    manifest = edited;
  });

  it('the glibc guard stops a package built on a newer glibc than Lambda\'s, naming the file and the symbol', async () => {
    const other = path.join(tmp, 'too-new');
    await expect(deployments.package(project, 'lambda', { name, out: other, builderImage: BASE_IMAGE, settings: {} })).rejects.toMatchObject({
      code: 'build-failed',
      message: expect.stringMatching(/^\/opt\/\S+ needs \S+@GLIBC_2\.3[5-9], newer than the target's glibc 2\.34/),
    });
  });

  it('rdeploy invoke --local --target lambda runs the package in Docker and prints the answer, the log on stderr', async () => {
    const args = ['--target', 'lambda', '--project', project.root, '--name', name, '--builder-image', BASE_IMAGE, '--set', 'glibcMax=2.36'];
    const ok = await rdeploy(['invoke', '--local', ...args, '--payload', 'one-car', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, result: { transmission: 'manual' }, log: expect.stringContaining('scored 1 car(s)') });
    const bad = await rdeploy(['invoke', '--local', ...args, '--data', '{"wt": [1, 2], "hp": [100]}']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ errorType: 'simpleError' });
    expect(bad.stderr).toMatch(/the handler of "the handler" failed: wt and hp must have the same length/);
  });

  it('invoke --local in image mode runs the image a deploy would push, the same answer', async () => {
    const ok = await rdeploy(['invoke', '--local', '--target', 'lambda', '--project', project.root, '--name', name, '--base-image', BASE_IMAGE, '--set', 'packageType=image', '--payload', 'one-car', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, result: { transmission: 'manual' }, log: expect.stringContaining('scored 1 car(s)') });
    execFileSync('docker', ['image', 'rm', '-f', ...docker('images', '-q', `rdeploy-lambda/${name}`).split('\n').filter(Boolean)], { stdio: 'ignore' });
  });

  it('never writes into a folder that is not a package', async () => {
    const foreign = path.join(tmp, 'foreign');
    cpSync(path.join(project.root, 'samples'), foreign, { recursive: true });
    await expect(deployments.package(project, 'lambda', { name, out: foreign, builderImage: BASE_IMAGE, settings: { glibcMax: '2.36' } })).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringContaining('holds no Lambda package'),
    });
    expect(execFileSync('ls', [foreign], { encoding: 'utf8' }).trim().split('\n').sort()).toEqual(['fleet.json', 'heavy-truck.json', 'one-car.json']);
  });
});
