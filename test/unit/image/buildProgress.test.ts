import { describe, expect, it } from 'vitest';
import { renderDockerfile } from '../../../src/core/docker';
import { BuildActivity, describeStep, formatElapsed } from '../../../src/targets/image/buildProgress';
import { compiledProject, descriptionProject, renvProject, dockerfileOf } from '../docker/projects';

/** The instructions of a rendered Dockerfile as the classic builder prints them ("Step n/m : ..."). */
function steps(dockerfile: string): string[] {
  const instructions = dockerfile.replace(/\\\n\s*/g, '').split('\n').filter((l) => l && !l.startsWith('#'));
  return instructions.map((ins, i) => `Step ${i + 1}/${instructions.length} : ${ins}`);
}

describe('describeStep: a human name for every instruction the generator emits', () => {
  it('names each step of a real generated Dockerfile, never the raw instruction', () => {
    const spec = dockerfileOf(compiledProject(), { baseImage: 'rocker/r-ver:4.3.2' });
    const name = (text: string, what?: string) =>
      steps(text).map((s) => [s.replace(/^Step \d+\/\d+ : (\S+).*/, '$1'), describeStep(s, what)!.replace(/^[^(]+ \(\d+\/\d+\): /, '')]);
    // The shared runtime image, built first when missing, under its own name.
    expect(describeStep(steps(spec.runtime!.dockerfile)[0]!, 'Building the R Deploy runtime')).toBe('Building the R Deploy runtime (1/7): preparing the base image');
    expect(name(spec.runtime!.dockerfile, 'Building the R Deploy runtime')).toEqual([
      ['FROM', 'preparing the base image'],
      ['RUN', 'preparing the base image'],
      ['ENV', 'installing the R Deploy runtime'],
      ['COPY', 'installing the R Deploy runtime'],
      ['COPY', 'installing the R Deploy runtime'],
      ['RUN', 'installing the R Deploy runtime'],
      ['LABEL', 'finishing the R Deploy runtime'],
    ]);
    expect(name(renderDockerfile(spec))).toEqual([
      ['FROM', 'starting from the R Deploy runtime'],
      ['RUN', 'installing system libraries'],
      ['COPY', 'restoring your R packages'],
      ['RUN', 'restoring your R packages'],
      ['ENV', 'copying your code'],
      ['WORKDIR', 'copying your code'],
      ['COPY', 'copying your code'],
      ['COPY', 'copying your code'],
      ['USER', 'finishing the image'],
      ['ENV', 'finishing the image'],
      ['EXPOSE', 'finishing the image'],
      ['HEALTHCHECK', 'finishing the image'],
      ['LABEL', 'finishing the image'],
      ['CMD', 'finishing the image'],
    ]);
  });

  it('every generated project shape gets a known name (never the fallback)', () => {
    for (const project of [renvProject(), descriptionProject(), compiledProject()]) {
      for (const mode of ['http', 'job'] as const) {
        const spec = dockerfileOf(project, { baseImage: 'rocker/r-ver:4.3.2', mode });
        for (const s of [...steps(renderDockerfile(spec)), ...steps(spec.runtime!.dockerfile)]) {
          expect(describeStep(s), s).not.toMatch(/: building$/);
        }
      }
    }
  });

  it('keeps the step numbers and gives no message for output lines', () => {
    expect(describeStep('Step 8/20 : RUN Rscript /opt/rdeploy/restore.R')).toBe('Building image (8/20): restoring your R packages');
    expect(describeStep('Step 4/20 : COPY [".rdeploy-build/runtime/install.R", ".rdeploy-build/runtime/DEPENDENCIES", "/opt/rdeploy/runtime/"]')).toBe('Building image (4/20): installing the R Deploy runtime');
    expect(describeStep('Step 3/9 : RUN make')).toBe('Building image (3/9): building');
    for (const line of [' ---> Running in c12ec553179f', 'Removing intermediate container c12ec553179f', ' ---> Using cache', '* installing *source* package ‘httpuv’ ...']) {
      expect(describeStep(line)).toBeUndefined();
    }
  });
});

describe('BuildActivity: what a long step is working on', () => {
  it('follows R package installs and notices the compiler', () => {
    const a = new BuildActivity();
    expect(a.describe()).toBeUndefined();
    a.see("* installing *source* package 'later' ...");
    expect(a.describe()).toBe('installing later');
    a.see('* installing *source* package ‘httpuv’ ...');
    a.see('** libs');
    expect(a.describe()).toBe('installing httpuv');
    a.see('g++ -std=gnu++17 -I"/usr/share/R/include" -DNDEBUG -Ilibuv/include -c http.cpp -o http.o');
    expect(a.describe()).toBe('compiling httpuv');
    a.see('gcc -I"/usr/share/R/include" -DNDEBUG -c uv.c -o uv.o');
    expect(a.describe()).toBe('compiling httpuv');
    a.see('- Installing jsonlite ...                      OK [built from source in 3.1s]');
    expect(a.describe()).toBe('installing jsonlite');
    a.reset();
    expect(a.describe()).toBeUndefined();
  });

  it('says what renv downloads and what apt sets up', () => {
    const a = new BuildActivity();
    a.see('(0/1) Downloading: jsonlite');
    expect(a.describe()).toBe('downloading jsonlite');
    a.reset();
    a.see('Setting up libxml2-dev:amd64 (2.9.14+dfsg-1.3~deb12u1) ...');
    expect(a.describe()).toBe('setting up libxml2-dev');
  });
});

describe('formatElapsed', () => {
  it('reads like a person would say it', () => {
    expect(formatElapsed(0)).toBe('0s');
    expect(formatElapsed(42_900)).toBe('42s');
    expect(formatElapsed(150_000)).toBe('2m30s');
    expect(formatElapsed(605_000)).toBe('10m05s');
  });
});
