import * as path from 'node:path';
import { resolveEngine, type Engine, type EngineInputs } from '../image/engine';
import { notOk, ok, splitMessage, type CheckResult } from './types';

/** The part of the engine the doctor talks to (dockerode fits; tests pass a double). */
export interface EngineProbe {
  version(): Promise<{ Version?: string; ApiVersion?: string; Os?: string; Arch?: string }>;
  getImage(name: string): { inspect(): Promise<{ Size?: number }> };
}

/** Connects and pings (connectDocker), failing with R Deploy's one sentence when the engine does not answer. */
export type ConnectEngine = (inputs: EngineInputs, timeoutMs: number) => Promise<EngineProbe>;

export interface EngineFindings {
  checks: CheckResult[];
  /** The engine, when it answered. */
  engine?: EngineProbe;
  /** Its architecture in registry terms (amd64, arm64), when it said. */
  arch?: string;
}

const CONTEXT = 'Docker endpoint';
const ENGINE = 'Docker engine';

/** Which endpoint the docker CLI would use and why, then whether it answers and which version it runs. */
export async function checkEngine(inputs: EngineInputs, connect: ConnectEngine, timeoutMs: number): Promise<EngineFindings> {
  let resolved: Engine;
  try {
    resolved = await resolveEngine(inputs);
  } catch (e) {
    const { detail, fix } = splitMessage((e as Error).message);
    return {
      checks: [
        notOk('fail', 'docker-context', CONTEXT, detail, fix ?? 'Set DOCKER_HOST, or pick a context with `docker context use`.'),
        notOk('skip', 'docker-engine', ENGINE, 'not reached: there is no Docker endpoint to ask'),
      ],
    };
  }
  const context = ok('docker-context', CONTEXT, `${resolved.endpoint} (${whereFrom(resolved, inputs)})`);
  let engine: EngineProbe;
  try {
    engine = await connect(inputs, timeoutMs);
  } catch (e) {
    const { detail, fix } = splitMessage((e as Error).message);
    return { checks: [context, notOk('fail', 'docker-engine', ENGINE, detail, fix ?? 'Start Docker, then try again.')] };
  }
  try {
    const v = await engine.version();
    const platform = v.Os && v.Arch ? `, ${v.Os}/${v.Arch}` : '';
    return { checks: [context, ok('docker-engine', ENGINE, `Docker ${v.Version ?? '?'} (API ${v.ApiVersion ?? '?'}${platform}) answers`)], engine, arch: v.Arch };
  } catch (e) {
    // It answered the ping: deploys can go on even if this older or proxied engine hides its version.
    return { checks: [context, ok('docker-engine', ENGINE, `answers (its version could not be read: ${(e as Error).message})`)], engine };
  }
}

/** "from DOCKER_HOST", 'context "colima" from DOCKER_CONTEXT', 'current context "colima" (~/.docker/config.json)', "default socket". */
export function whereFrom(engine: Engine, inputs: EngineInputs): string {
  const env = inputs.env;
  if (env.DOCKER_HOST) return 'from DOCKER_HOST';
  if (engine.source === 'default') return inputs.platform === 'win32' ? 'the default named pipe' : 'the default socket';
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') return `${engine.source} from DOCKER_CONTEXT`;
  const configDir = env.DOCKER_CONFIG || path.join(inputs.homedir, '.docker');
  return `current ${engine.source} in ${path.join(configDir, 'config.json')}`;
}
