import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppError, cancelledError } from '../../../core/errors';
import type { InvokeResult } from '../../../core/deployment';
import { dockerMessage, lastLogLines, removeQuietly, type DockerClient } from '../../image/dockerClient';
import type { LambdaManifest } from '../package/manifest';
import { checkPayload } from '../package/quotas';
import { RuntimeApiServer } from '../runtimeApi';
import { unpackZip } from './unpack';

/** Lambda's LD_LIBRARY_PATH for an OS-only runtime (the bootstrap puts /opt/lib and R's first). */
const LAMBDA_LD_LIBRARY_PATH = '/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib';
/** Lambda runs the function as an unprivileged user; so does the twin. */
const UNPRIVILEGED = '65534:65534';

export interface TwinOptions {
  /** A package folder (`rdeploy package --target lambda`). */
  packageDir: string;
  /** The OS the function runs on: an image with a C library as old as Lambda's or newer (default the builder). */
  image?: string;
  /** Shown as the function's name in its environment and the ARN. */
  name: string;
  memoryMb: number;
  timeoutSeconds: number;
  signal?: AbortSignal;
}

/**
 * The Lambda function of a package, on this machine: the layers extracted in order into one
 * folder mounted at /opt and function.zip at /var/task, read-only, as Lambda does; the bootstrap
 * run as an unprivileged user with Lambda's environment, against R Deploy's own implementation of
 * the Runtime API. The answer and the error shape are the cloud's (runtimeApi/).
 */
export class LambdaTwin {
  private constructor(
    private readonly docker: Pick<DockerClient, 'createContainer' | 'getContainer'>,
    private readonly api: RuntimeApiServer,
    private readonly containerId: string,
    private readonly dir: string,
    private readonly timeoutSeconds: number,
  ) {}

  /** Settles when the function's process ends (in Lambda: the environment is gone). */
  private exited: Promise<number> | undefined;

  static async start(docker: Pick<DockerClient, 'createContainer' | 'getContainer'>, opts: TwinOptions): Promise<LambdaTwin> {
    const manifest = await readManifest(opts.packageDir);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rdeploy-twin-'));
    try {
      for (const a of manifest.artefacts) {
        if (opts.signal?.aborted) throw cancelledError();
        await unpackZip(path.join(opts.packageDir, a.file), path.join(dir, a.kind === 'function' ? 'task' : 'opt'));
      }
      return await LambdaTwin.launch(docker, opts, {
        image: opts.image ?? manifest.builderImage,
        dir,
        container: {
          Cmd: ['/var/task/bootstrap'],
          WorkingDir: '/var/task',
          Env: [`_HANDLER=${manifest.handler}`, 'LAMBDA_TASK_ROOT=/var/task', `LD_LIBRARY_PATH=${LAMBDA_LD_LIBRARY_PATH}`],
          Binds: [`${path.join(dir, 'opt')}:/opt:ro`, `${path.join(dir, 'task')}:/var/task:ro`],
        },
      });
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** A function deployed as a container image (PackageType Image): the image's own command, with Lambda's environment. */
  static async startImage(docker: Pick<DockerClient, 'createContainer' | 'getContainer'>, opts: Omit<TwinOptions, 'packageDir'> & { image: string }): Promise<LambdaTwin> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rdeploy-twin-'));
    try {
      return await LambdaTwin.launch(docker, opts, { image: opts.image, dir, container: { Env: [], Binds: [] } });
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private static async launch(
    docker: Pick<DockerClient, 'createContainer' | 'getContainer'>,
    opts: Pick<TwinOptions, 'name' | 'memoryMb' | 'timeoutSeconds'>,
    spec: { image: string; dir: string; container: { Cmd?: string[]; WorkingDir?: string; Env: string[]; Binds: string[] } },
  ): Promise<LambdaTwin> {
    const api = await RuntimeApiServer.start({ functionArn: `arn:aws:lambda:local:000000000000:function:${opts.name}` });
    try {
      const { Binds, Env, ...rest } = spec.container;
      const container = await docker
        .createContainer({
          Image: spec.image,
          ...rest,
          User: UNPRIVILEGED,
          Env: [
            `AWS_LAMBDA_RUNTIME_API=${api.address}`,
            'LAMBDA_RUNTIME_DIR=/var/runtime',
            `AWS_LAMBDA_FUNCTION_NAME=${opts.name}`,
            `AWS_LAMBDA_FUNCTION_MEMORY_SIZE=${opts.memoryMb}`,
            'AWS_LAMBDA_FUNCTION_VERSION=$LATEST',
            'TZ=:UTC',
            ...Env,
          ],
          HostConfig: {
            NetworkMode: 'host',
            Binds,
            Memory: opts.memoryMb * 1024 * 1024,
            ReadonlyRootfs: true,
            Tmpfs: { '/tmp': 'rw,size=512m' },
          },
        })
        .catch((e: unknown) => {
          throw new AppError('invoke-failed', `Docker could not create the local Lambda twin from ${spec.image}: ${dockerMessage(e)}.`, { cause: e });
        });
      const twin = new LambdaTwin(docker, api, container.id, spec.dir, opts.timeoutSeconds);
      await container.start().catch(async (e: unknown) => {
        await twin.close();
        throw new AppError('invoke-failed', `Docker could not start the local Lambda twin: ${dockerMessage(e)}.`, { cause: e });
      });
      twin.exited = container.wait().then((r: { StatusCode: number }) => r.StatusCode, () => -1);
      return twin;
    } catch (e) {
      await api.close().catch(() => undefined); // already closed when the twin's own close() ran
      throw e;
    }
  }

  /** One synchronous invocation, refused before sending when Lambda would refuse it. */
  async invoke(payload: string, signal?: AbortSignal): Promise<InvokeResult> {
    const tooLarge = checkPayload(Buffer.byteLength(payload), 'RequestResponse');
    if (tooLarge) throw new AppError('payload-invalid', tooLarge.message);
    if (signal?.aborted) throw cancelledError();
    // A bootstrap that dies before it reaches the Runtime API (a missing library, a bad layer)
    // would leave the invocation waiting for its deadline: its exit is the answer instead.
    const died = this.exited?.then(async (code) => {
      const lines = await this.logLines(5);
      throw new AppError('invoke-failed', `The function exited (code ${code}) before it answered: ${lines.join(' | ') || 'it printed nothing'}.`);
    });
    const r = await Promise.race([this.api.invoke(payload, { timeoutMs: this.timeoutSeconds * 1000 }), ...(died ? [died] : [])]);
    let body: unknown = r.body;
    try {
      body = JSON.parse(r.body);
    } catch {
      // not JSON: the raw text is the answer
    }
    return { ok: r.ok, body, raw: r.body, durationMs: r.durationMs, billedDurationMs: Math.ceil(r.durationMs) };
  }

  /** What the function printed (its CloudWatch log, on this machine). */
  logLines(n = 50): Promise<string[]> {
    return lastLogLines(this.docker, this.containerId, n);
  }

  async close(): Promise<void> {
    await removeQuietly(() => this.docker.getContainer(this.containerId).remove({ force: true })).catch(() => undefined);
    await this.api.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function readManifest(dir: string): Promise<LambdaManifest> {
  const text = await readFile(path.join(dir, 'manifest.json'), 'utf8').catch(() => undefined);
  if (text === undefined) throw new AppError('not-found', `${dir} holds no Lambda package. Build one with \`rdeploy package --target lambda\`.`);
  try {
    return JSON.parse(text) as LambdaManifest;
  } catch {
    throw new AppError('not-found', `${path.join(dir, 'manifest.json')} is not valid JSON. Build the package again with \`rdeploy package --target lambda\`.`);
  }
}
