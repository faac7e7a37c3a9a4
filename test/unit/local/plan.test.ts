import { describe, expect, it } from 'vitest';
import type { RProject } from '../../../src/core/project/model';
import type { BuildInputs, BuildInputsFactory } from '../../../src/targets/local/buildInputs';
import { LocalTarget } from '../../../src/targets/local/LocalTarget';
import { localDetails, planLocal } from '../../../src/targets/local/plan';

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
    const plan = planLocal(project, { name: 'mtcars' }, inputs('CMD ["R"]'));
    const d = localDetails(plan);
    expect(plan.target).toBe('local');
    expect(plan.name).toBe('mtcars');
    expect(d.imageTag).toMatch(/^rdeploy\/mtcars:[0-9a-f]{12}$/);
    expect(d.container).toBe('rdeploy-mtcars');
    expect(d.port).toBe(0);
    expect(d.mode).toBe('http');
    expect(d.baseImage).toBe('rocker/r-ver:4.3.1');
    expect(d.build.dockerfile.startsWith('FROM rocker/r-ver:4.3.1\n')).toBe(true);
    expect(plan.resources.map((r) => [r.kind, r.id])).toEqual([
      ['image', d.imageTag],
      ['container', 'rdeploy-mtcars'],
    ]);
    expect(plan.estimatedMonthlyCostUsd).toBe(0);
  });

  it('takes the base image and port from the options', () => {
    const d = localDetails(planLocal(project, { name: 'm', baseImage: 'rdeploy-test/r-base:bookworm', port: 8123 }, inputs('')));
    expect(d.baseImage).toBe('rdeploy-test/r-base:bookworm');
    expect(d.port).toBe(8123);
    expect(d.build.dockerfile).toContain('FROM rdeploy-test/r-base:bookworm');
  });

  it('falls back to rocker/r-ver:latest when the project pins no R version', () => {
    const { rVersion: _drop, ...noVersion } = project;
    expect(localDetails(planLocal(noVersion, { name: 'm' }, inputs(''))).baseImage).toBe('rocker/r-ver:latest');
  });

  it('gives the same tag for the same inputs and a new tag when they change', () => {
    const tag = (p: BuildInputsFactory, base?: string) => localDetails(planLocal(project, { name: 'm', ...(base ? { baseImage: base } : {}) }, p)).imageTag;
    expect(tag(inputs('A'))).toBe(tag(inputs('A')));
    expect(tag(inputs('A'))).not.toBe(tag(inputs('B')));
    expect(tag(inputs('A'))).not.toBe(tag(inputs('A'), 'other/base:1'));
  });

  it('is what LocalTarget.plan returns, with the injected build inputs', () => {
    const seen: { baseImage: string; mode: string }[] = [];
    const factory: BuildInputsFactory = (_p, o): BuildInputs => {
      seen.push(o);
      return { dockerfile: 'FROM x', dockerignore: '', files: [] };
    };
    const plan = new LocalTarget({ buildInputs: factory }).plan(project, { name: 'abc', port: 9000 });
    expect(seen).toEqual([{ baseImage: 'rocker/r-ver:4.3.1', mode: 'http' }]);
    expect(plan.details).toMatchObject({ container: 'rdeploy-abc', port: 9000 });
  });

  it('refuses a plan that is not a local one', () => {
    const plan = planLocal(project, { name: 'm' }, inputs(''));
    expect(() => localDetails({ ...plan, target: 'lambda' })).toThrow(/not a local Docker plan/);
  });
});

describe('production build inputs', () => {
  it('come from the Dockerfile generator with the shipped runtime', () => {
    const plan = new LocalTarget().plan({ ...project, kind: 'scripts', path: '/proj', packages: [] }, { name: 'm', baseImage: 'rdeploy-test/r-base:bookworm' });
    const d = localDetails(plan);
    expect(d.build.dockerfile).toMatch(/^FROM rdeploy-test\/r-base:bookworm$/m);
    expect(d.build.dockerfile).toContain('.rdeploy-build/runtime/');
    expect(d.build.dockerignore).toMatch(/^\.rdeploy$/m);
    const runtimeFiles = d.build.files.filter((f) => f.path.startsWith('.rdeploy-build/runtime/'));
    expect(runtimeFiles.map((f) => f.path)).toContain('.rdeploy-build/runtime/main.R');
    expect(runtimeFiles.every((f) => f.source && f.source.endsWith(f.path.slice('.rdeploy-build/runtime/'.length)))).toBe(true);
  });
});
