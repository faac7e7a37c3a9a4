import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import type { ArmDouble } from '../../ArmDouble';
import { ACR_NULL_USER, acrRefreshToken } from '../../aci/acrLogin';
import { Engine, LABEL, registryOf } from '../../aci/engine';
import type { RegistryCredential } from '../../aci/spec';
import type { AccountState } from '../model/Account';
import type { AttemptResult } from '../model/Jobs';
import type { AttemptEnd, ContainerRegistryRef, JobRecord, NodeRecord, PoolRecord, TaskRecord } from '../model/types';
import { splitCommandLine } from './argv';
import type { NodeDisks } from './files';
import { parseRunOptions } from './runOptions';

/**
 * Runs tasks as real containers on the local Docker engine, through the Container Instances
 * double's engine (aci/engine.ts: pulls from loopback registries with credentials, or local images
 * when allowLocalImages is set; waits; removes): the image is the task's containerSettings.imageName,
 * the command line (split as words, no shell) replaces its entrypoint — an empty one keeps it, as
 * the service does — with the Batch environment (AZ_BATCH_*), the job's common and the task's own
 * settings, on the host network, with the node's root directory mounted at the same path and the
 * task's `wd/` as working directory. stdout and stderr go to the task's stdout.txt and stderr.txt
 * as the process writes them. Registries: a user name and password, or the pool's user-assigned
 * identity exchanged for an ACR refresh token (as ACI does, aci/acrLogin.ts).
 */
export const BATCH_LABEL = 'rdeploy-azure-batch';
const TASK_LABEL = 'rdeploy-azure-batch-task';

export interface Attempt {
  cancel(how: AttemptEnd): void;
  done: Promise<AttemptResult>;
}

export class TaskRunner {
  private dockerClient: Docker | undefined;
  private engineInstance: Engine | undefined;
  /** Each task's last attempt: the next one waits for it to have closed its files. */
  private readonly draining = new Map<string, Promise<unknown>>();
  /** Tasks whose last attempt has not finished yet. */
  private readonly active = new Set<string>();

  constructor(
    private readonly arm: ArmDouble,
    private readonly account: AccountState,
    private readonly disks: NodeDisks,
  ) {}

  /** Prefetches the pool's containerImageNames onto a new node (pool start-up). */
  async prepareNode(pool: PoolRecord, node: NodeRecord, signal: AbortSignal): Promise<NodeRecord['errors'][number] | undefined> {
    const config = pool.spec.virtualMachineConfiguration.containerConfiguration;
    if (!config) return undefined;
    for (const image of config.containerImageNames) {
      if (signal.aborted) return undefined;
      try {
        await this.pull(pool, image, undefined);
        node.images.add(image);
      } catch (e) {
        return { code: 'ContainerInvalidImage', message: 'One or more container images specified are invalid', errorDetails: [{ name: 'ContainerImage', value: image }, { name: 'Message', value: message(e) }] };
      }
    }
    return undefined;
  }

  /** Starts one attempt of the task on the node. */
  start(task: TaskRecord, job: JobRecord, pool: PoolRecord, node: NodeRecord): Attempt {
    let cancelled: AttemptEnd | undefined;
    let containerId: string | undefined;
    const key = `${task.jobId}/${task.id}`.toLowerCase();
    const cancel = (how: AttemptEnd) => {
      cancelled = how;
      if (containerId) void this.engine().then((e) => e.remove(containerId!));
    };
    const dir = this.disks.taskDir(node.id, task.jobId, task.id);
    // The task is running from now on: its files exist at once, unless the previous attempt
    // still closes them (then this one truncates them once it has).
    const previous = this.active.has(key) ? this.draining.get(key) : undefined;
    if (!previous) {
      this.disks.prepareSync(dir);
      task.directory = dir;
    }
    this.active.add(key);
    const done = (async (): Promise<AttemptResult> => {
      if (previous) {
        await previous;
        await this.disks.prepare(dir);
        task.directory = dir;
      }
      const settings = task.spec.containerSettings;
      const container = pool.spec.virtualMachineConfiguration.containerConfiguration;
      if (!settings || !container) {
        const why = settings ? 'The pool has no containerConfiguration, so its nodes cannot run container tasks.' : "The pool has a containerConfiguration: the task must specify containerSettings.";
        return { kind: 'failed', failureInfo: { category: 'usererror', code: 'ContainerInvalidSettings', message: 'At least one value of specified task container settings is invalid', details: [{ name: 'Message', value: why }] } };
      }
      if (!node.images.has(settings.imageName)) {
        try {
          await this.pull(pool, settings.imageName, settings.registry);
          node.images.add(settings.imageName);
        } catch (e) {
          return { kind: 'failed', failureInfo: { category: 'usererror', code: 'ContainerInvalidImage', message: 'One or more container images specified are invalid', details: [{ name: 'ContainerImage', value: settings.imageName }, { name: 'Message', value: message(e) }] } };
        }
      }
      if (cancelled) return { kind: 'cancelled' };
      let created: { id: string; logs: Promise<void> };
      try {
        created = await this.create(task, job, pool, node, dir);
      } catch (e) {
        if (cancelled) return { kind: 'cancelled' };
        // The engine could not start the command: the task exits as `docker run` would (127 not
        // found, 126 not executable), and is retried like any other non-zero exit.
        if (/executable file not found|no such file or directory/i.test(message(e))) return { kind: 'exit', exitCode: 127 };
        if (/permission denied/i.test(message(e))) return { kind: 'exit', exitCode: 126 };
        return { kind: 'failed', failureInfo: { category: 'usererror', code: 'ContainerInvalidSettings', message: 'At least one value of specified task container settings is invalid', details: [{ name: 'Message', value: message(e) }] } };
      }
      containerId = created.id;
      const engine = await this.engine();
      if (cancelled) {
        await engine.remove(created.id);
        return { kind: 'cancelled' };
      }
      const exitCode = await engine.wait(created.id);
      await Promise.race([created.logs, new Promise((r) => setTimeout(r, 5000))]);
      await engine.remove(created.id);
      if (cancelled || exitCode === undefined) return { kind: 'cancelled' };
      return { kind: 'exit', exitCode, containerId: created.id };
    })()
      .catch((e: unknown): AttemptResult => ({ kind: 'failed', failureInfo: { category: 'servererror', code: 'Unknown', message: 'An unknown scheduling error has occurred.', details: [{ name: 'Message', value: `test double: ${message(e)}` }] } }))
      .finally(() => {
        if (this.draining.get(key) === done) this.active.delete(key);
      });
    this.draining.set(key, done);
    return { cancel, done };
  }

  /** Resolves once the task's last attempt has ended and closed its files. */
  async idle(task: TaskRecord): Promise<void> {
    await this.draining.get(`${task.jobId}/${task.id}`.toLowerCase());
  }

  /** Waits (at most 30 s) for every attempt to have finished or been cancelled. */
  async settle(): Promise<void> {
    const all = Promise.allSettled([...this.draining.values()]);
    await Promise.race([all, new Promise((r) => setTimeout(r, 30_000).unref())]);
  }

  /** Removes every container this account started (stop), found by its label. */
  async removeAll(): Promise<void> {
    if (!this.dockerClient) return;
    const docker = this.dockerClient;
    const list = await docker.listContainers({ all: true, filters: { label: [`${BATCH_LABEL}=${this.account.name}`] } });
    const engine = await this.engine();
    await Promise.all(list.map((c) => engine.remove(c.Id)));
  }

  async docker(): Promise<Docker> {
    if (this.dockerClient) return this.dockerClient;
    const source = this.arm.options.docker;
    if (source && typeof source !== 'string') return (this.dockerClient = source);
    const { default: DockerCtor } = await import('dockerode');
    this.dockerClient = source ? new DockerCtor({ socketPath: source }) : new DockerCtor();
    return this.dockerClient;
  }

  private async engine(): Promise<Engine> {
    this.engineInstance ??= new Engine(await this.docker(), this.arm.label, this.arm.options.allowLocalImages ?? false);
    return this.engineInstance;
  }

  private async create(task: TaskRecord, job: JobRecord, pool: PoolRecord, node: NodeRecord, dir: string): Promise<{ id: string; logs: Promise<void> }> {
    const docker = await this.docker();
    const settings = task.spec.containerSettings!;
    const options = parseRunOptions(settings.containerRunOptions);
    const argv = splitCommandLine(task.spec.commandLine);
    const nodeRoot = this.disks.nodeRoot(node.id);
    const env = new Map<string, string>();
    const batchEnv: Record<string, string> = {
      AZ_BATCH_ACCOUNT_NAME: this.account.name,
      AZ_BATCH_ACCOUNT_URL: this.account.url,
      AZ_BATCH_POOL_ID: pool.id,
      AZ_BATCH_NODE_ID: node.id,
      AZ_BATCH_NODE_IS_DEDICATED: String(node.dedicated),
      AZ_BATCH_NODE_ROOT_DIR: nodeRoot,
      AZ_BATCH_NODE_SHARED_DIR: path.join(nodeRoot, 'shared'),
      AZ_BATCH_JOB_ID: job.id,
      AZ_BATCH_TASK_ID: task.id,
      AZ_BATCH_TASK_DIR: dir,
      AZ_BATCH_TASK_WORKING_DIR: path.join(dir, 'wd'),
      ...(job.scheduleId ? { AZ_BATCH_JOB_SCHEDULE_ID: job.scheduleId } : {}),
    };
    for (const [k, v] of Object.entries(batchEnv)) env.set(k, v);
    for (const e of [...job.commonEnvironmentSettings, ...task.spec.environmentSettings]) env.set(e.name, e.value ?? '');
    const mounts = settings.containerHostBatchBindMounts;
    const container = await docker.createContainer({
      name: `batch-${safe(this.account.name)}-${safe(task.jobId)}-${safe(task.id)}-${randomBytes(3).toString('hex')}`,
      Image: settings.imageName,
      Env: [...[...env].map(([k, v]) => `${k}=${v}`), ...options.env],
      ...(options.entrypoint ? { Entrypoint: options.entrypoint, ...(argv.length ? { Cmd: argv } : {}) } : argv.length ? { Entrypoint: argv, Cmd: [] } : {}),
      ...(settings.workingDirectory === 'containerImageDefault' ? {} : { WorkingDir: options.workingDir ?? path.join(dir, 'wd') }),
      ...(options.user ? { User: options.user } : {}),
      Labels: { [LABEL]: this.arm.label, [BATCH_LABEL]: this.account.name, [TASK_LABEL]: `${task.jobId}/${task.id}` },
      HostConfig: {
        NetworkMode: 'host',
        // The node's root directory, as the service maps it into task containers — unless the task asks for no mounts.
        Binds: mounts && mounts.length === 0 ? [] : [`${nodeRoot}:${nodeRoot}`],
        ...(options.memory ? { Memory: options.memory } : {}),
        ...(options.nanoCpus ? { NanoCpus: options.nanoCpus } : {}),
        ...(options.shmSize ? { ShmSize: options.shmSize } : {}),
        ...(options.init ? { Init: true } : {}),
      },
    });
    let stream: NodeJS.ReadableStream;
    try {
      await container.start();
      stream = (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream;
    } catch (e) {
      // A container that never ran is not left behind.
      await container.remove({ force: true }).catch(() => undefined);
      throw e;
    }
    const out = createWriteStream(path.join(dir, 'stdout.txt'), { flags: 'a' });
    const err = createWriteStream(path.join(dir, 'stderr.txt'), { flags: 'a' });
    docker.modem.demuxStream(stream, out, err);
    const logs = new Promise<void>((resolve) => {
      const finish = () => void Promise.all([close(out), close(err)]).then(() => resolve());
      stream.on('end', finish);
      stream.on('error', finish);
      stream.on('close', finish);
    });
    return { id: container.id, logs };
  }

  private async pull(pool: PoolRecord, image: string, taskRegistry: ContainerRegistryRef | undefined): Promise<void> {
    const engine = await this.engine();
    const host = registryOf(image);
    const registries = [...(taskRegistry ? [taskRegistry] : []), ...(pool.spec.virtualMachineConfiguration.containerConfiguration?.containerRegistries ?? [])];
    const credentials: RegistryCredential[] = [];
    for (const r of registries) {
      const server = r.registryServer ?? 'docker.io';
      if (server.toLowerCase() !== host.toLowerCase()) continue;
      if (r.identityReference) {
        const identity = pool.spec.identities.find((i) => i.resourceId.toLowerCase() === r.identityReference!.resourceId.toLowerCase());
        const record = identity ? this.arm.userAssignedIdentities.get(identity.resourceId) : undefined;
        if (!record) throw new Error(`the pool has no user-assigned identity '${r.identityReference.resourceId}' for registry '${server}'`);
        credentials.push({ server, username: ACR_NULL_USER, password: await acrRefreshToken(server, this.arm.tokenFor(record.principalId), this.arm.tenantId) });
      } else if (r.username !== undefined) {
        credentials.push({ server, username: r.username, password: r.password ?? '' });
      }
    }
    await engine.pull(image, credentials);
  }
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(() => resolve()));
}

function safe(text: string): string {
  return text.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 40);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
