import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { registryOf, validateImage, validateRepository, validateTag } from '../../../src/targets/image/registryReference';

function code(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
}

describe('registryOf', () => {
  it.each([
    ['127.0.0.1:5000/rdeploy/mtcars', '127.0.0.1:5000'],
    ['localhost/mtcars', 'localhost'],
    ['localhost:5000/a/b/c', 'localhost:5000'],
    ['myregistry.azurecr.io/models/mtcars', 'myregistry.azurecr.io'],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/mtcars', '123456789012.dkr.ecr.eu-west-1.amazonaws.com'],
    ['[::1]:5000/mtcars', '[::1]:5000'],
    ['Registry/mtcars', 'Registry'],
    ['rdeploy/mtcars', 'docker.io'],
    ['mtcars', 'docker.io'],
    ['index.docker.io/rdeploy/mtcars', 'docker.io'],
  ])('%s is pushed to %s', (repository, registry) => {
    expect(registryOf(repository)).toBe(registry);
  });
});

describe('reference validation', () => {
  it.each(['127.0.0.1:5000/rdeploy/mtcars', 'rdeploy/mtcars', 'a', 'reg.example.com/team/my_model.v2', 'reg.example.com/a__b/c-d--e', '[::1]:5000/x'])('accepts the repository %s', (r) => {
    expect(code(() => validateRepository(r))).toBeUndefined();
  });

  it.each([
    '',
    '127.0.0.1:5000/RDeploy/mtcars',
    'rdeploy/mtcars:1.0',
    'rdeploy/mtcars@sha256:' + 'a'.repeat(64),
    'rdeploy//mtcars',
    '/rdeploy',
    'rdeploy/',
    'rdeploy/-x',
    'rdeploy/x?tag=1',
    'rdeploy/x#frag',
    'rdeploy/../x',
    'rdeploy/x y',
    'rdeploy/x\nmalicious',
    'reg.example.com:port/x',
    `reg.example.com/${'a'.repeat(260)}`,
  ])('refuses the repository %j', (r) => {
    expect(code(() => validateRepository(r))).toBe('unsafe-value');
  });

  it.each(['1', 'latest', 'v1.2.3', '1.0.0_rc-1', 'A'.repeat(128), '_x'])('accepts the tag %s', (t) => {
    expect(code(() => validateTag(t))).toBeUndefined();
  });

  it.each(['', '-rm', '.hidden', 'a'.repeat(129), 'a:b', 'a/b', 'a b', '1\n'])('refuses the tag %j', (t) => {
    expect(code(() => validateTag(t))).toBe('unsafe-value');
  });

  it.each(['rdeploy-local/mtcars:latest', 'sha256:' + 'f'.repeat(64), 'f'.repeat(12), '127.0.0.1:5000/a/b:1@sha256:' + 'e'.repeat(64), 'ubuntu'])('accepts the image %s', (i) => {
    expect(code(() => validateImage(i))).toBeUndefined();
  });

  it.each(['', '../../containers/x', 'x/json?a=1', 'x y', 'X:Y:Z'])('refuses the image %j', (i) => {
    expect(code(() => validateImage(i))).toBe('unsafe-value');
  });

  it('names the refused value on one line, quoted', () => {
    try {
      validateRepository('evil\nname');
    } catch (e) {
      expect((e as Error).message).toContain('"evil\\nname"');
      expect((e as Error).message).not.toContain('\n');
    }
    expect.assertions(2);
  });
});
