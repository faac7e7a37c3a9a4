import type { z } from 'zod';
import { AppError } from '../core/errors';
import { aciTarget } from './aci';
import { AciSettingsSchema } from './aci/settings';
import { aciPackaging } from './aci/twin';
import { batchTarget } from './batch';
import { BatchSettingsSchema } from './batch/settings';
import { batchPackaging } from './batch/twin';
import { lambdaTarget } from './lambda';
import { lambdaPackaging } from './lambda/package';
import { LambdaSettingsSchema } from './lambda/settings';
import { localTarget } from './local';
import { LocalSettingsSchema } from './local/settings';
import type { DeploymentRecord } from '../core/records/record';
import type { Packaging } from './Packaging';
import type { RecordItem, Target } from './Target';

/** What a target can do, so the CLI, the wizard and the tree need not know targets by name. */
export interface Capabilities {
  /** It answers invocations at an endpoint (else: it runs jobs). */
  endpoint: boolean;
  /** It can run on a schedule. */
  schedule: boolean;
  /** Its logs can be followed live. */
  liveLogs: boolean;
  /** It costs money while it exists. */
  costsMoney: boolean;
  /** It needs cloud credentials. */
  credentials: boolean;
  /** The least number of seconds between two status polls (cloud APIs are paid or throttled). */
  statusPollSeconds: number;
}

export interface CatalogueEntry {
  readonly kind: string;
  /** What people call it: "Local Docker". */
  readonly label: string;
  /** One line: where it runs and what it costs. */
  readonly description: string;
  /** A codicon for lists and trees. */
  readonly icon: string;
  readonly capabilities: Capabilities;
  /** `rdeploy.json` → `targets.<kind>`; also what `--set KEY=VALUE` may set. */
  readonly settings: z.ZodObject;
  /** The implementation; absent while the target is not available in this version. */
  readonly target?: () => Target;
  /** Its artefacts built ahead of a deploy (`rdeploy package`); absent for an image-only target. */
  readonly packaging?: () => Packaging;
}

/**
 * The one list of targets. The CLI's help and choices, the Deploy wizard, the tree, the
 * `rdeploy.defaultTarget` enum in package.json, the rdeploy.json schema and the record schema
 * all come from here (test/unit/targets/catalogue.test.ts fails if a target is listed anywhere
 * else). A new target is one folder under src/targets/ and one entry here.
 */
export const CATALOGUE = [
  {
    kind: 'local',
    label: 'Local Docker',
    description: 'Docker on this machine · free',
    icon: 'vm',
    capabilities: { endpoint: true, schedule: false, liveLogs: true, costsMoney: false, credentials: false, statusPollSeconds: 2 },
    settings: LocalSettingsSchema,
    target: () => localTarget,
  },
  {
    kind: 'lambda',
    label: 'AWS Lambda',
    description: 'an R runtime as layers or an image · pay per request',
    icon: 'zap',
    capabilities: { endpoint: true, schedule: true, liveLogs: true, costsMoney: true, credentials: true, statusPollSeconds: 60 },
    settings: LambdaSettingsSchema,
    target: () => lambdaTarget as Target,
    packaging: () => lambdaPackaging,
  },
  {
    kind: 'aci',
    label: 'Azure Container Instances',
    description: 'a container started by a Logic App · pay per run',
    icon: 'azure',
    capabilities: { endpoint: true, schedule: true, liveLogs: true, costsMoney: true, credentials: true, statusPollSeconds: 60 },
    settings: AciSettingsSchema,
    target: () => aciTarget as Target,
    packaging: () => aciPackaging,
  },
  {
    kind: 'batch',
    label: 'Azure Batch',
    description: 'pools and job schedules for batch scoring · pay per node',
    icon: 'server-process',
    capabilities: { endpoint: false, schedule: true, liveLogs: true, costsMoney: true, credentials: true, statusPollSeconds: 120 },
    settings: BatchSettingsSchema,
    target: () => batchTarget as Target,
    packaging: () => batchPackaging,
  },
] as const satisfies readonly CatalogueEntry[];

export type TargetKind = (typeof CATALOGUE)[number]['kind'];
export const TARGET_KINDS = CATALOGUE.map((e) => e.kind) as [TargetKind, ...TargetKind[]];

export function isTargetKind(value: unknown): value is TargetKind {
  return typeof value === 'string' && (TARGET_KINDS as readonly string[]).includes(value);
}

export function catalogueEntry(kind: string): CatalogueEntry {
  const entry = CATALOGUE.find((e) => e.kind === kind);
  if (!entry) throw new AppError('usage', `Unknown target "${kind}". Choose one of: ${TARGET_KINDS.join(', ')}.`);
  return entry;
}

export function isAvailable(kind: string): boolean {
  return Boolean((catalogueEntry(kind) as CatalogueEntry).target);
}

/** What people call a target; the kind itself for one this version does not know. */
export function targetLabel(kind: string): string {
  return CATALOGUE.find((e) => e.kind === kind)?.label ?? kind;
}

/** The implementation of a kind, or one clear sentence when this version does not have it. */
export function getTarget(kind: string): Target {
  const entry: CatalogueEntry = catalogueEntry(kind);
  if (!entry.target) {
    throw new AppError('usage', `The ${entry.label} target (${kind}) is not available in this version of R Deploy yet. Use --target local.`);
  }
  return entry.target();
}

/** Whether a kind has a local twin: artefacts that `rdeploy invoke --local` runs in Docker as its cloud does. */
export function hasLocalTwin(kind: string): boolean {
  return Boolean((CATALOGUE.find((e) => e.kind === kind) as CatalogueEntry | undefined)?.packaging);
}

/** How a kind builds its artefacts ahead of a deploy, or one clear sentence when it builds none. */
export function getPackaging(kind: string): Packaging {
  const entry: CatalogueEntry = catalogueEntry(kind);
  if (!entry.packaging) {
    const have = CATALOGUE.filter((e: CatalogueEntry) => e.packaging).map((e) => e.kind);
    throw new AppError('usage', `The ${entry.label} target (${kind}) has nothing to package: its deploy builds an image. \`rdeploy package\` is for ${have.join(', ')}.`);
  }
  return entry.packaging();
}

/** The record's parts a person wants to see (image, base image, …); none for a target this version lacks. */
export function recordItems(record: DeploymentRecord): RecordItem[] {
  const entry = CATALOGUE.find((e) => e.kind === record.target) as CatalogueEntry | undefined;
  return entry?.target ? entry.target().describe(record) : [];
}

/**
 * What destroy will delete, in words a person recognises (the names `docker ps` or the cloud
 * console show), newest first; resources already deleted are left out.
 */
export function resourcesToDelete(record: DeploymentRecord): string[] {
  const entry = CATALOGUE.find((e) => e.kind === record.target) as CatalogueEntry | undefined;
  const target = entry?.target?.();
  return record.resources
    .filter((r) => r.state !== 'deleted')
    .reverse()
    .map((r) => target?.resources[r.kind]?.describe(r.id, record) ?? `${r.kind} ${r.id}`);
}
