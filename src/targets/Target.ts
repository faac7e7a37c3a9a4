import type { RProject } from '../core/project/model';
import type { DeploymentRecord } from '../core/records/record';

export type TargetKind = 'local' | 'lambda' | 'aci' | 'batch';

/** Reports progress of long work. `message` is a short phase; `line` is streamed log output. */
export interface Progress {
  report(update: { message?: string; line?: string; increment?: number }): void;
}

export interface TargetContext {
  signal?: AbortSignal;
  progress?: Progress;
}

export interface DeployOptions {
  name: string;
  baseImage?: string;
  /** Host port; 0 or undefined picks a free one. */
  port?: number;
  /** rdeploy.json "exclude": files and folders (.dockerignore patterns) left out of the image. */
  exclude?: readonly string[];
}

/** What a deploy would create, as data: pure, shown before anything happens. */
export interface Plan {
  target: TargetKind;
  name: string;
  project: RProject;
  resources: { kind: string; id: string; description: string }[];
  details: Record<string, unknown>;
  /** Estimated monthly cost in USD when known; local is 0. */
  estimatedMonthlyCostUsd?: number;
}

export interface InvokeResult {
  /** true when the handler returned a value, false when it raised an R error. */
  ok: boolean;
  /** The parsed JSON the handler answered (a value, or {errorType, errorMessage}). */
  body: unknown;
  /** The raw JSON text, exactly as the runtime sent it. */
  raw: string;
  durationMs: number;
  billedDurationMs?: number;
}

export interface LogEvent {
  timestamp: string;
  stream: 'stdout' | 'stderr';
  message: string;
}

export interface Status {
  state: 'running' | 'stopped' | 'missing' | 'unhealthy' | 'starting';
  detail?: string;
}

export interface Target {
  readonly kind: TargetKind;
  plan(project: RProject, options: DeployOptions): Plan;
  deploy(plan: Plan, ctx: TargetContext): Promise<DeploymentRecord>;
  invoke(record: DeploymentRecord, payload: string, ctx: TargetContext): Promise<InvokeResult>;
  logs(record: DeploymentRecord, opts: { follow?: boolean; tail?: number; signal?: AbortSignal }): AsyncIterable<LogEvent>;
  status(record: DeploymentRecord): Promise<Status>;
  /** Idempotent; leaves nothing billable (for local: no container, no image it built). */
  destroy(record: DeploymentRecord, ctx: TargetContext): Promise<void>;
}
