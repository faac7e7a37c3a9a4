import type Dockerode from 'dockerode';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { AppError } from '../../core/errors';
import { resolveEngine, type Engine, type EngineInputs } from './engine';

/** The real environment: process env, the user's home and files. */
export function systemEngineInputs(): EngineInputs {
  return {
    env: process.env,
    platform: process.platform,
    homedir: homedir(),
    readFile: async (file) => {
      try {
        return await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
  };
}

export interface ConnectOptions {
  inputs?: EngineInputs;
  /** How long the ping may take before the engine counts as not answering. */
  timeoutMs?: number;
}

/**
 * Connects to the engine and pings it, so that "Docker is not running" is one clear sentence
 * here rather than an ENOENT deep inside a build.
 */
export async function connectDocker(opts: ConnectOptions = {}): Promise<Dockerode> {
  const engine = await resolveEngine(opts.inputs ?? systemEngineInputs());
  const { default: Docker } = await import('dockerode');
  // docker-modem merges its own reading of DOCKER_HOST/DOCKER_CERT_PATH under what we pass:
  // every connection field is set explicitly so only our resolution counts.
  const unset = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined, username: undefined };
  const docker = new Docker({ ...unset, ...engine.options });
  try {
    await withTimeout(docker.ping(), opts.timeoutMs ?? 10_000);
  } catch (e) {
    throw dockerUnavailable(engine, e);
  }
  return docker;
}

/** Turns a connection failure into the sentence a user can act on. */
export function dockerUnavailable(engine: Engine, e: unknown): AppError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const where = engine.source === 'default' ? engine.endpoint : `${engine.endpoint}, from ${engine.source}`;
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError(
      'docker-unavailable',
      `You do not have permission to use Docker (${where}). Add yourself to the docker group (\`sudo usermod -aG docker $USER\`, then log in again), then try again.`,
      { cause: e },
    );
  }
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') {
    return new AppError('docker-unavailable', `Docker is not running (no engine at ${where}). Start Docker Desktop or the docker service, then try again.`, { cause: e });
  }
  if (code === 'ETIMEDOUT') {
    return new AppError('docker-unavailable', `Docker did not answer in time (${where}). Check that Docker is running and responsive, then try again.`, { cause: e });
  }
  const detail = e instanceof Error ? e.message : String(e);
  return new AppError('docker-unavailable', `Cannot talk to Docker at ${where}: ${detail}. Check that Docker is running, then try again.`, { cause: e });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer in ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
