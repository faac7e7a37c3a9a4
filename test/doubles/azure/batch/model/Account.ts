import type { SupportedImage } from './images';
import type { JobRecord, PoolRecord, ScheduleRecord } from './types';

/**
 * One Batch account's state, shared by its two planes: the management plane (pools as ARM
 * children of the account) and the data plane (its own HTTPS host, `accountEndpoint`). Ids are
 * case-insensitive and case-preserving, so maps are keyed by the lower-cased id.
 */
export interface AccountSettings {
  /** Multiplies the service's delays (node start-up, autoscale interval, sampling). */
  timeScale: number;
  supportedImages: SupportedImage[];
  /** The service's clock (time() in formulas, image end-of-life checks). */
  now: () => number;
  /** Enable AutoScale on one pool at most once per this many ms (the service: 30 s, not scaled). */
  enableAutoScaleIntervalMs: number;
  /** How long a new node takes to join, before timeScale (the service: a few minutes). */
  nodeStartMs: number;
  activeJobAndJobScheduleQuota: number;
  poolQuota: number;
  dedicatedCoreQuota: number;
  lowPriorityCoreQuota: number;
}

export class AccountState {
  readonly pools = new Map<string, PoolRecord>();
  readonly jobs = new Map<string, JobRecord>();
  readonly schedules = new Map<string, ScheduleRecord>();
  /** 127.0.0.1:PORT of the data plane, once it listens (accountEndpoint has no scheme). */
  host = '';
  private sequence = 0;

  constructor(
    readonly name: string,
    readonly resourceGroup: string,
    readonly location: string,
    readonly subscriptionId: string,
    readonly poolAllocationMode: 'BatchService' | 'UserSubscription',
    readonly tags: Record<string, string>,
    readonly settings: AccountSettings,
  ) {}

  get url(): string {
    return `https://${this.host}`;
  }

  get armId(): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${this.resourceGroup}/providers/Microsoft.Batch/batchAccounts/${this.name}`;
  }

  nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }

  pool(id: string): PoolRecord | undefined {
    return this.pools.get(id.toLowerCase());
  }

  job(id: string): JobRecord | undefined {
    return this.jobs.get(id.toLowerCase());
  }

  schedule(id: string): ScheduleRecord | undefined {
    return this.schedules.get(id.toLowerCase());
  }

  /** Jobs and schedules that count against activeJobAndJobScheduleQuota. */
  activeJobsAndSchedules(): number {
    const jobs = [...this.jobs.values()].filter((j) => j.state !== 'completed' && j.state !== 'deleting').length;
    const schedules = [...this.schedules.values()].filter((s) => s.state !== 'completed' && s.state !== 'deleting').length;
    return jobs + schedules;
  }

  scaled(ms: number): number {
    return Math.max(0, Math.round(ms * this.settings.timeScale));
  }
}
