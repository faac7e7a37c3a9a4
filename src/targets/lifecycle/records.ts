import { readFile } from 'node:fs/promises';
import { AppError } from '../../core/errors';
import type { DeploymentRecord } from '../../core/records/record';
import { listRecords, readRecord, recordPath } from '../../core/records/store';
import { CATALOGUE, isTargetKind, type CatalogueEntry, type TargetKind } from '../catalogue';
import { lockHolderAlive, readLock } from './lock';

/**
 * Records as the lifecycle reads them, for every target: the target kind and the details checked
 * against the catalogue, and a `deploying`/`destroying` record whose process died shown as
 * `interrupted` — not as busy forever.
 */
export interface Located {
  root: string;
  record: DeploymentRecord;
}

export interface RecordProblem {
  file: string;
  /** The deployment name, from the file name. */
  name: string;
  error: AppError;
  /** The target the file names, when that much could be read (destroy still knows where to look). */
  target?: TargetKind;
  /** The target the file names when this version does not know it (destroy must not guess). */
  unknownTarget?: string;
}

export interface DeploymentList {
  deployments: Located[];
  /** Files that could not be read: shown, never hidden, and never fatal to the rest. */
  problems: RecordProblem[];
}

export async function listDeployments(root: string): Promise<DeploymentList> {
  const { records, problems } = await listRecords(root);
  const out: DeploymentList = { deployments: [], problems: [] };
  for (const p of problems) out.problems.push({ file: p.file, name: nameOf(p.file), error: p.error, ...(await salvageTarget(p.file)) });
  for (const record of records) {
    const checked = await checked_(root, record);
    if ('error' in checked) out.problems.push(checked);
    else out.deployments.push({ root, record: checked.record });
  }
  return out;
}

/**
 * The record of `name`, or undefined when there is none. An unreadable record is an error that
 * names the file; `readProblem` gives what destroy needs to go on without it.
 */
export async function readDeployment(root: string, name: string): Promise<DeploymentRecord | undefined> {
  const record = await readRecord(root, name);
  if (!record) return undefined;
  const checked = await checked_(root, record);
  if ('error' in checked) throw checked.error;
  return checked.record;
}

/** The record, or the problem with it: for destroy, which must go on without a readable record. */
export async function readDeploymentOrProblem(root: string, name: string): Promise<{ record?: DeploymentRecord; problem?: RecordProblem }> {
  try {
    return { record: await readDeployment(root, name) };
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'config-invalid') throw e;
    const file = recordPath(root, name);
    return { problem: { file, name, error: e, ...(await salvageTarget(file)) } };
  }
}

async function checked_(root: string, record: DeploymentRecord): Promise<{ record: DeploymentRecord } | RecordProblem> {
  const file = recordPath(root, record.name);
  if (!isTargetKind(record.target)) {
    const error = new AppError('config-invalid', `The deployment record ${file} names the target "${record.target}", which this version of R Deploy does not know.`);
    return { file, name: record.name, error, unknownTarget: record.target };
  }
  const entry: CatalogueEntry = CATALOGUE.find((e) => e.kind === record.target)!;
  const target = entry.target?.();
  if (target) {
    const details = target.recordDetails.safeParse(record.details);
    if (!details.success) {
      const issue = details.error.issues[0]!;
      const error = new AppError(
        'config-invalid',
        `The deployment record ${file} is invalid: "details.${issue.path.join('.')}": ${issue.message}. Fix it by hand, or run \`rdeploy destroy ${record.name}\` to remove what it deployed.`,
      );
      return { file, name: record.name, error, target: record.target };
    }
  }
  return { record: await withLiveStatus(root, record) };
}

/** `deploying` or `destroying` with no live process holding the lock reads as `interrupted`. */
export async function withLiveStatus(root: string, record: DeploymentRecord): Promise<DeploymentRecord> {
  if (record.status !== 'deploying' && record.status !== 'destroying') return record;
  const holder = await readLock(root, record.name);
  if (holder && lockHolderAlive(holder)) return record;
  return { ...record, status: 'interrupted' };
}

/** The `"target": "..."` of a record too broken to parse, if it can be seen at all. */
async function salvageTarget(file: string): Promise<{ target?: TargetKind; unknownTarget?: string }> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const m = /"target"\s*:\s*"([^"]*)"/.exec(text);
  if (!m) return {};
  return isTargetKind(m[1]) ? { target: m[1] } : { unknownTarget: m[1] };
}

function nameOf(file: string): string {
  return file.replace(/\\/g, '/').split('/').pop()!.replace(/\.json$/, '');
}

/** Whether a sweep for leftovers should look for `kind`: see ResourceKind.unrecorded. */
export function sweeps(record: DeploymentRecord | undefined, kind: string, resource: { unrecorded?: boolean }): boolean {
  return !record || resource.unrecorded === true || record.resources.some((r) => r.kind === kind);
}
