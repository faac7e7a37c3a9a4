import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, rdeploy } from '../../support/cli';

/** The CLI contract that needs no Docker engine: output shapes, exit codes, messages. */
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function projectWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmp, 'p-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function projectFromFixture(fixture: string, as: string): string {
  const dir = mkdtempSync(path.join(tmp, 'f-'));
  mkdirSync(path.dirname(path.join(dir, as)), { recursive: true });
  copyFileSync(path.join(REPO, 'test/fixtures/lockfiles', fixture), path.join(dir, as));
  return dir;
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

describe('rdeploy inspect --json', () => {
  it('has the contract fields for the example', async () => {
    const res = await rdeploy(['inspect', 'examples/mtcars-glm', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({
      root: path.join(REPO, 'examples/mtcars-glm'),
      lockfile: { kind: 'renv', path: path.join(REPO, 'examples/mtcars-glm/renv.lock') },
      rVersion: '4.2.2',
      repositories: [{ name: 'CRAN', url: 'https://cloud.r-project.org' }],
      packages: [{ name: 'renv', version: '1.2.0', source: 'repository' }],
      handler: 'score.score',
      warnings: [],
    });
  });

  it.each([
    ['renv-hash/renv-0.14-bioconductor.lock', 'renv.lock', 'renv', 'bioconductor'],
    ['renv-requirements/renv-1.0-bioc-github.lock', 'renv.lock', 'renv', 'github'],
    ['renv-description/renv-1.1.lock', 'renv.lock', 'renv', 'repository'],
    ['packrat/packrat-1.4-rsconnect.lock', 'packrat/packrat.lock', 'packrat', 'github'],
    ['description/rsconnect.DESCRIPTION', 'DESCRIPTION', 'description', 'repository'],
  ])('reads the real lockfile %s', async (fixture, as, kind, someSource) => {
    const dir = projectFromFixture(fixture, as);
    const res = await rdeploy(['inspect', dir, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.lockfile).toEqual({ kind, path: path.join(dir, as) });
    expect(out.packages.length).toBeGreaterThan(0);
    expect(out.packages.map((p: { source: string }) => p.source)).toContain(someSource);
    for (const p of out.packages) expect(Object.keys(p)).toEqual(expect.arrayContaining(['name', 'version', 'source']));
    if (kind === 'description') expect(out.warnings.join(' ')).toMatch(/renv::snapshot\(\)/);
  });

  it('names the file and place of a malformed lockfile in one line, exit 1', async () => {
    const dir = projectWith({ 'renv.lock': '{"R": {"Version": "4.3; rm -rf /"}, "Packages": {}}' });
    const res = await rdeploy(['inspect', dir]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(path.join(dir, 'renv.lock'));
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    noStack(res.stderr);
  });

  it('explains a folder that is not an R project', async () => {
    const res = await rdeploy(['inspect', projectWith({ 'notes.txt': 'hi' })]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/is not an R project/);
  });
});

describe('rdeploy dockerfile and plan', () => {
  it('prints a Dockerfile FROM the runtime image on rocker/r-ver at the project R version, overridable; --runtime prints that one', async () => {
    const res = await rdeploy(['dockerfile', 'examples/mtcars-glm']);
    expect(res.code, res.stderr).toBe(0);
    const from = /^FROM (rdeploy-runtime:[0-9a-f]{16})$/m.exec(res.stdout)?.[1];
    expect(from).toBeDefined();
    expect(res.stdout).toContain('org.opencontainers.image.base.name="rocker/r-ver:4.2.2"');
    const runtime = await rdeploy(['dockerfile', 'examples/mtcars-glm', '--runtime']);
    expect(runtime.code, runtime.stderr).toBe(0);
    expect(runtime.stdout).toMatch(/^FROM rocker\/r-ver:4\.2\.2$/m);
    expect(runtime.stdout).toContain('RUN Rscript /opt/rdeploy/runtime/install.R');
    expect(runtime.stdout).toContain(`rdeploy-runtime="${from!.slice('rdeploy-runtime:'.length)}"`);
    const custom = await rdeploy(['dockerfile', 'examples/mtcars-glm', '--base-image', 'my/r:1']);
    expect((await rdeploy(['dockerfile', 'examples/mtcars-glm', '--base-image', 'my/r:1', '--runtime'])).stdout).toMatch(/^FROM my\/r:1$/m);
    const customFrom = /^FROM (rdeploy-runtime:[0-9a-f]{16})$/m.exec(custom.stdout)?.[1];
    expect(customFrom).not.toBe(from);
    // Everything else is the same, but for the lines that name the base and runtime images.
    const rest = (text: string) => text.split('\n').filter((l) => !/^FROM |image\.base\.name|rdeploy\.runtime=|The R Deploy runtime on /.test(l));
    expect(rest(custom.stdout)).toEqual(rest(res.stdout));
  });

  it('refuses a hostile base image', async () => {
    const res = await rdeploy(['dockerfile', 'examples/mtcars-glm', '--base-image', 'r:1\nRUN curl evil']);
    expect(res.code).toBe(1);
    noStack(res.stderr);
  });

  it('plans a local deployment as data', async () => {
    const res = await rdeploy(['plan', 'examples/iris-rpart', '--target', 'local', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const plan = JSON.parse(res.stdout);
    expect(plan).toMatchObject({ target: 'local', name: 'iris-species', handler: 'predict.classify' });
    expect(plan.resources.map((r: { kind: string }) => r.kind)).toEqual(expect.arrayContaining(['image', 'container']));
  });
});

describe('usage and bad input', () => {
  it('exits 2 on usage mistakes', async () => {
    expect((await rdeploy(['no-such-command'])).code).toBe(2);
    expect((await rdeploy(['invoke', 'x', '--payload', 'a.json', '--data', '{}'])).code).toBe(2);
    expect((await rdeploy(['invoke', 'x'])).code).toBe(2);
    expect((await rdeploy(['plan', 'examples/mtcars-glm', '--target', 'mars'])).code).toBe(2);
    expect((await rdeploy(['deploy', 'examples/mtcars-glm', '--name', 'Bad_Name'])).code).toBe(2);
  });

  it('plans Azure Batch without credentials: the pool, the job schedule, the task template and the cost (plan --json keys)', async () => {
    const res = await rdeploy(['plan', 'examples/mtcars-glm', '--target', 'batch', '--set', 'schedule=every 1 day at 02:00', '--set', 'spot=true', '--set', 'minNodes=1', '--json'], { env: { AZURE_CLIENT_ID: '', AZURE_TENANT_ID: '', AZURE_CLIENT_SECRET: '' } });
    expect(res.code, res.stderr).toBe(0);
    const plan = JSON.parse(res.stdout) as {
      details: {
        pool: { deploymentConfiguration: { virtualMachineConfiguration: { containerConfiguration: { type: string } } }; scaleSettings: { autoScale: { formula: string } } };
        jobSchedule: { schedule: { recurrenceInterval: string } };
        task: { commandLine: string };
      };
      cost: { lines: Array<{ description: string; unitUsd: number; asOf: string }> };
    };
    expect(plan.details.pool.deploymentConfiguration.virtualMachineConfiguration.containerConfiguration.type).toBe('DockerCompatible');
    expect(plan.details.pool.scaleSettings.autoScale.formula).toContain('$TargetLowPriorityNodes = max(0, $nodes - 1);');
    expect(plan.details.jobSchedule.schedule.recurrenceInterval).toBe('P1D');
    expect(plan.details.task.commandLine).toMatch(/main\.R job$/);
    const described = plan.cost.lines.map((l) => l.description);
    expect(described).toEqual(expect.arrayContaining(['Standard_D2s_v3 dedicated node, Linux, pay-as-you-go', 'Standard_D2s_v3 Spot node, Linux']));
    expect(plan.cost.lines.every((l) => /^\d{4}-\d{2}-\d{2}$/.test(l.asOf))).toBe(true);
  });

  it('reports a bad rdeploy.json by file and field', async () => {
    const dir = projectWith({ 'score.R': 'score <- function(x) x\n', 'rdeploy.json': '{"handler": "score; rm -rf /"}' });
    const res = await rdeploy(['plan', dir, '--json']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(path.join(dir, 'rdeploy.json'));
    expect(res.stderr).toMatch(/"handler"/);
    noStack(res.stderr);
  });

  it('reports an unknown deployment with what to do', async () => {
    const res = await rdeploy(['invoke', 'nothing-here', '--data', '{}', '--project', 'examples/mtcars-glm']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/No deployment named "nothing-here".*rdeploy ls/);
  });
});
