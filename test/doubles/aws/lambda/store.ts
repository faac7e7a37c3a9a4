// What the double remembers: layer versions and functions, and the timers that move functions
// from Pending to Active and updates from InProgress to Successful.
import { functionArn, layerArn, type Place } from './arns';

export interface LayerVersionRecord {
  layerName: string;
  version: number;
  layerArn: string;
  arn: string;
  description?: string;
  compatibleRuntimes?: string[];
  compatibleArchitectures?: string[];
  licenseInfo?: string;
  createdDate: string;
  zip: Buffer;
  codeSize: number;
  codeSha256: string;
  unzippedBytes: number;
}

/** A layer as a function holds it: Lambda keeps the content, even after DeleteLayerVersion. */
export interface AttachedLayer {
  arn: string;
  codeSize: number;
  unzippedBytes: number;
  zip: Buffer;
}

export interface FunctionCode {
  packageType: 'Zip' | 'Image';
  zip: Buffer;
  imageUri?: string;
  codeSize: number;
  codeSha256: string;
  unzippedBytes: number;
}

export interface FunctionSettings {
  runtime?: string;
  role: string;
  handler?: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  architectures: string[];
  layers: AttachedLayer[];
}

/** Code and settings together: one version of $LATEST. */
export type FunctionVersion = FunctionSettings & { code: FunctionCode };

export interface UrlConfig {
  url: string;
  authType: string;
  cors?: unknown;
  invokeMode: string;
  creationTime: string;
  lastModifiedTime: string;
}

export interface FunctionRecord {
  name: string;
  arn: string;
  /** What GetFunction shows: the latest code and settings, an update's included. */
  latest: FunctionVersion;
  /** What Invoke runs: an update in progress still runs the previous code and configuration. */
  running: FunctionVersion;
  state: 'Pending' | 'Active';
  lastUpdateStatus?: 'InProgress' | 'Successful';
  lastModified: string;
  revisionId: string;
  tags: Record<string, string>;
  url?: UrlConfig;
  policy: Map<string, Record<string, unknown>>;
}

export class Store implements Place {
  readonly functions = new Map<string, FunctionRecord>();
  /** By layer name, oldest version first. */
  readonly layers = new Map<string, LayerVersionRecord[]>();
  /** Version numbers are never reused, even after DeleteLayerVersion. */
  private readonly lastVersion = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly accountId: string,
    readonly region: string,
    readonly settleMs: number,
  ) {}

  functionArn(name: string): string {
    return functionArn(this, name);
  }

  layerArn(name: string): string {
    return layerArn(this, name);
  }

  nextLayerVersion(layerName: string): number {
    const next = (this.lastVersion.get(layerName) ?? 0) + 1;
    this.lastVersion.set(layerName, next);
    return next;
  }

  findLayerVersion(arn: string): LayerVersionRecord | undefined {
    for (const versions of this.layers.values()) {
      const found = versions.find((v) => v.arn === arn);
      if (found) return found;
    }
    return undefined;
  }

  /** Runs `step` after settleMs, unless the double is closed first. */
  settleLater(step: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      step();
    }, this.settleMs);
    this.timers.add(timer);
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
