import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { renderDockerfile, runtimeImage, RUNTIME_LABEL } from '../../../src/core/docker';
import { compiledProject, descriptionProject, dockerfileOf, INSTALL, renvProject } from './projects';

const BASE = 'rocker/r-ver:4.2.2';

describe('the runtime image tag', () => {
  it('is rdeploy-runtime:<16 hex> and the same for the same base image and runtime files', () => {
    const a = runtimeImage(BASE, INSTALL);
    expect(a.tag).toMatch(/^rdeploy-runtime:[0-9a-f]{16}$/);
    expect(a.tag).toBe(`rdeploy-runtime:${a.hash}`);
    expect(runtimeImage(BASE, { ...INSTALL }).tag).toBe(a.tag);
    // Key order is not content.
    const reversed = Object.fromEntries(Object.entries(INSTALL).reverse());
    expect(runtimeImage(BASE, reversed).tag).toBe(a.tag);
  });

  it('changes with the base image reference', () => {
    const tags = new Set(['rocker/r-ver:4.2.2', 'rocker/r-ver:4.3.2', 'rdeploy-test/r-base:bookworm', 'rdeploy-test/r-base:shared-1'].map((b) => runtimeImage(b, INSTALL).tag));
    expect(tags.size).toBe(4);
  });

  it('changes with any runtime install file (content, a new file), never with anything else', () => {
    const a = runtimeImage(BASE, INSTALL).tag;
    expect(runtimeImage(BASE, { ...INSTALL, DEPENDENCIES: 'jsonlite 2.0.1\nhttpuv 1.6.16\n' }).tag).not.toBe(a);
    expect(runtimeImage(BASE, { ...INSTALL, 'install.R': `${INSTALL['install.R']}# edited\n` }).tag).not.toBe(a);
    expect(runtimeImage(BASE, { ...INSTALL, 'native/rdeploy_nodelay.c': '/* v2 */\n' }).tag).not.toBe(a);
    expect(runtimeImage(BASE, { ...INSTALL, 'native/extra.h': '\n' }).tag).not.toBe(a);
  });

  it('is shared by every project on the base image: projects, modes and names do not change it', () => {
    const tags = new Set([
      dockerfileOf(renvProject()).runtime!.tag,
      dockerfileOf(renvProject(), { mode: 'job', name: 'other' }).runtime!.tag,
      dockerfileOf(compiledProject(), { baseImage: BASE }).runtime!.tag,
      dockerfileOf(descriptionProject(), { baseImage: BASE }).runtime!.tag,
    ]);
    expect([...tags]).toEqual([runtimeImage(BASE, INSTALL).tag]);
  });

  it('labels the image with its hash and nothing of a project or a deployment', () => {
    const r = runtimeImage(BASE, INSTALL);
    expect(r.dockerfile).toContain(`${RUNTIME_LABEL}="${r.hash}"`);
    expect(r.dockerfile).not.toMatch(/rdeploy-project|rdeploy-deployment|rdeploy\.project|USER /);
    expect(r.dockerfile.split('\n')[1]).toBe(`FROM ${BASE}`);
  });

  it('the project image starts FROM it and no longer installs the runtime library itself', () => {
    const spec = dockerfileOf(renvProject());
    const text = renderDockerfile(spec);
    expect(text.match(/^FROM .*$/gm)).toEqual([`FROM ${spec.runtime!.tag}`]);
    expect(text).not.toMatch(/install\.R|groupadd/);
    expect(text).toMatch(/^USER rdeploy$/m);
  });

  it('refuses an unsafe base image and a file that is not an install input', () => {
    expect(() => runtimeImage('rocker/r-ver:4.3\nRUN id', INSTALL)).toThrow(AppError);
    expect(() => runtimeImage(BASE, { ...INSTALL, 'main.R': 'x' })).toThrow(/not one of the runtime's install files/);
    const { DEPENDENCIES: _d, ...noDeps } = INSTALL;
    expect(() => runtimeImage(BASE, noDeps)).toThrow(/has no DEPENDENCIES/);
  });
});
