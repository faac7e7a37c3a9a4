import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveEngine, type EngineInputs } from '../../../src/targets/image/engine';
import { connectDocker, dockerUnavailable, systemEngineInputs } from '../../../src/targets/image/engineConnect';
import { AppError } from '../../../src/core/errors';

// Real files in a temp home; only env and platform are chosen per test.
let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-engine-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function inputs(env: Record<string, string>, platform: NodeJS.Platform = 'linux'): EngineInputs {
  return { ...systemEngineInputs(), env, platform, homedir: home };
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function writeContext(configDir: string, name: string, host: string, extra: Record<string, unknown> = {}): string {
  const id = createHash('sha256').update(name).digest('hex');
  write(path.join(configDir, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, ...extra } } }));
  return id;
}

function writeCerts(dir: string): void {
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) write(path.join(dir, f), `${f} of ${path.basename(dir)}`);
}

describe('resolveEngine', () => {
  it('uses the default socket when nothing is configured', async () => {
    expect(await resolveEngine(inputs({}))).toEqual({ endpoint: 'unix:///var/run/docker.sock', source: 'default', options: { socketPath: '/var/run/docker.sock' } });
  });

  it('uses the default named pipe on Windows', async () => {
    const e = await resolveEngine(inputs({}, 'win32'));
    expect(e.endpoint).toBe('npipe:////./pipe/docker_engine');
    expect(e.options).toEqual({ socketPath: '//./pipe/docker_engine' });
  });

  it('takes a unix DOCKER_HOST', async () => {
    const e = await resolveEngine(inputs({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }));
    expect(e).toEqual({ endpoint: 'unix:///run/user/1000/docker.sock', source: 'DOCKER_HOST', options: { socketPath: '/run/user/1000/docker.sock' } });
  });

  it('takes a plain tcp DOCKER_HOST, with the default port when none is given', async () => {
    expect((await resolveEngine(inputs({ DOCKER_HOST: 'tcp://10.0.0.5:2375' }))).options).toEqual({ protocol: 'http', host: '10.0.0.5', port: 2375 });
    expect((await resolveEngine(inputs({ DOCKER_HOST: 'tcp://docker.local' }))).options).toEqual({ protocol: 'http', host: 'docker.local', port: 2375 });
  });

  it('turns on verified TLS with DOCKER_TLS_VERIFY and the certificates of DOCKER_CERT_PATH', async () => {
    const certs = path.join(home, 'certs');
    writeCerts(certs);
    const e = await resolveEngine(inputs({ DOCKER_HOST: 'tcp://docker.example:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }));
    expect(e.options).toEqual({ protocol: 'https', host: 'docker.example', port: 2376, ca: 'ca.pem of certs', cert: 'cert.pem of certs', key: 'key.pem of certs' });
    expect(e.endpoint).toBe('tcp://docker.example:2376');
  });

  it('reads TLS certificates from the docker config folder when DOCKER_CERT_PATH is unset, and defaults the port to 2376', async () => {
    writeCerts(path.join(home, '.docker'));
    const e = await resolveEngine(inputs({ DOCKER_HOST: 'tcp://docker.example', DOCKER_TLS_VERIFY: '1' }));
    expect(e.options).toMatchObject({ protocol: 'https', port: 2376, ca: 'ca.pem of .docker' });
  });

  it('says which folder lacks ca.pem when TLS verification is asked for', async () => {
    await expect(resolveEngine(inputs({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: path.join(home, 'none') }))).rejects.toThrow(
      /no ca\.pem in .*none/,
    );
  });

  it('uses TLS without verification with DOCKER_TLS (client certificate, no CA)', async () => {
    const certs = path.join(home, 'c');
    writeCerts(certs);
    const e = await resolveEngine(inputs({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS: '1', DOCKER_CERT_PATH: certs }));
    expect(e.options).toEqual({ protocol: 'https', host: 'h', port: 2376, cert: 'cert.pem of c', key: 'key.pem of c' });
  });

  it('takes an npipe DOCKER_HOST on Windows and refuses it elsewhere', async () => {
    expect((await resolveEngine(inputs({ DOCKER_HOST: 'npipe:////./pipe/dockerDesktopLinuxEngine' }, 'win32'))).options).toEqual({
      socketPath: '//./pipe/dockerDesktopLinuxEngine',
    });
    await expect(resolveEngine(inputs({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' }, 'linux'))).rejects.toThrow(/Windows named pipe/);
  });

  it('takes an ssh DOCKER_HOST', async () => {
    expect((await resolveEngine(inputs({ DOCKER_HOST: 'ssh://me@build-box' }))).options).toEqual({ protocol: 'ssh', host: 'build-box', port: 22, username: 'me' });
  });

  it('never repeats a password written into DOCKER_HOST', async () => {
    const e = await resolveEngine(inputs({ DOCKER_HOST: 'ssh://me:s3cret@box:2222' }));
    expect(e.endpoint).not.toContain('s3cret');
    expect(e.options.port).toBe(2222);
  });

  it('refuses a DOCKER_HOST it cannot read, in one sentence naming it', async () => {
    for (const host of ['http://x:1', 'localhost:2375', 'unix://']) {
      const err = await resolveEngine(inputs({ DOCKER_HOST: host })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('docker-unavailable');
      expect((err as AppError).message).toContain(`"${host}" (from DOCKER_HOST)`);
    }
  });

  it('prefers DOCKER_HOST over DOCKER_CONTEXT and the current context', async () => {
    writeContext(path.join(home, '.docker'), 'remote', 'tcp://remote:2375');
    write(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    const e = await resolveEngine(inputs({ DOCKER_HOST: 'unix:///tmp/d.sock', DOCKER_CONTEXT: 'remote' }));
    expect(e.options).toEqual({ socketPath: '/tmp/d.sock' });
  });

  it('resolves DOCKER_CONTEXT through contexts/meta/<sha256(name)>/meta.json', async () => {
    writeContext(path.join(home, '.docker'), 'colima', 'unix:///Users/me/.colima/default/docker.sock');
    const e = await resolveEngine(inputs({ DOCKER_CONTEXT: 'colima' }));
    expect(e).toEqual({ endpoint: 'unix:///Users/me/.colima/default/docker.sock', source: 'context "colima"', options: { socketPath: '/Users/me/.colima/default/docker.sock' } });
  });

  it('prefers DOCKER_CONTEXT over the current context of the config', async () => {
    writeContext(path.join(home, '.docker'), 'a', 'unix:///a.sock');
    writeContext(path.join(home, '.docker'), 'b', 'unix:///b.sock');
    write(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'a' }));
    expect((await resolveEngine(inputs({ DOCKER_CONTEXT: 'b' }))).options.socketPath).toBe('/b.sock');
  });

  it('uses the current context of config.json, in DOCKER_CONFIG when set', async () => {
    const cfg = path.join(home, 'elsewhere');
    writeContext(cfg, 'desktop-linux', 'unix:///Users/me/.docker/run/docker.sock');
    write(path.join(cfg, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'desktop-linux' }));
    const e = await resolveEngine(inputs({ DOCKER_CONFIG: cfg }));
    expect(e.options.socketPath).toBe('/Users/me/.docker/run/docker.sock');
    expect(e.source).toBe('context "desktop-linux"');
    // ~/.docker is not consulted when DOCKER_CONFIG points elsewhere.
    expect((await resolveEngine(inputs({}))).options.socketPath).toBe('/var/run/docker.sock');
  });

  it('treats the "default" context as the default socket', async () => {
    write(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'default' }));
    expect((await resolveEngine(inputs({}))).source).toBe('default');
    expect((await resolveEngine(inputs({ DOCKER_CONTEXT: 'default' }))).options).toEqual({ socketPath: '/var/run/docker.sock' });
  });

  it('adds the TLS material stored with a tcp context', async () => {
    const cfg = path.join(home, '.docker');
    const id = writeContext(cfg, 'prod', 'tcp://prod:2376');
    writeCerts(path.join(cfg, 'contexts', 'tls', id, 'docker'));
    const e = await resolveEngine(inputs({ DOCKER_CONTEXT: 'prod' }));
    expect(e.options).toEqual({ protocol: 'https', host: 'prod', port: 2376, ca: 'ca.pem of docker', cert: 'cert.pem of docker', key: 'key.pem of docker' });
  });

  it('drops the CA of a context that skips TLS verification', async () => {
    const cfg = path.join(home, '.docker');
    const id = writeContext(cfg, 'lab', 'tcp://lab:2376', { SkipTLSVerify: true });
    writeCerts(path.join(cfg, 'contexts', 'tls', id, 'docker'));
    const e = await resolveEngine(inputs({ DOCKER_CONTEXT: 'lab' }));
    expect(e.options.protocol).toBe('https');
    expect(e.options.ca).toBeUndefined();
  });

  it('names a context that does not exist, and where it was asked for', async () => {
    await expect(resolveEngine(inputs({ DOCKER_CONTEXT: 'ghost' }))).rejects.toThrow(/context "ghost" \(from DOCKER_CONTEXT\) does not exist/);
    write(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'gone' }));
    await expect(resolveEngine(inputs({}))).rejects.toThrow(/"gone" \(from .*config\.json\) does not exist/);
  });

  it('names a damaged config.json or context', async () => {
    write(path.join(home, '.docker', 'config.json'), '{ nope');
    await expect(resolveEngine(inputs({}))).rejects.toThrow(/config\.json is not valid JSON/);
    const id = createHash('sha256').update('broken').digest('hex');
    write(path.join(home, '.docker', 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Endpoints: {} }));
    await expect(resolveEngine(inputs({ DOCKER_CONTEXT: 'broken' }))).rejects.toThrow(/has no docker endpoint/);
  });
});

describe('connectDocker', () => {
  it('says Docker is not running when no engine listens at the socket', async () => {
    const sock = path.join(home, 'nothing.sock');
    const err = await connectDocker({ inputs: inputs({ DOCKER_HOST: `unix://${sock}` }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('docker-unavailable');
    expect((err as AppError).message).toBe(
      `Docker is not running (no engine at unix://${sock}, from DOCKER_HOST). Start Docker Desktop or the docker service, then try again.`,
    );
  });

  it('says the same when the socket path is a plain file (refused)', async () => {
    const sock = path.join(home, 'file.sock');
    writeFileSync(sock, '');
    await expect(connectDocker({ inputs: inputs({ DOCKER_HOST: `unix://${sock}` }) })).rejects.toThrow(/Docker is not running/);
    expect(readFileSync(sock, 'utf8')).toBe('');
  });

  it('tells a user without permission to join the docker group', () => {
    const engine = { endpoint: 'unix:///var/run/docker.sock', source: 'default', options: {} };
    const err = dockerUnavailable(engine, Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' }));
    expect(err.code).toBe('docker-unavailable');
    expect(err.message).toMatch(/^You do not have permission to use Docker \(unix:\/\/\/var\/run\/docker\.sock\)\. Add yourself to the docker group/);
  });
});
