import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { AppError } from '../../core/errors';

/**
 * Finds the Docker engine the way the docker CLI does, as data: `DOCKER_HOST`, else
 * `DOCKER_CONTEXT`, else `currentContext` in the docker config, else the platform's default
 * socket. Inputs (env, platform, home, file reader) are parameters so tests drive every branch
 * with real files in a temp dir; `connectDocker` (engineConnect.ts) uses the real ones.
 */
export interface EngineInputs {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  homedir: string;
  /** Reads a UTF-8 file; undefined when it does not exist. */
  readFile(file: string): Promise<string | undefined>;
}

/** The subset of dockerode's constructor options we produce. */
export interface EngineOptions {
  socketPath?: string;
  protocol?: 'http' | 'https' | 'ssh';
  host?: string;
  port?: number;
  username?: string;
  ca?: string;
  cert?: string;
  key?: string;
}

export interface Engine {
  /** The endpoint as the user would write it, for messages (never holds TLS material). */
  endpoint: string;
  /** Where it came from, for messages: "DOCKER_HOST", 'context "desktop-linux"', "default". */
  source: string;
  options: EngineOptions;
}

export const DEFAULT_UNIX_SOCKET = 'unix:///var/run/docker.sock';
export const DEFAULT_NPIPE = 'npipe:////./pipe/docker_engine';

export async function resolveEngine(inputs: EngineInputs): Promise<Engine> {
  const env = inputs.env;
  const configDir = env.DOCKER_CONFIG || path.join(inputs.homedir, '.docker');
  // The CLI's order: an explicit host wins over any context (it selects the "default" context).
  if (env.DOCKER_HOST) return hostEngine(env.DOCKER_HOST, 'DOCKER_HOST', inputs, configDir);
  let contextName = env.DOCKER_CONTEXT;
  let contextSource = 'DOCKER_CONTEXT';
  if (!contextName) {
    contextName = await currentContext(inputs, configDir);
    contextSource = path.join(configDir, 'config.json');
  }
  if (contextName && contextName !== 'default') return contextEngine(contextName, contextSource, inputs, configDir);
  const fallback = inputs.platform === 'win32' ? DEFAULT_NPIPE : DEFAULT_UNIX_SOCKET;
  return hostEngine(fallback, 'default', inputs, configDir);
}

async function currentContext(inputs: EngineInputs, configDir: string): Promise<string | undefined> {
  const file = path.join(configDir, 'config.json');
  const text = await inputs.readFile(file);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AppError('docker-unavailable', `The docker config ${file} is not valid JSON (${(e as Error).message}). Fix it, or set DOCKER_HOST.`, { cause: e });
  }
  const name = (json as { currentContext?: unknown } | null)?.currentContext;
  return typeof name === 'string' && name ? name : undefined;
}

/** A named context: `contexts/meta/<sha256(name)>/meta.json`, TLS files under `contexts/tls/`. */
async function contextEngine(name: string, source: string, inputs: EngineInputs, configDir: string): Promise<Engine> {
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = path.join(configDir, 'contexts', 'meta', id, 'meta.json');
  const text = await inputs.readFile(metaFile);
  const where = source === 'DOCKER_CONTEXT' ? 'DOCKER_CONTEXT' : source;
  if (text === undefined) {
    throw new AppError('docker-unavailable', `The Docker context "${name}" (from ${where}) does not exist. Run \`docker context ls\` and pick one with \`docker context use\`.`);
  }
  let host: unknown;
  let skipVerify = false;
  try {
    const meta = JSON.parse(text) as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
    host = meta.Endpoints?.docker?.Host;
    skipVerify = meta.Endpoints?.docker?.SkipTLSVerify === true;
  } catch (e) {
    throw new AppError('docker-unavailable', `The Docker context "${name}" is damaged: ${metaFile} is not valid JSON. Recreate it with \`docker context create\`.`, { cause: e });
  }
  if (typeof host !== 'string' || !host) {
    throw new AppError('docker-unavailable', `The Docker context "${name}" has no docker endpoint (Endpoints.docker.Host in ${metaFile}).`);
  }
  const tlsDir = path.join(configDir, 'contexts', 'tls', id, 'docker');
  const tls = await readTls(inputs, tlsDir);
  const engine = parseHost(host, `context "${name}"`, inputs.platform);
  if (engine.options.protocol === 'http' && (tls.ca || tls.cert)) engine.options.protocol = 'https';
  if (engine.options.protocol === 'https') Object.assign(engine.options, tls);
  if (skipVerify && engine.options.protocol === 'https') delete engine.options.ca;
  return engine;
}

async function hostEngine(host: string, source: string, inputs: EngineInputs, configDir: string): Promise<Engine> {
  const engine = parseHost(host, source, inputs.platform);
  if (engine.options.protocol !== 'http') return engine;
  const env = inputs.env;
  // DOCKER_TLS_VERIFY (or DOCKER_TLS) turns TLS on for tcp://; certs from DOCKER_CERT_PATH or the config dir.
  if (env.DOCKER_TLS_VERIFY || env.DOCKER_TLS) {
    const certDir = env.DOCKER_CERT_PATH || configDir;
    const tls = await readTls(inputs, certDir);
    if (env.DOCKER_TLS_VERIFY && !tls.ca) {
      throw new AppError('docker-unavailable', `DOCKER_TLS_VERIFY is set but there is no ca.pem in ${certDir}. Set DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem.`);
    }
    engine.options.protocol = 'https';
    Object.assign(engine.options, env.DOCKER_TLS_VERIFY ? tls : { cert: tls.cert, key: tls.key });
    if (!/:\d+$/.test(host)) engine.options.port = 2376;
  }
  return engine;
}

async function readTls(inputs: EngineInputs, dir: string): Promise<Pick<EngineOptions, 'ca' | 'cert' | 'key'>> {
  const [ca, cert, key] = await Promise.all(['ca.pem', 'cert.pem', 'key.pem'].map((f) => inputs.readFile(path.join(dir, f))));
  const out: Pick<EngineOptions, 'ca' | 'cert' | 'key'> = {};
  if (ca !== undefined) out.ca = ca;
  if (cert !== undefined) out.cert = cert;
  if (key !== undefined) out.key = key;
  return out;
}

/** Parses a docker host URL (unix://, npipe://, tcp://, ssh://) into dockerode options. */
export function parseHost(host: string, source: string, platform: NodeJS.Platform): Engine {
  const bad = () =>
    new AppError('docker-unavailable', `The Docker host "${host}" (from ${source}) is not understood: use unix:///path, tcp://host:port, ssh://user@host or npipe:////./pipe/name.`);
  const scheme = /^([a-z]+):\/\//.exec(host)?.[1];
  if (scheme === 'unix') {
    const socketPath = host.slice('unix://'.length);
    if (!socketPath) throw bad();
    return { endpoint: host, source, options: { socketPath } };
  }
  if (scheme === 'npipe') {
    // npipe:////./pipe/docker_engine → //./pipe/docker_engine; Node opens named pipes by that path.
    const pipe = host.slice('npipe://'.length).replace(/\\/g, '/');
    if (!pipe) throw bad();
    if (platform !== 'win32') {
      throw new AppError('docker-unavailable', `The Docker host "${host}" (from ${source}) is a Windows named pipe, but this is ${platform}. Set DOCKER_HOST to a unix:// or tcp:// address.`);
    }
    return { endpoint: host, source, options: { socketPath: pipe } };
  }
  if (scheme === 'tcp' || scheme === 'ssh') {
    let url: URL;
    try {
      url = new URL(host.replace(/^tcp:/, 'http:'));
    } catch {
      throw bad();
    }
    if (!url.hostname) throw bad();
    const options: EngineOptions = { protocol: scheme === 'ssh' ? 'ssh' : 'http', host: url.hostname.replace(/^\[|\]$/g, '') };
    const defaultPort = scheme === 'ssh' ? 22 : 2375;
    options.port = url.port ? Number(url.port) : defaultPort;
    if (url.username) options.username = decodeURIComponent(url.username);
    // Never echo a password someone put in the URL.
    const endpoint = url.password ? host.replace(/:[^:@/]*@/, ':***@') : host;
    return { endpoint, source, options };
  }
  throw bad();
}
