import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors';
import { loadProject } from '../../src/core/project/loadProject';
import { ownerTags } from '../../src/core/owner';
import { buildImage } from '../../src/targets/image/buildImage';
import { listBuildContext } from '../../src/targets/image/buildContext';
import { connectDocker } from '../../src/targets/image/engineConnect';
import { generatedBuildInputs } from '../../src/targets/image/generatedBuildInputs';
import { ensureRuntimeImage } from '../../src/targets/image/runtimeImage';
import type { Progress } from '../../src/targets/Target';
import { rdeploy } from '../support/cli';
import { BASE_IMAGE, imagesOf, removeByLabel, requireEngineAndBaseImage } from '../support/docker';
import { localDeployments } from '../support/localDeployments';

// Issue #7: what a user reads when a build or a start fails, with the real engine, the real
// generator and the local base image. Everything created carries the rdeploy-deployment label
// and is removed by label afterwards.
const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const names = { restore: `be-restore-${suffix}`, load: `be-load-${suffix}`, nohandler: `be-nohandler-${suffix}`, label: `be-label-${suffix}` };
const SCORE_R = 'score <- function(x = 1) list(y = x * 2)\n';
let tmp: string;

function project(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function recorder(): Progress & { messages: string[]; lines: string[] } {
  const messages: string[] = [];
  const lines: string[] = [];
  return { messages, lines, report: (u) => void (u.message && messages.push(u.message), u.line && lines.push(u.line)) };
}

async function failure(run: () => Promise<unknown>): Promise<AppError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('build and start failures, in one line, with the real engine', () => {
  beforeAll(() => {
    requireEngineAndBaseImage();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-be-'));
  });
  afterAll(() => {
    for (const n of Object.values(names)) removeByLabel(n);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a lockfile pinning a version the mirror does not serve: the package, the repository and why, and the full log in .rdeploy/logs', async () => {
    // This machine's CRAN mirror serves current versions only (no src/contrib/Archive/).
    const dir = project('old-jsonlite', {
      'score.R': SCORE_R,
      'renv.lock': JSON.stringify({
        R: { Version: '4.2.2', Repositories: [{ Name: 'CRAN', URL: 'https://cloud.r-project.org' }] },
        Packages: { jsonlite: { Package: 'jsonlite', Version: '1.8.4', Source: 'Repository', Repository: 'CRAN', Hash: 'a4269a09a9b865579b2635c77e572374' } },
      }),
    });
    const ld = localDeployments();
    const plan = ld.plan(await loadProject(dir), { name: names.restore, baseImage: BASE_IMAGE });
    const progress = recorder();
    const e = await failure(() => ld.deploy(plan, { progress }));
    expect(e.code).toBe('build-failed');
    expect(e.message).not.toContain('\n');
    expect(e.message).not.toContain('\u001b');
    expect(e.message).not.toMatch(/stopf|Execution halted|Traceback/);
    const m = /^The image could not be built: jsonlite 1\.8\.4 could not be downloaded from https:\/\/cloud\.r-project\.org \(HTTP 404; this repository serves jsonlite \d[\d.-]* and no archived versions\)\. Full build log: (.+)$/.exec(e.message);
    expect(m, e.message).not.toBeNull();
    const log = m![1]!;
    expect(path.dirname(log)).toBe(path.join(dir, '.rdeploy', 'logs'));
    expect(path.basename(log)).toMatch(new RegExp(`^build-${names.restore}-\\d{8}T\\d{6}Z\\.log$`));
    const text = readFileSync(log, 'utf8');
    expect(text).toContain("failed to install 'jsonlite'");
    expect(text).not.toContain('\u001b');
    // Progress: human step names only; Docker's raw lines stay lines, without ANSI codes.
    expect(progress.messages.filter((x) => /--->|Running in|intermediate container|\(\d+\/\d+\): (copy|run|env|label|from|user|cmd)$/.test(x))).toEqual([]);
    expect(progress.messages.some((x) => /^Building image \(\d+\/\d+\): restoring your R packages$/.test(x))).toBe(true);
    expect(progress.lines.filter((l) => l.includes('\u001b'))).toEqual([]);
    expect(imagesOf(names.restore)).toEqual([]);
  });

  it('a handler file that does not exist fails at plan time, before any build', async () => {
    const dir = project('no-handler', { 'DESCRIPTION': 'Package: nohandler\nVersion: 0.1\nImports: stats\n', 'model.R': 'fit <- 1\n' });
    const loaded = await loadProject(dir);
    expect(loaded.warnings.some((w) => w.startsWith('The handler file score.R does not exist'))).toBe(true);
    const e = await failure(async () => localDeployments().plan(loaded, { name: names.nohandler, baseImage: BASE_IMAGE }));
    expect(e.code).toBe('config-invalid');
    expect(e.message).toBe(`score.R not found in ${dir}: create it with a function score(...), or set "handler" in rdeploy.json.`);
    // The CLI says it in one line and builds nothing.
    const cli = await rdeploy(['deploy', dir, '--name', names.nohandler, '--base-image', BASE_IMAGE]);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain(`score.R not found in ${dir}: create it with a function score(...), or set "handler" in rdeploy.json.`);
    expect(cli.stderr).not.toContain('Building image');
    expect(imagesOf(names.nohandler)).toEqual([]);
  });

  it('a top-level error in the handler file: one line with R\'s error, the container output in .rdeploy/logs', async () => {
    const dir = project('bad-load', { 'score.R': 'model <- readRDS("missing.rds")\nscore <- function(x) predict(model, x)\n' });
    const ld = localDeployments({ ready: { timeoutMs: 60_000 } });
    const plan = ld.plan(await loadProject(dir), { name: names.load, baseImage: BASE_IMAGE });
    const e = await failure(() => ld.deploy(plan));
    expect(e.code).toBe('deploy-failed');
    expect(e.message).not.toContain('\n');
    const m = new RegExp(`^The model "${names.load}" failed to load: (.+)\\. Container output: (.+)$`).exec(e.message);
    expect(m, e.message).not.toBeNull();
    expect(m![1]).toMatch(/missing\.rds/);
    const log = m![2]!;
    expect(path.dirname(log)).toBe(path.join(dir, '.rdeploy', 'logs'));
    expect(readFileSync(log, 'utf8')).toMatch(/missing\.rds/);
  });

  it('secret files at any depth stay out of the build context; a credential by content is named in a warning; exclude and "!" settle it', async () => {
    const key = JSON.stringify({ type: 'service_account', private_key_id: 'abc', private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n' });
    const files = {
      'score.R': SCORE_R,
      '.git-credentials': 'https://user:token@github.com\n',
      '.Renviron.site': 'API_KEY=secret\n',
      'sub/.aws/credentials': '[default]\naws_secret_access_key = x\n',
      'sub/.ssh/config': 'Host *\n',
      'kubeconfig': 'apiVersion: v1\n',
      'deep/er/.kube/config': 'apiVersion: v1\n',
      'gcp-key.json': key,
      'data/model.json': '{"coef": [1, 2]}',
    };
    const dir = project('secrets', files);
    const inContext = async (exclude?: string[]) => {
      const p = await loadProject(dir);
      const inputs = generatedBuildInputs(p, { baseImage: BASE_IMAGE, mode: 'http', ...(exclude ? { exclude } : {}) });
      return (await listBuildContext(dir, inputs)).entries.filter((x) => x.type === 'file').map((x) => x.name);
    };
    const names0 = await inContext();
    for (const secret of ['.git-credentials', '.Renviron.site', 'sub/.aws/credentials', 'sub/.ssh/config', 'kubeconfig', 'deep/er/.kube/config']) expect(names0).not.toContain(secret);
    expect(names0).toEqual(expect.arrayContaining(['score.R', 'data/model.json', 'gcp-key.json']));
    const warned = (await loadProject(dir)).warnings.filter((w) => w.includes('look like credentials'));
    expect(warned).toEqual([
      'These files look like credentials and would be copied into the image: gcp-key.json (a service-account key). Add them to "exclude" in rdeploy.json, or, if the model really needs one, keep it deliberately with "!<path>" there.',
    ]);
    // rdeploy.json "exclude" leaves it out; "!" keeps it on purpose: either way, no warning.
    writeFileSync(path.join(dir, 'rdeploy.json'), JSON.stringify({ exclude: ['gcp-key.json'] }));
    expect((await loadProject(dir)).warnings.filter((w) => w.includes('credentials'))).toEqual([]);
    expect(await inContext(['gcp-key.json'])).not.toContain('gcp-key.json');
    writeFileSync(path.join(dir, 'rdeploy.json'), JSON.stringify({ exclude: ['!gcp-key.json', '!sub/.ssh/config'] }));
    expect((await loadProject(dir)).warnings.filter((w) => w.includes('credentials'))).toEqual([]);
    const kept = await inContext(['!gcp-key.json', '!sub/.ssh/config']);
    expect(kept).toEqual(expect.arrayContaining(['gcp-key.json', 'sub/.ssh/config']));
    expect(kept).not.toContain('sub/.aws/credentials');
  });

  it('a project folder with a non-ASCII, quoted or $ name builds, and its labels hold the name as it is', async () => {
    const docker = await connectDocker();
    for (const folder of ['modèle-prix', `bob's "Müller Prognose" $HOME`]) {
      const dir = project(folder, { 'score.R': SCORE_R });
      const p = await loadProject(dir);
      const inputs = generatedBuildInputs(p, { baseImage: BASE_IMAGE, mode: 'http' });
      await ensureRuntimeImage(docker, inputs.runtime!, { logRoot: dir });
      const tag = `rdeploy/${names.label}:${folder === 'modèle-prix' ? 'a' : 'b'}`;
      const id = await buildImage(docker, { root: dir, inputs, tag, labels: ownerTags({ root: dir, name: names.label }) });
      const labels = JSON.parse(execFileSync('docker', ['image', 'inspect', '--format', '{{json .Config.Labels}}', id], { encoding: 'utf8' })) as Record<string, string>;
      expect(labels['org.opencontainers.image.title']).toBe(folder);
      expect(labels['rdeploy.project']).toBe(folder);
      expect(labels['rdeploy-project']).toBe(dir);
    }
    expect(existsSync(tmp)).toBe(true);
  });
});
