import { describe, expect, it } from 'vitest';
import { layerDescription, layerOwnedBy, layerSha, roleName } from '../../../src/targets/lambda/names';

const owner = { root: '/home/ana/models/churn', name: 'churn' };
const sha = 'a'.repeat(64);

describe('Lambda names', () => {
  it('a layer description names its owner and its zip, within Lambda\'s 256 characters', () => {
    const d = layerDescription(owner, sha);
    expect(d.length).toBeLessThanOrEqual(256);
    expect(layerOwnedBy(d, owner)).toBe(true);
    expect(layerOwnedBy(d, { ...owner, root: '/home/bo/churn' })).toBe(false);
    expect(layerOwnedBy(d, { ...owner, name: 'chur' })).toBe(false);
    expect(layerOwnedBy(undefined, owner)).toBe(false);
    expect(layerSha(d)).toBe(sha);
  });

  it('role names fit IAM\'s 64 characters and tell two projects with the same deployment name apart', () => {
    const long = { root: '/x', name: 'a'.repeat(63) };
    expect(roleName(long).length).toBeLessThanOrEqual(64);
    expect(roleName(owner)).not.toBe(roleName({ ...owner, root: '/elsewhere/churn' }));
    expect(roleName(owner)).toMatch(/^[\w+=,.@-]+$/);
  });
});
