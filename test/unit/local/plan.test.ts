import { describe, expect, it } from 'vitest';
import type { RProject } from '../../../src/core/project/model';
import type { BuildInputs, BuildInputsFactory } from '../../../src/targets/image/buildInputs';
import { createLocalTarget } from '../../../src/targets/local';
import { planLocal } from '../../../src/targets/local/plan';
import type { LocalPlanDetails } from '../../../src/targets/local/details';
import type { Plan, PlanOptions } from '../../../src/targets/Target';

const localDetails = (plan: Plan<LocalPlanDetails>): LocalPlanDetails => plan.details;
const opts = (o: Partial<PlanOptions> & { name: string }): PlanOptions => ({ settings: {}, ...o });

const project: RProject = {
  kind: 'renv',
  path: '/proj/renv.lock',
  root: '/proj',
  handler: 'score.score',
  rVersion: '4.3.1',
  repositories: [],
  packages: [],
  warnings: [],
};

const inputs = (dockerfile: string): BuildInputsFactory => (_p, o) => ({
  dockerfile: `FROM ${o.baseImage}\n${dockerfile}`,
  dockerignore: '.git\n',
  files: [{ path: '.rdeploy-build/runtime/handler.R', source: '/ext/runtime/handler.R' }],
});

describe('local plan', () => {
  it('names the image, container and port, as data', () => {
    const plan = planLocal(project, opts({ name: 'mtcars' }), inputs('CMD ["R"]'));
    const d = localDetails(plan);
    expect(plan.target).toBe('local');
    expect(plan.name).toBe('mtcars');
    expect(d.imageTag).toMatch(/^rdeploy\/mtcars:[0-9a-f]{12}$/);
    expect(d.container).toBe('rdeploy-mtcars');
    expect(d.port).toBe(0);
    expect(plan.runtimeMode).toBe('http');
    expect(d.baseImage).toBe('rocker/r-ver:4.3.1');
    expect(d.build.dockerfile.startsWith('FROM rocker/r-ver:4.3.1\n')).toBe(true);
    expect(plan.resources.map((r) => [r.kind, r.id])).toEqual([
      ['image', d.imageTag],
      ['container', 'rdeploy-mtcars'],
    ]);
    // The requests the deploy sends, as data: the container's create body names the image and the owner labels.
    expect(plan.requests.map((r) => [r.service, r.operation, r.target])).toEqual([
      ['docker', 'ImageBuild', d.imageTag],
      ['docker', 'ContainerCreate', 'rdeploy-mtcars'],
    ]);
    expect(plan.requests[1]!.body).toMatchObject({ Image: d.imageTag, Labels: { 'rdeploy-project': '/proj', 'rdeploy-deployment': 'mtcars' }, HostConfig: { NetworkMode: 'host' } });
  });

  it('takes the base image and port from the options', () => {
    const d = localDetails(planLocal(project, opts({ name: 'm', baseImage: 'rdeploy-test/r-base:bookworm', settings: { port: 8123 } }), inputs('')));
    expect(d.baseImage).toBe('rdeploy-test/r-base:bookworm');
    expect(d.port).toBe(8123);
    expect(d.build.dockerfile).toContain('FROM rdeploy-test/r-base:bookworm');
  });

  it('falls back to rocker/r-ver:latest when the project pins no R version', () => {
    const { rVersion: _drop, ...noVersion } = project;
    expect(localDetails(planLocal(noVersion, opts({ name: 'm' }), inputs(''))).baseImage).toBe('rocker/r-ver:latest');
  });

  it('gives the same tag for the same inputs and a new tag when they change', () => {
    const tag = (p: BuildInputsFactory, base?: string) => localDetails(planLocal(project, opts({ name: 'm', ...(base ? { baseImage: base } : {}) }), p)).imageTag;
    expect(tag(inputs('A'))).toBe(tag(inputs('A')));
    expect(tag(inputs('A'))).not.toBe(tag(inputs('B')));
    expect(tag(inputs('A'))).not.toBe(tag(inputs('A'), 'other/base:1'));
  });

  it('is what the local target plans, with the injected build inputs', () => {
    const seen: { baseImage: string; mode: string }[] = [];
    const factory: BuildInputsFactory = (_p, o): BuildInputs => {
      seen.push(o);
      return { dockerfile: 'FROM x', dockerignore: '', files: [] };
    };
    const plan = createLocalTarget({ buildInputs: factory }).plan(project, opts({ name: 'abc', settings: { port: 9000 } }));
    expect(seen).toEqual([{ baseImage: 'rocker/r-ver:4.3.1', mode: 'http' }]);
    expect(plan.details).toMatchObject({ container: 'rdeploy-abc', port: 9000 });
  });

});

describe('local container bounds', () => {
  it('are in the create request: init, restart on failure, memory, CPUs, log rotation, workers and payload limit', () => {
    const plan = planLocal(project, opts({ name: 'm', settings: { memoryMb: 512, cpus: 1.5, workers: 3, maxPayloadMb: 2 } }), inputs(''));
    expect(plan.requests[1]!.body).toMatchObject({
      Env: expect.arrayContaining(['RDEPLOY_WORKERS=3', `RDEPLOY_MAX_PAYLOAD_BYTES=${2 * 1024 * 1024}`]),
      HostConfig: {
        Init: true,
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
        Memory: 512 * 1024 * 1024,
        NanoCpus: 1.5e9,
        LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      },
    });
    expect(plan.settings).toMatchObject({ memoryMb: 512, cpus: 1.5, workers: 3, maxPayloadMb: 2, logMaxSizeMb: 10, invokeTimeoutSeconds: 120 });
  });
});

describe('production build inputs', () => {
  it('come from the Dockerfile generator with the shipped runtime', () => {
    const plan = createLocalTarget().plan({ ...project, kind: 'scripts', path: '/proj', packages: [] }, opts({ name: 'm', baseImage: 'rdeploy-test/r-base:bookworm' }));
    const d = localDetails(plan as Plan<LocalPlanDetails>);
    // The project's image starts FROM the shared runtime image, which starts FROM the base image.
    expect(d.build.runtime!.dockerfile).toMatch(/^FROM rdeploy-test\/r-base:bookworm$/m);
    expect(d.build.dockerfile).toMatch(new RegExp(`^FROM ${d.build.runtime!.tag}$`, 'm'));
    expect(d.runtime).toEqual({ image: d.build.runtime!.tag, baseImage: 'rdeploy-test/r-base:bookworm', shared: true, builtWhenMissing: true });
    // Built first, only when missing, and shared: a request of the plan, not a resource of the deployment.
    expect(plan.requests.map((r) => [r.operation, r.target, r.shared])).toEqual([
      ['ImageBuild', d.build.runtime!.tag, { onlyWhenMissing: true }],
      ['ImageBuild', d.imageTag, undefined],
      ['ContainerCreate', 'rdeploy-m', undefined],
    ]);
    expect(plan.resources.map((r) => r.id)).not.toContain(d.build.runtime!.tag);
    expect(d.build.runtime!.files.map((f) => f.path).sort()).toEqual([
      '.rdeploy-build/runtime/DEPENDENCIES', '.rdeploy-build/runtime/install.R', '.rdeploy-build/runtime/native/build.R', '.rdeploy-build/runtime/native/rdeploy_nodelay.c',
    ]);
    expect(d.build.dockerfile).toContain('.rdeploy-build/runtime/');
    expect(d.build.dockerignore).toMatch(/^\.rdeploy$/m);
    const runtimeFiles = d.build.files.filter((f) => f.path.startsWith('.rdeploy-build/runtime/'));
    expect(runtimeFiles.map((f) => f.path)).toContain('.rdeploy-build/runtime/main.R');
    expect(runtimeFiles.every((f) => f.source && f.source.endsWith(f.path.slice('.rdeploy-build/runtime/'.length)))).toBe(true);
  });
});
