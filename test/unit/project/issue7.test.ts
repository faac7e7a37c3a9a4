import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerfileOf } from '../docker/projects';
import { AppError } from '../../../src/core/errors';
import { loadProject } from '../../../src/core/project';
import { findCredentialFiles } from '../../../src/core/project/credentials';
import { lockfileWarnings } from '../../../src/core/project/lockWarnings';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'rdeploy-i7-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function put(rel: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
}

const SCORE = 'score <- function(x) x\n';
const HASH = 'a4269a09a9b865579b2635c77e572374';
const lock = (packages: Record<string, object>, url = 'https://cloud.r-project.org') =>
  JSON.stringify({ R: { Version: '4.3.2', Repositories: [{ Name: 'CRAN', URL: url }] }, Packages: packages });

async function error(run: () => unknown): Promise<AppError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('a missing handler file (item 8)', () => {
  it('loads with a warning and the missing file recorded; the plan (generateDockerfile) refuses it in one sentence', async () => {
    await put('renv.lock', lock({}));
    const project = await loadProject(root);
    expect(project.missingHandlerFile).toBe('score.R');
    expect(project.warnings[0]).toMatch(/^The handler file score.R does not exist/);
    const e = await error(() => dockerfileOf(project));
    expect(e.code).toBe('config-invalid');
    expect(e.message).toBe(`score.R not found in ${root}: create it with a function score(...), or set "handler" in rdeploy.json.`);
  });

  it('names the configured handler file and function', async () => {
    await put('renv.lock', lock({}));
    await put('rdeploy.json', JSON.stringify({ handler: 'api/model.predict_one' }));
    const e = await error(async () => dockerfileOf(await loadProject(root)));
    expect(e.message).toBe(`api/model.R not found in ${root}: create it with a function predict_one(...), or set "handler" in rdeploy.json.`);
  });

  it('accepts score.r, as the runtime does', async () => {
    await put('renv.lock', lock({}));
    await put('score.r', SCORE);
    const project = await loadProject(root);
    expect(project.missingHandlerFile).toBeUndefined();
    expect(() => dockerfileOf(project)).not.toThrow();
  });

  it('a renv.lock that is a folder is an error, not a project without a lockfile', async () => {
    await put('score.R', SCORE);
    await mkdir(path.join(root, 'renv.lock'));
    const e = await error(() => loadProject(root));
    expect(e.code).toBe('lockfile-invalid');
    expect(e.message).toBe(`${path.join(root, 'renv.lock')} is a folder, not a file: replace it with the lockfile renv::snapshot() writes.`);
  });
});

describe('lockfile warnings (item 9)', () => {
  const pkg = (name: string, hash?: string) => ({ Package: name, Version: '1.0.0', Source: 'Repository', Repository: 'CRAN', ...(hash ? { Hash: hash } : {}) });

  it('a Hash that is not 32 hex digits says the lockfile looks corrupt, naming the packages', async () => {
    await put('score.R', SCORE);
    await put('renv.lock', lock({ good: pkg('good', HASH), bad: pkg('bad', 'a4269a09a9b8'), worse: pkg('worse', `${HASH.slice(0, 31)}z`), none: pkg('none') }));
    expect((await loadProject(root)).warnings).toEqual([
      'renv.lock looks corrupt: the Hash of bad, worse is not 32 hexadecimal digits. Re-create the lockfile with renv::snapshot() (or restore it from version control).',
    ]);
  });

  it('a repository over plain http is named', async () => {
    await put('score.R', SCORE);
    await put('renv.lock', lock({ good: pkg('good', HASH) }, 'http://cran.example.org'));
    expect((await loadProject(root)).warnings).toEqual([
      'The repository CRAN (http://cran.example.org) is plain http: packages would be downloaded without TLS, so anyone on the network path could change them. Use its https:// address in the lockfile.',
    ]);
  });

  it('a sound https lockfile gets no warning', () => {
    expect(lockfileWarnings({ kind: 'renv', path: 'x', repositories: [{ name: 'CRAN', url: 'https://cloud.r-project.org' }], packages: [{ name: 'a', version: '1.0', source: 'repository', hash: HASH.toUpperCase() }], warnings: [] })).toEqual([]);
  });
});

describe('credential files about to enter the image (item 27)', () => {
  const KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n';

  it('finds keys by content and by name, at any depth, unless the defaults or exclude leave them out', async () => {
    await put('score.R', SCORE);
    await put('gcp-key.json', JSON.stringify({ type: 'service_account', private_key: KEY }));
    await put('models/deploy.txt', `notes\n${KEY}`);
    await put('sub/.npmrc.bak', '//registry.npmjs.org/:_authToken=abc\n');
    await put('conf/aws.ini', '[default]\naws_secret_access_key = abc\n');
    await put('keys/server.jks', 'binary');
    await put('deep/.ssh/id_rsa', KEY); // excluded by default (**/.ssh): not named
    await put('data/coef.json', '{"private_key_count": 3}'); // not a key
    await put('model.rds', `\0\0${KEY}`); // binary: never read as a key file
    expect(await findCredentialFiles(root)).toEqual([
      'conf/aws.ini (AWS credentials)',
      'gcp-key.json (a service-account key)',
      'keys/server.jks (a key store)',
      'models/deploy.txt (a private key)',
    ]);
    expect(await findCredentialFiles(root, ['keys', 'models/*.txt', 'conf'])).toEqual(['gcp-key.json (a service-account key)']);
    // "!" keeps a file on purpose: that settles it, even for one the defaults leave out.
    expect(await findCredentialFiles(root, ['!gcp-key.json', '!deep/.ssh/id_rsa', 'keys', 'models', 'conf'])).toEqual([]);
  });

  it('loadProject names each file in one warning, and rdeploy.json "exclude" silences it', async () => {
    await put('score.R', SCORE);
    await put('gcp-key.json', JSON.stringify({ type: 'service_account', private_key: KEY }));
    const project = await loadProject(root);
    expect(project.warnings.at(-1)).toBe(
      'These files look like credentials and would be copied into the image: gcp-key.json (a service-account key). Add them to "exclude" in rdeploy.json, or, if the model really needs one, keep it deliberately with "!<path>" there.',
    );
    await put('rdeploy.json', JSON.stringify({ exclude: ['*-key.json'] }));
    expect((await loadProject(root)).warnings.filter((w) => w.includes('credentials'))).toEqual([]);
  });
});
