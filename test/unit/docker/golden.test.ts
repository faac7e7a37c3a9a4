import { describe, expect, it } from 'vitest';
import {
  buildContextFiles, generateDockerignore, renderDockerfile, type ContextFile, type DockerfileOptions,
} from '../../../src/core/docker';
import type { RProject } from '../../../src/core/project/model';
import { expectGolden } from './golden';
import { compiledProject, descriptionProject, packratProject, renvProject, RUNTIME, dockerfileOf, INSTALL } from './projects';

/** Context files as reviewable JSON: generated content is shown by its golden file, not inline. */
function contextListing(files: ContextFile[]): string {
  const rows = files.map((f) => (f.source !== undefined ? { path: f.path, source: f.source } : { path: f.path, generated: true }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

function golden(name: string, project: RProject, options: Omit<DockerfileOptions, 'runtime'> = {}): string {
  const spec = dockerfileOf(project, options);
  const dockerfile = renderDockerfile(spec);
  expectGolden(`${name}/Dockerfile`, dockerfile);
  // The shared runtime image this one starts FROM: its Dockerfile and its whole context.
  expectGolden(`${name}/runtime.Dockerfile`, spec.runtime!.dockerfile);
  expect(dockerfile).toContain(`\nFROM ${spec.runtime!.tag}\n`);
  expect(spec.runtime!.files.map((f) => f.path)).toEqual(Object.keys(INSTALL).sort().map((p) => `.rdeploy-build/runtime/${p}`));
  const files = buildContextFiles(project, spec, RUNTIME);
  expectGolden(`${name}/context.json`, contextListing(files));
  for (const f of files.filter((x) => x.content !== undefined)) expectGolden(`${name}/${f.path.replace('.rdeploy-build/', '')}`, f.content!);
  return dockerfile;
}

describe('generated Dockerfiles match the golden files', () => {
  it('renv project: the user renv.lock goes into the context byte for byte (by source path)', () => {
    golden('renv', renvProject());
    const files = buildContextFiles(renvProject(), dockerfileOf(renvProject()), RUNTIME);
    expect(files.find((f) => f.path === '.rdeploy-build/renv.lock')).toEqual({ path: '.rdeploy-build/renv.lock', source: '/work/projects/mtcars-glm/renv.lock' });
  });

  it('packrat project: packrat.lock is converted to renv.lock (golden renv.lock too)', () => {
    golden('packrat', packratProject());
    const lock = buildContextFiles(packratProject(), dockerfileOf(packratProject()), RUNTIME).find((f) => f.path === '.rdeploy-build/renv.lock');
    expect(JSON.parse(lock!.content!)).toMatchObject({ R: { Version: '4.2.2' }, Packages: { rpart: { Package: 'rpart', Version: '4.1.19' } } });
  });

  it('DESCRIPTION-only project: latest named packages, base packages left out, rocker latest with a warning', () => {
    const dockerfile = golden('description', descriptionProject());
    expect(dockerfileOf(descriptionProject()).runtime!.dockerfile).toContain('FROM rocker/r-ver:latest\n');
    expect(dockerfile).toContain('org.opencontainers.image.base.name="rocker/r-ver:latest"');
    const spec = dockerfileOf(descriptionProject());
    expect(spec.restore).toEqual({ kind: 'packages', packages: ['jsonlite', 'ranger'], repositories: [] });
    expect(spec.warnings.join(' ')).toMatch(/records no R version.*rocker\/r-ver:latest/);
    expect(dockerfile).not.toContain('renv.lock');
  });

  it('project with compiled packages: one sorted apt layer from SystemRequirements and the name table', () => {
    const dockerfile = golden('compiled', compiledProject());
    expect(dockerfileOf(compiledProject()).systemPackages).toEqual([
      'gdal-bin', 'libcurl4-openssl-dev', 'libgdal-dev', 'libgeos-dev', 'libicu-dev', 'libpq-dev', 'libproj-dev',
      'libsqlite3-dev', 'libssl-dev', 'libxml2-dev', 'zlib1g-dev',
    ]);
    expect(dockerfile.match(/apt-get install/g)).toHaveLength(1);
  });

  it('custom base image: only the runtime image (FROM) and the base image labels differ', () => {
    const custom = golden('custom-base-image', renvProject(), { baseImage: 'rdeploy-test/r-base:bookworm' });
    const standard = renderDockerfile(dockerfileOf(renvProject()));
    const afterFrom = (s: string) => s.split('\n').filter((l) => !/^FROM |image\.base\.name|rdeploy\.runtime=|The R Deploy runtime on /.test(l));
    expect(afterFrom(custom)).toEqual(afterFrom(standard));
    expect(custom).toMatch(/^FROM rdeploy-runtime:[0-9a-f]{16}$/m);
    expect(dockerfileOf(renvProject(), { baseImage: 'rdeploy-test/r-base:bookworm' }).runtime!.dockerfile).toContain('FROM rdeploy-test/r-base:bookworm\n');
  });

  it('job mode: no port, no healthcheck, runtime started in job mode', () => {
    const dockerfile = golden('job', renvProject(), { mode: 'job' });
    expect(dockerfile).not.toMatch(/EXPOSE|HEALTHCHECK|PORT=/);
    expect(dockerfile).toContain('CMD ["Rscript", "/opt/rdeploy/runtime/main.R", "job"]');
  });

  it('.dockerignore: defaults plus the user excludes', () => {
    expectGolden('dockerignore', generateDockerignore(renvProject(), ['data/raw', '*.csv']));
  });
});
