import { connectDocker } from '../../core/docker/engineConnect';
import type { RProject } from '../../core/project/model';
import type { DeploymentRecord } from '../../core/records/record';
import type { DeployOptions, InvokeResult, LogEvent, Plan, Status, Target, TargetContext } from '../Target';
import type { BuildInputsFactory } from './buildInputs';
import { generatedBuildInputs } from './generatedBuildInputs';
import { deployLocal } from './deploy';
import { destroyLocal } from './destroy';
import type { DockerFactory } from './dockerClient';
import { invokeLocal } from './invoke';
import { containerLogs, type LogOptions } from './logs';
import { planLocal } from './plan';
import { containerStatus } from './status';

export interface LocalTargetDeps {
  /** Connects to the engine; production: the engine the docker CLI would use, pinged. */
  docker?: DockerFactory;
  /** Dockerfile, .dockerignore and generated files for a project. */
  buildInputs?: BuildInputsFactory;
  /** How long the model may take to answer GET /ping after the container starts. */
  readyTimeoutMs?: number;
  pollMs?: number;
}

/** Local Docker: the default target, no cloud account. The container runs on the host network, bound to 127.0.0.1. */
export class LocalTarget implements Target {
  readonly kind = 'local' as const;
  private readonly docker: DockerFactory;
  private readonly buildInputs: BuildInputsFactory;
  private readonly readyTimeoutMs: number;
  private readonly pollMs: number;
  private client: ReturnType<DockerFactory> | undefined;

  constructor(deps: LocalTargetDeps = {}) {
    this.docker = deps.docker ?? (() => connectDocker());
    this.buildInputs = deps.buildInputs ?? generatedBuildInputs;
    this.readyTimeoutMs = deps.readyTimeoutMs ?? 120_000;
    this.pollMs = deps.pollMs ?? 250;
  }

  plan(project: RProject, options: DeployOptions): Plan {
    return planLocal(project, options, this.buildInputs);
  }

  deploy(plan: Plan, ctx: TargetContext): Promise<DeploymentRecord> {
    return deployLocal(plan, ctx, { docker: () => this.connect(), readyTimeoutMs: this.readyTimeoutMs, pollMs: this.pollMs });
  }

  invoke(record: DeploymentRecord, payload: string, ctx: TargetContext): Promise<InvokeResult> {
    return invokeLocal(record, payload, ctx);
  }

  async *logs(record: DeploymentRecord, opts: LogOptions): AsyncIterable<LogEvent> {
    yield* containerLogs(await this.connect(), record, opts);
  }

  async status(record: DeploymentRecord): Promise<Status> {
    return containerStatus(await this.connect(), record);
  }

  async destroy(record: DeploymentRecord, ctx: TargetContext): Promise<void> {
    await destroyLocal(await this.connect(), record, ctx);
  }

  /** One connection (and one ping) per target instance; a failed attempt is retried next time. */
  private connect(): ReturnType<DockerFactory> {
    this.client ??= this.docker().catch((e: unknown) => {
      this.client = undefined;
      throw e;
    });
    return this.client;
  }
}
