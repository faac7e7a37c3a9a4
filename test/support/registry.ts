import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/*
 * A real container registry for tests: Debian's `docker-registry` (the CNCF distribution
 * registry, 2.8.2 on bookworm), one process per instance, on 127.0.0.1 with a config file and
 * filesystem storage of its own in a temp dir.
 *
 * Found by trying: htpasswd auth does NOT need TLS here. docker-registry 2.8.2 starts with
 * `auth.htpasswd` and no `http.tls`, answers GET /v2/ with 401 and `Www-Authenticate: Basic
 * realm=...` over plain HTTP, and dockerd 20.10 sends the credentials to 127.0.0.1:PORT over
 * plain HTTP (loopback registries are insecure-allowed by default): right credentials push,
 * wrong ones get "unauthorized: authentication required", none get "no basic auth
 * credentials". So no certificate and no /etc/docker/certs.d/127.0.0.1:PORT entry is made.
 */

export interface RegistryOptions {
  /** Turns on htpasswd (bcrypt) auth with this one user. */
  auth?: { username: string; password: string };
}

export interface TestRegistry {
  /** 127.0.0.1:PORT, the registry part of a repository name. */
  host: string;
  port: number;
  /** The registry process, for stopping exactly it. */
  pid: number;
  /** The registry's storage (filesystem driver), to see whether an upload is still going on. */
  dataDir: string;
  /** The manifest digest the registry serves for repository:tag, or undefined when it has none. */
  manifestDigest(repositoryPath: string, tag: string): Promise<string | undefined>;
  /** The registry's own log, for failure messages. */
  log(): string;
  /** Stops the process this helper started and removes its temp dir. */
  stop(): Promise<void>;
}

/** A port on 127.0.0.1 that nothing listens on right now. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  // Between choosing a free port and the registry binding it another process may take it: retry.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts, await freeLoopbackPort());
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

async function startOnce(opts: RegistryOptions, port: number): Promise<TestRegistry> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rdeploy-registry-'));
  const logFile = path.join(dir, 'registry.log');
  const lines = [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(path.join(dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (opts.auth) {
    // bcrypt, as the registry requires; htpasswd is apache2-utils'.
    const entry = execFileSync('htpasswd', ['-Bbn', opts.auth.username, opts.auth.password], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'htpasswd'), entry);
    lines.push('auth:', '  htpasswd:', '    realm: rdeploy-test', `    path: ${JSON.stringify(path.join(dir, 'htpasswd'))}`);
  }
  const config = path.join(dir, 'config.yml');
  writeFileSync(config, `${lines.join('\n')}\n`);

  const out = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const stop = async () => {
    if (!stopped && child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      const killer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      }, 5_000);
      await exited;
      clearTimeout(killer);
    }
    stopped = true;
    rmSync(dir, { recursive: true, force: true });
  };
  if (child.pid === undefined) {
    await stop();
    throw new Error('docker-registry did not start: install it with `apt-get install -y docker-registry` (scripts/setup.sh does).');
  }
  const host = `127.0.0.1:${port}`;
  const basic = opts.auth ? `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}` : undefined;

  // Ready when GET /v2/ answers: 200 without auth, 401 with its challenge when auth is on.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const text = log();
      await stop();
      throw new Error(`docker-registry exited before answering on ${host}:\n${text}`);
    }
    try {
      const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === (opts.auth ? 401 : 200)) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const text = log();
      await stop();
      throw new Error(`docker-registry did not answer on ${host} within 20 s:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    host,
    port,
    pid: child.pid,
    dataDir: path.join(dir, 'data'),
    log,
    stop,
    async manifestDigest(repositoryPath, tag) {
      const res = await fetch(`http://${host}/v2/${repositoryPath}/manifests/${tag}`, {
        headers: {
          Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
          ...(basic ? { Authorization: basic } : {}),
        },
      });
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`GET /v2/${repositoryPath}/manifests/${tag} answered ${res.status}`);
      const body = Buffer.from(await res.arrayBuffer());
      const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      const header = res.headers.get('docker-content-digest');
      if (header !== digest) throw new Error(`the registry's Docker-Content-Digest ${header} is not the manifest's sha256 ${digest}`);
      return digest;
    },
  };
}
