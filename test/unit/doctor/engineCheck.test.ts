import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEngine, type ConnectEngine, type EngineProbe } from '../../../src/targets/doctor/engineCheck';
import { resolveEngine, type EngineInputs } from '../../../src/targets/image/engine';
import { connectDocker, dockerUnavailable } from '../../../src/targets/image/engineConnect';

const HOME = '/home/ada';

/** Engine inputs over an in-memory docker config folder, as engine.ts reads it. */
function inputs(env: Record<string, string>, files: Record<string, string> = {}): EngineInputs {
  return { env, platform: 'linux', homedir: HOME, readFile: async (f) => files[f] };
}

function contextFiles(name: string, host: string): Record<string, string> {
  const id = createHash('sha256').update(name).digest('hex');
  return { [path.join(HOME, '.docker', 'contexts', 'meta', id, 'meta.json')]: JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }) };
}

const engine: EngineProbe = {
  version: async () => ({ Version: '27.3.1', ApiVersion: '1.47', Os: 'linux', Arch: 'arm64' }),
  getImage: () => ({ inspect: async () => ({}) }),
};
const answers: ConnectEngine = async () => engine;
/** An engine that does not answer, failing exactly as connectDocker does (its sentence from dockerUnavailable). */
const refuses: ConnectEngine = async (i) => {
  throw dockerUnavailable(await resolveEngine(i), Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
};

describe('doctor: Docker endpoint and engine', () => {
  it('default socket, engine answers: both ok, with version, API version and platform', async () => {
    const found = await checkEngine(inputs({}), answers, 1000);
    expect(found.checks).toEqual([
      { id: 'docker-context', title: 'Docker endpoint', status: 'ok', detail: 'unix:///var/run/docker.sock (the default socket)' },
      { id: 'docker-engine', title: 'Docker engine', status: 'ok', detail: 'Docker 27.3.1 (API 1.47, linux/arm64) answers' },
    ]);
    expect(found.engine).toBe(engine);
    expect(found.arch).toBe('arm64');
  });

  it('says where the endpoint came from: DOCKER_HOST, DOCKER_CONTEXT, the current context', async () => {
    const fromHost = await checkEngine(inputs({ DOCKER_HOST: 'tcp://10.0.0.5:2375' }), answers, 1000);
    expect(fromHost.checks[0]!.detail).toBe('tcp://10.0.0.5:2375 (from DOCKER_HOST)');

    const fromEnv = await checkEngine(inputs({ DOCKER_CONTEXT: 'colima' }, contextFiles('colima', 'unix:///home/ada/.colima/docker.sock')), answers, 1000);
    expect(fromEnv.checks[0]!.detail).toBe('unix:///home/ada/.colima/docker.sock (context "colima" from DOCKER_CONTEXT)');

    const config = { [path.join(HOME, '.docker', 'config.json')]: JSON.stringify({ currentContext: 'desktop-linux' }) };
    const fromConfig = await checkEngine(inputs({}, { ...config, ...contextFiles('desktop-linux', 'unix:///home/ada/.docker/desktop/docker.sock') }), answers, 1000);
    expect(fromConfig.checks[0]!.detail).toBe(`unix:///home/ada/.docker/desktop/docker.sock (current context "desktop-linux" in ${path.join(HOME, '.docker', 'config.json')})`);
  });

  it('a context that does not exist: the endpoint fails with what to do, the engine is skipped', async () => {
    const found = await checkEngine(inputs({ DOCKER_CONTEXT: 'gone' }), answers, 1000);
    expect(found.checks[0]).toMatchObject({ status: 'fail', detail: 'The Docker context "gone" (from DOCKER_CONTEXT) does not exist', fix: expect.stringMatching(/^Run `docker context ls`/) });
    expect(found.checks[1]).toMatchObject({ id: 'docker-engine', status: 'skip' });
    expect(found.engine).toBeUndefined();
  });

  it('an engine that refuses the connection: fail, and the fix says to start Docker', async () => {
    const found = await checkEngine(inputs({ DOCKER_HOST: 'unix:///tmp/none.sock' }), refuses, 1000);
    expect(found.checks[0]!.status).toBe('ok');
    expect(found.checks[1]).toEqual({
      id: 'docker-engine',
      title: 'Docker engine',
      status: 'fail',
      detail: 'Docker is not running (no engine at unix:///tmp/none.sock, from DOCKER_HOST)',
      fix: 'Start Docker Desktop or the docker service, then try again.',
    });
  });

  it('through the real connectDocker, a socket that does not exist is a failure, not an exception', async () => {
    const real: ConnectEngine = (i, timeoutMs) => connectDocker({ inputs: i, timeoutMs });
    const found = await checkEngine(inputs({ DOCKER_HOST: 'unix:///nonexistent-rdeploy-doctor.sock' }), real, 1000);
    expect(found.checks[1]).toMatchObject({ status: 'fail', detail: expect.stringContaining('Docker is not running'), fix: expect.stringContaining('Start Docker') });
  });

  it('an engine that answers the ping but hides its version is still ok', async () => {
    const mute: ConnectEngine = async () => ({ ...engine, version: async () => Promise.reject(new Error('404 page not found')) });
    const found = await checkEngine(inputs({}), mute, 1000);
    expect(found.checks[1]).toMatchObject({ status: 'ok', detail: 'answers (its version could not be read: 404 page not found)' });
  });
});
