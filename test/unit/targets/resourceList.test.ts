import { describe, expect, it } from 'vitest';
import type { DeploymentRecord } from '../../../src/core/records/record';
import { resourcesToDelete } from '../../../src/targets/catalogue';

const base: DeploymentRecord = {
  version: 1,
  name: 'mtcars-glm',
  target: 'local',
  status: 'running',
  projectRoot: '/p',
  handler: 'score.score',
  createdAt: '',
  updatedAt: '',
  resources: [],
  details: {},
};

describe('resourcesToDelete', () => {
  it('names each resource as docker shows it, with the short id, in the order destroy removes them', () => {
    const record: DeploymentRecord = {
      ...base,
      resources: [
        { kind: 'image', id: 'sha256:70ed1bde59cba5daae2294e4a532f9d86feef458edf592d71e7301e07b201ba2', state: 'created' },
        { kind: 'container', id: 'bad476ecfbb99173cc05a587548a675bae5f6a00fd88c85c55eea742cdf565c6', state: 'created' },
        { kind: 'image', id: 'sha256:1111111111111111111111111111111111111111111111111111111111111111', state: 'deleted' },
      ],
      details: { image: 'rdeploy/mtcars-glm:d8c97b5b5', container: 'rdeploy-mtcars-glm' },
    };
    expect(resourcesToDelete(record)).toEqual(['container rdeploy-mtcars-glm (bad476ecfbb9)', 'image rdeploy/mtcars-glm:d8c97b5b5 (70ed1bde59cb)']);
  });

  it('falls back to the id when no name is known, and is empty when all is gone', () => {
    expect(resourcesToDelete({ ...base, resources: [{ kind: 'container', id: 'rdeploy-x', state: 'planned' }] })).toEqual(['container rdeploy-x']);
    expect(resourcesToDelete({ ...base, resources: [{ kind: 'container', id: 'rdeploy-x', state: 'planned' }], details: { container: 'rdeploy-x' } })).toEqual(['container rdeploy-x']);
    expect(resourcesToDelete(base)).toEqual([]);
  });
});
