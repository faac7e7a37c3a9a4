import { cpus } from 'node:os';
import type Docker from 'dockerode';
import type { ContainerSpec, RegistryCredential } from './spec';

/**
 * What the Container Instances double asks of the local Docker engine: pull an image with a
 * group's registry credentials, run a container as ACI would (host network, the group's
 * environment, `command` as the entrypoint, CPU and memory limits), read its state and logs,
 * and remove it. dockerode is imported lazily, as everywhere in this project.
 */
export const LABEL = 'rdeploy-azure-double';
export const GROUP_LABEL = 'rdeploy-azure-group';

export interface EngineState {
  status: string;
  running: boolean;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  restartCount: number;
}

export class Engine {
  private docker: Docker | undefined;

  constructor(
    private readonly source: Docker | string | undefined,
    readonly label: string,
    private readonly allowLocalImages: boolean,
  ) {}

  private async client(): Promise<Docker> {
    if (this.docker) return this.docker;
    if (this.source && typeof this.source !== 'string') return (this.docker = this.source);
    const { default: DockerCtor } = await import('dockerode');
    this.docker = this.source ? new DockerCtor({ socketPath: this.source }) : new DockerCtor();
    return this.docker;
  }

  /** Pulls through the engine; throws with the engine's message when it cannot. */
  async pull(image: string, credentials: RegistryCredential[]): Promise<void> {
    const docker = await this.client();
    const host = registryOf(image);
    if (!isLoopback(host)) {
      if (this.allowLocalImages && (await this.hasImage(image))) return;
      throw new Error(`the test double pulls only from registries on 127.0.0.1 or localhost, not '${host}'`);
    }
    const cred = credentials.find((c) => c.server.toLowerCase() === host.toLowerCase());
    const authconfig = cred?.username !== undefined ? { username: cred.username, password: cred.password ?? '', serveraddress: cred.server } : undefined;
    const stream = (await docker.pull(image, authconfig ? { authconfig } : {})) as NodeJS.ReadableStream;
    const output = await new Promise<Array<{ error?: string; errorDetail?: { message?: string } }>>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => (err ? reject(err) : resolve(out))),
    );
    const failed = output.find((o) => o.error !== undefined);
    if (failed) throw new Error(failed.errorDetail?.message ?? failed.error);
  }

  async run(spec: ContainerSpec, restartPolicy: string, groupId: string, containerName: string): Promise<string> {
    const docker = await this.client();
    const env = spec.environmentVariables.map((e) => `${e.name}=${e.value ?? e.secureValue ?? ''}`);
    // The engine refuses more CPUs than the host has; ACI's request is honoured up to that.
    const nanoCpus = Math.round(Math.min(spec.cpu, cpus().length) * 1e9);
    const container = await docker.createContainer({
      name: containerName,
      Image: spec.image,
      Env: env,
      // ACI's `command` replaces the image's entrypoint (Kubernetes semantics).
      ...(spec.command ? { Entrypoint: spec.command, Cmd: [] } : {}),
      Labels: { [LABEL]: this.label, [GROUP_LABEL]: groupId.toLowerCase() },
      HostConfig: {
        NetworkMode: 'host',
        NanoCpus: nanoCpus,
        Memory: Math.round(spec.memoryInGB * 1024 ** 3),
        RestartPolicy: { Name: restartPolicy === 'Always' ? 'always' : restartPolicy === 'OnFailure' ? 'on-failure' : 'no' },
      },
    });
    await container.start();
    return container.id;
  }

  async state(id: string): Promise<EngineState | undefined> {
    const docker = await this.client();
    try {
      const info = await docker.getContainer(id).inspect();
      return {
        status: info.State.Status,
        running: info.State.Running,
        exitCode: info.State.ExitCode,
        startedAt: info.State.StartedAt,
        finishedAt: info.State.FinishedAt,
        restartCount: info.RestartCount,
      };
    } catch {
      return undefined;
    }
  }

  /** stdout and stderr, interleaved as the engine stored them. */
  async logs(id: string, opts: { tail?: number; timestamps?: boolean }): Promise<string> {
    const docker = await this.client();
    const raw = (await docker.getContainer(id).logs({
      stdout: true,
      stderr: true,
      follow: false,
      timestamps: opts.timestamps ?? false,
      ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
    })) as unknown as Buffer;
    return demux(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
  }

  /** Resolves with the exit code when the container exits; undefined when it is removed first. */
  async wait(id: string): Promise<number | undefined> {
    const docker = await this.client();
    try {
      const result = (await docker.getContainer(id).wait()) as { StatusCode: number };
      return result.StatusCode;
    } catch {
      return undefined;
    }
  }

  async stop(id: string): Promise<void> {
    const docker = await this.client();
    try {
      await docker.getContainer(id).stop({ t: 1 });
    } catch {
      // already stopped or gone
    }
  }

  async start(id: string): Promise<void> {
    const docker = await this.client();
    await docker.getContainer(id).start();
  }

  async remove(id: string): Promise<void> {
    const docker = await this.client();
    try {
      await docker.getContainer(id).remove({ force: true });
    } catch {
      // already gone
    }
  }

  /** Every container this double's label marks, for a last sweep on stop(). */
  async labelled(): Promise<string[]> {
    if (!this.docker && this.source === undefined) {
      // Never started anything: do not open a connection just to find nothing.
      return [];
    }
    const docker = await this.client();
    const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL}=${this.label}`] } });
    return list.map((c) => c.Id);
  }

  private async hasImage(image: string): Promise<boolean> {
    const docker = await this.client();
    try {
      await docker.getImage(image).inspect();
      return true;
    } catch {
      return false;
    }
  }
}

/** The registry part of an image reference (Docker's rule: a first segment with '.', ':' or 'localhost'). */
export function registryOf(image: string): string {
  const first = image.split('/')[0]!;
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, '');
  return name === 'localhost' || name.startsWith('127.') || name === '[::1]';
}

/** The engine's multiplexed log format: 8-byte frame headers (stream, 0, 0, 0, size32be). */
function demux(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length && buf[i + 1] === 0 && buf[i + 2] === 0 && buf[i + 3] === 0 && buf[i]! <= 2) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return i === 0 ? buf.toString('utf8') : Buffer.concat(parts).toString('utf8');
}
