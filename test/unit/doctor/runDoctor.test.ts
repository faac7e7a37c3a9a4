import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CATALOGUE, type CatalogueEntry } from '../../../src/targets/catalogue';
import { formatCheck, formatReport, runDoctor, type DoctorReport } from '../../../src/targets/doctor';
import type { ConnectEngine, EngineProbe } from '../../../src/targets/doctor/engineCheck';
import { checkTarget } from '../../../src/targets/doctor/targetCheck';
import { createTestTarget } from '../../support/testTarget';
import type { EngineInputs } from '../../../src/targets/image/engine';
import { dockerUnavailable } from '../../../src/targets/image/engineConnect';

const RENV = JSON.stringify({ R: { Version: '4.3.1', Repositories: [] }, Packages: {} });
const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-doctor-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const noDockerConfig: EngineInputs = { env: {}, platform: 'linux', homedir: '/home/ada', readFile: async () => undefined };
/** An engine holding `images`; inspecting any other answers 404 as dockerode reports it. */
function engineWith(images: string[]): ConnectEngine {
  const probe: EngineProbe = {
    version: async () => ({ Version: '27.3.1', ApiVersion: '1.47', Os: 'linux', Arch: 'amd64' }),
    getImage: (name) => ({
      inspect: async () => {
        if (images.includes(name)) return { Size: 700_000_000 };
        throw Object.assign(new Error('no such image'), { statusCode: 404 });
      },
    }),
  };
  return async () => probe;
}
const noEngine: ConnectEngine = async () => {
  throw dockerUnavailable({ endpoint: 'unix:///var/run/docker.sock', source: 'default', options: {} }, Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' }));
};
const withR = { find: () => '/usr/bin/R', version: async () => '4.3.1' };
const offline = async () => Promise.reject(new TypeError('fetch failed'));
const seams = (connect: ConnectEngine) => ({ engineInputs: noDockerConfig, connect, r: withR, fetch: offline, registryTimeoutMs: 100 });

const statuses = (r: DoctorReport) => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));

describe('runDoctor', () => {
  it('all there: ok, and the base image is the one the plan uses (rocker/r-ver:<lockfile R>)', async () => {
    const dir = folder({ 'renv.lock': RENV, 'score.R': 'score <- function(x) x\n' });
    const report = await runDoctor({ dir, ...seams(engineWith(['rocker/r-ver:4.3.1'])) });
    expect(report.ok).toBe(true);
    expect(statuses(report)).toEqual({ 'docker-context': 'ok', 'docker-engine': 'ok', r: 'ok', project: 'ok', handler: 'ok', 'base-image': 'ok', target: 'ok' });
    expect(report.checks.find((c) => c.id === 'base-image')!.detail).toMatch(/^rocker\/r-ver:4\.3\.1 is on this machine/);
  });

  it('rdeploy.json baseImage, then --base-image, choose the image checked', async () => {
    const dir = folder({ 'renv.lock': RENV, 'score.R': 'score <- function(x) x\n', 'rdeploy.json': '{"baseImage": "team/r:4"}' });
    const fromConfig = await runDoctor({ dir, ...seams(engineWith([])) });
    expect(fromConfig.checks.find((c) => c.id === 'base-image')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^team\/r:4 is not on this machine: it will be pulled from Docker Hub .*size unknown/) });
    expect(fromConfig.ok).toBe(true);
    const fromFlag = await runDoctor({ dir, baseImage: 'local/r:dev', ...seams(engineWith(['local/r:dev'])) });
    expect(fromFlag.checks.find((c) => c.id === 'base-image')!.status).toBe('ok');
  });

  it('no engine: not ok; the base image is skipped rather than guessed', async () => {
    const dir = folder({ 'renv.lock': RENV, 'score.R': 'score <- function(x) x\n' });
    const report = await runDoctor({ dir, ...seams(noEngine) });
    expect(report.ok).toBe(false);
    expect(statuses(report)).toMatchObject({ 'docker-engine': 'fail', 'base-image': 'skip', project: 'ok' });
  });

  it('the current folder is no R project: the project is skipped; a folder that does not exist fails', async () => {
    const cwd = folder({ 'notes.txt': 'hi' });
    const here = await runDoctor({ cwd, ...seams(engineWith([])) });
    expect(here.checks.find((c) => c.id === 'project')).toMatchObject({ status: 'skip', fix: expect.stringContaining('rdeploy doctor <dir>') });
    expect(here.checks.some((c) => c.id === 'handler')).toBe(false);
    expect(here.ok).toBe(true);

    const missing = await runDoctor({ cwd, dir: 'nowhere', ...seams(engineWith([])) });
    expect(missing.checks.find((c) => c.id === 'project')).toMatchObject({ status: 'fail', detail: `${path.join(cwd, 'nowhere')} is not a folder` });
    expect(missing.ok).toBe(false);
  });

  it('an unknown target kind is a usage error, not a report', async () => {
    await expect(runDoctor({ target: 'kubernetes', ...seams(engineWith([])) })).rejects.toThrow(/Unknown target "kubernetes"/);
  });
});

describe('doctor: the target', () => {
  const connections = { docker: () => Promise.reject(new Error('not used')) };
  it.each(CATALOGUE.map((e) => [e.kind, e as CatalogueEntry] as const))('%s', async (_kind, entry) => {
    const [c] = await checkTarget(entry, {}, connections);
    if (entry.target && !entry.capabilities.credentials) expect(c).toMatchObject({ status: 'ok', detail: `${entry.label}: no cloud account or credentials needed` });
    if (!entry.target) expect(c).toMatchObject({ status: 'skip', detail: `the ${entry.label} target is not available in this version` });
  });

  it("runs the target's own checks (credentials, region) with its settings, and a check that throws is a failure with the fix", async () => {
    const { target } = createTestTarget();
    const seen: Record<string, unknown>[] = [];
    const entry: CatalogueEntry = {
      kind: 'local',
      label: 'A cloud',
      description: 'test double',
      icon: 'cloud',
      capabilities: { endpoint: true, schedule: false, liveLogs: false, costsMoney: true, credentials: true, statusPollSeconds: 60 },
      settings: target.settings,
      target: () => ({
        ...target,
        checks: async (settings) => {
          seen.push(settings);
          return [{ id: 'credentials', title: 'Credentials', status: 'fail', detail: 'no credentials found', fix: 'Run `aws configure`.' }];
        },
      }),
    };
    expect(await checkTarget(entry, { region: 'eu-central-1' }, connections)).toEqual([
      { id: 'target', title: 'Target local', status: 'ok', detail: 'A cloud' },
      { id: 'credentials', title: 'Credentials', status: 'fail', detail: 'no credentials found', fix: 'Run `aws configure`.' },
    ]);
    expect(seen).toEqual([{ region: 'eu-central-1' }]);
    const throwing: CatalogueEntry = { ...entry, target: () => ({ ...target, checks: () => Promise.reject(new Error('The region is not set. Set it with --set region=…')) }) };
    expect(await checkTarget(throwing, {}, connections)).toEqual([{ id: 'target', title: 'Target local', status: 'fail', detail: 'The region is not set', fix: 'Set it with --set region=…' }]);
    const leaking: CatalogueEntry = {
      ...entry,
      target: () => ({ ...target, checks: () => Promise.reject(new Error('Cannot read https://b.s3.amazonaws.com/x?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE&X-Amz-Signature=deadbeef (key AKIAIOSFODNN7EXAMPLE)')) }),
    };
    const [failed] = await checkTarget(leaking, {}, connections);
    expect(failed).toMatchObject({ status: 'fail', detail: 'Cannot read https://b.s3.amazonaws.com/x?X-Amz-Credential=***&X-Amz-Signature=*** (key AKIA***)' });
  });
});

describe('doctor: output lines', () => {
  it('one line per check: symbol, title, detail, and " — fix" only when not ok', () => {
    expect(formatCheck({ id: 'a', title: 'Thing', status: 'ok', detail: 'fine', fix: 'ignored' })).toBe('✔ Thing  fine');
    expect(formatCheck({ id: 'a', title: 'Thing', status: 'warn', detail: 'meh', fix: 'Do this.' })).toBe('! Thing  meh — Do this.');
    expect(formatCheck({ id: 'a', title: 'Thing', status: 'fail', detail: 'bad', fix: 'Do that.' })).toBe('✖ Thing  bad — Do that.');
    expect(formatCheck({ id: 'a', title: 'Thing', status: 'skip', detail: 'not checked' })).toBe('- Thing  not checked');
    const lines = formatReport({ ok: true, checks: [{ id: 'a', title: 'A', status: 'ok', detail: 'x' }, { id: 'b', title: 'Longer', status: 'ok', detail: 'y' }] });
    expect(lines).toEqual(['✔ A       x', '✔ Longer  y']);
  });
});
