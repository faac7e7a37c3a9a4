import type Dockerode from 'dockerode';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors';
import { encodeAuth, pushImage, type PushRequest } from '../../src/targets/image/push';
import { BASE_IMAGE, requireEngineAndBaseImage } from '../support/docker';
import { freeLoopbackPort, startRegistry, type TestRegistry } from '../support/registry';

const run = randomBytes(4).toString('hex');
const DEPLOYMENT = `push-e2e-${run}`;
const LABEL = `rdeploy-deployment=${DEPLOYMENT}`;
const USER = 'rdeploy';
const PASSWORD = `S3cret-${run}-pw`;
const WRONG = `Wr0ng-${run}-pw`;

/** Everything a user could see of an error: message, String(), inspect() with the cause chain. */
function rendered(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, depth = 0; c && depth < 10; c = (c as { cause?: unknown }).cause, depth++) {
    parts.push(String(c), (c as Error).message ?? '', JSON.stringify(c));
  }
  return `${parts.join('\n')}\n${inspect(e, { depth: 10 })}`;
}

function expectNoSecret(e: unknown, password: string, registry: string): void {
  const text = rendered(e);
  expect(text).not.toContain(password);
  expect(text).not.toContain(encodeAuth({ username: USER, password }, registry));
  expect(text).not.toContain(Buffer.from(`${USER}:${password}`).toString('base64'));
}

async function pushError(docker: Dockerode, req: PushRequest): Promise<AppError> {
  const e = await pushImage(docker, req).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

function docker_(args: string[], input?: Buffer): string {
  return execFileSync('docker', args, { encoding: 'utf8', input, env: { ...process.env, DOCKER_BUILDKIT: '0' } }).trim();
}

/** Removes every image with our label, children before parents (rmi refuses a parent first). */
function removeOurImages(): void {
  for (let round = 0; round < 5; round++) {
    const ids = [...new Set(docker_(['images', '-a', '-q', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean))];
    if (!ids.length) return;
    for (const id of ids) {
      try {
        execFileSync('docker', ['rmi', '-f', id], { stdio: 'ignore' });
      } catch {
        // a parent of one not removed yet: the next round takes it
      }
    }
  }
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

describe('pushImage through the engine to a real registry (docker-registry)', () => {
  let docker: Dockerode;
  let open: TestRegistry;
  let locked: TestRegistry;
  /** A three-layer image of a few bytes, built here (no image can be pulled). */
  let small: string;
  let work: string;

  beforeAll(async () => {
    requireEngineAndBaseImage();
    // dockerode directly (its defaults follow DOCKER_HOST, else the default socket), not the
    // product's connectDocker: that module is being moved in this refactor, and pushImage only
    // needs getImage.
    const { default: Docker } = await import('dockerode');
    docker = new Docker();
    await docker.ping();
    work = mkdtempSync(path.join(tmpdir(), 'rdeploy-push-'));
    writeFileSync(path.join(work, 'base.txt'), `base ${run}\n`);
    const tar = execFileSync('tar', ['-C', work, '-c', 'base.txt']);
    const base = `rdeploy-test/push-base:${run}`;
    docker_(['import', '-c', `LABEL ${LABEL}`, '-', base], tar);
    writeFileSync(path.join(work, 'a.txt'), `a ${run}\n`);
    writeFileSync(path.join(work, 'b.txt'), `b ${run}\n`);
    writeFileSync(path.join(work, 'Dockerfile'), `FROM ${base}\nCOPY a.txt /a.txt\nCOPY b.txt /b.txt\n`);
    docker_(['build', '-q', '--network', 'host', '--label', LABEL, '-t', `rdeploy-test/push-small:${run}`, work]);
    small = `rdeploy-test/push-small:${run}`;
    [open, locked] = await Promise.all([startRegistry(), startRegistry({ auth: { username: USER, password: PASSWORD } })]);
  });

  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop()]);
    removeOurImages();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('pushes without auth; the registry serves the digest pushImage reported, and progress is one message per phase', async () => {
    const messages: string[] = [];
    const lines: string[] = [];
    const result = await pushImage(docker, {
      image: small,
      repository: `${open.host}/rdeploy/mtcars`,
      tag: '1.0.0',
      progress: { report: (u) => (u.message !== undefined ? messages.push(u.message) : u.line !== undefined && lines.push(u.line)) },
    });
    expect(result.reference).toBe(`${open.host}/rdeploy/mtcars:1.0.0`);
    expect(result.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(await open.manifestDigest('rdeploy/mtcars', '1.0.0')).toBe(result.digest);

    expect(messages[0]).toBe(`Pushing image to ${open.host}`);
    expect(messages).toContain(`Pushing image to ${open.host} (3/3 layers)`);
    expect(messages.at(-1)).toBe(`Pushed ${result.reference}`);
    expect(new Set(messages).size).toBe(messages.length);
    for (const m of messages) expect(m).not.toMatch(/[{}]/);
    expect(lines.filter((l) => /^[a-f0-9]{12}: Pushed$/.test(l))).toHaveLength(3);
  });

  it('pushes with htpasswd auth and the right credentials', async () => {
    const result = await pushImage(docker, {
      image: small,
      repository: `${locked.host}/rdeploy/mtcars`,
      tag: 'v2',
      credentials: { username: USER, password: PASSWORD },
    });
    expect(await locked.manifestDigest('rdeploy/mtcars', 'v2')).toBe(result.digest);
  });

  it('a wrong password is one sentence that names neither password', async () => {
    const e = await pushError(docker, {
      image: small,
      repository: `${locked.host}/rdeploy/wrong`,
      tag: '1',
      credentials: { username: USER, password: WRONG },
    });
    expect(e.code).toBe('deploy-failed');
    expect(e.message).toBe(`The registry ${locked.host} rejected the username and password: check them (an access token may have expired), then push again.`);
    expectNoSecret(e, WRONG, locked.host);
    expectNoSecret(e, PASSWORD, locked.host);
    expect(await locked.manifestDigest('rdeploy/wrong', '1')).toBeUndefined();
  });

  it('no credentials against a registry that requires them says to log in', async () => {
    const e = await pushError(docker, { image: small, repository: `${locked.host}/rdeploy/anon`, tag: '1' });
    expect(e.code).toBe('deploy-failed');
    expect(e.message).toBe(`The registry ${locked.host} requires a login: give a username and password (or access token) for it, then push again.`);
    expect(await locked.manifestDigest('rdeploy/anon', '1')).toBeUndefined();
  });

  it('an unreachable registry port says so', async () => {
    const port = await freeLoopbackPort();
    const e = await pushError(docker, {
      image: small,
      repository: `127.0.0.1:${port}/rdeploy/mtcars`,
      tag: '1',
      credentials: { username: USER, password: PASSWORD },
    });
    expect(e.code).toBe('deploy-failed');
    expect(e.message).toBe(`Docker cannot reach the registry 127.0.0.1:${port}: check the registry address and port and that the registry is running, then push again.`);
    expectNoSecret(e, PASSWORD, `127.0.0.1:${port}`);
  });

  it('an image that is not in the engine is a clear not-found', async () => {
    const e = await pushError(docker, { image: `rdeploy-test/push-missing:${run}`, repository: `${open.host}/rdeploy/none`, tag: '1' });
    expect(e.code).toBe('not-found');
    expect(e.message).toBe(`The image rdeploy-test/push-missing:${run} does not exist in Docker: build it first, then push.`);
  });

  it('refuses a repository or tag outside the reference grammar before asking the engine', async () => {
    const bad = await pushError(docker, { image: small, repository: `${open.host}/RDeploy/x?tag=1`, tag: '1' });
    expect(bad.code).toBe('unsafe-value');
    const badTag = await pushError(docker, { image: small, repository: `${open.host}/rdeploy/x`, tag: '-rm' });
    expect(badTag.code).toBe('unsafe-value');
  });

  it('cancelling mid-upload stops the push: cancelled, no manifest, and the upload stops growing', async () => {
    // A layer big enough (the R base image) to still be uploading when we cancel.
    docker_(['build', '-q', '--network', 'host', '--label', LABEL, '-t', `rdeploy-test/push-big:${run}`, '-'], Buffer.from(`FROM ${BASE_IMAGE}\nLABEL rdeploy-push=${run}\n`));
    const aborter = new AbortController();
    const started = Date.now();
    const e = await pushError(docker, {
      image: `rdeploy-test/push-big:${run}`,
      repository: `${open.host}/rdeploy/big`,
      tag: '1',
      signal: aborter.signal,
      progress: { report: (u) => u.line?.endsWith(': Pushing') && aborter.abort() },
    });
    expect(e.code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await open.manifestDigest('rdeploy/big', '1')).toBeUndefined();
    // The engine aborted its upload: the registry's storage stops growing.
    await new Promise((r) => setTimeout(r, 2_000));
    const before = dirBytes(open.dataDir);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(dirBytes(open.dataDir)).toBe(before);
  });
});
