import { AppError, cancelledError } from '../../core/errors';
import type { Owner } from '../../core/owner';
import type { DeploymentRecord } from '../../core/records/record';
import { deleteRecord, recordPath, writeRecord, writeTombstone } from '../../core/records/store';
import { redactSecretText } from '../../core/secrets';
import type { Target, TargetContext } from '../Target';
import { acquireLock } from './lock';
import { readDeploymentOrProblem, sweeps } from './records';
import { removeOne } from './remove';

/** What destroy did, in words a person recognises; printed as it is, never from the record's list. */
export interface DestroyReport {
  name: string;
  target: string;
  removed: string[];
  /** Recorded, but already gone (removed by hand, or a crash before it was created). */
  alreadyGone: string[];
  /** Recorded, but carrying another deployment's labels or none: never touched. */
  leftAlone: string[];
  /** Record fields dropped because they looked like secrets. */
  redacted: string[];
  /** The record could not be read; destroy went by the labels or tags alone. */
  unreadableRecord?: string;
}

/**
 * Removes everything of a deployment, newest first, then its record. Works from the record alone,
 * and besides it sweeps everything carrying the deployment's labels or tags, so that a crash
 * between "created" and "recorded" — or a record that cannot be read — leaves nothing behind.
 * Idempotent: what is already gone is reported as such, not as an error. Until the end the record says
 * `destroying`, so an interrupted destroy shows and can simply be repeated.
 */
export async function runDestroy(target: Target, owner: Owner, ctx: TargetContext, tool: string): Promise<DestroyReport> {
  if (ctx.signal?.aborted) throw cancelledError();
  const lock = await acquireLock(owner.root, owner.name, 'destroying', tool);
  try {
    if (lock.tookOver) ctx.progress?.report({ note: `took over the lock of ${lock.tookOver.tool} (pid ${lock.tookOver.pid}), which is no longer running` });
    const { record, problem } = await readDeploymentOrProblem(owner.root, owner.name);
    // Resource operations read their scope (a cloud region, a profile) from the record when there is one.
    if (record) ctx = { ...ctx, record };
    // Reach the engine or the cloud before writing anything: what carries the labels, by kind.
    const labelled = new Map<string, string[]>();
    for (const [kind, resource] of Object.entries(target.resources)) labelled.set(kind, sweeps(record, kind, resource) ? await resource.find(owner, ctx) : []);
    const report: DestroyReport = {
      name: owner.name,
      target: target.kind,
      removed: [],
      alreadyGone: [],
      leftAlone: [],
      redacted: record?.redacted ?? [],
      ...(problem ? { unreadableRecord: problem.file } : {}),
    };
    const current: DeploymentRecord | undefined = record && { ...record, status: 'destroying', resources: record.resources.map((r) => ({ ...r })) };
    if (current) {
      current.updatedAt = new Date().toISOString();
      await writeRecord(owner.root, current);
    }
    const failures: string[] = [];
    const handled = new Set<string>();
    const describe = (kind: string, id: string) => target.resources[kind]?.describe(id, current ?? stub(owner, target)) ?? `${kind} ${id}`;
    const removeAndReport = async (kind: string, id: string, recorded: boolean) => {
      handled.add(`${kind}\0${id}`);
      try {
        // The progress line only for what is ours: never "Removing" what is then left alone.
        const outcome = await removeOne(target, { kind, id }, owner, ctx, () => ctx.progress?.report({ message: `Removing ${describe(kind, id)}` }));
        if (outcome === 'removed') report.removed.push(describe(kind, id));
        else if (recorded) (outcome === 'gone' ? report.alreadyGone : report.leftAlone).push(describe(kind, id));
        if (outcome !== 'not-ours') for (const r of current?.resources ?? []) if (r.kind === kind && r.id === id) r.state = 'deleted';
      } catch (e) {
        failures.push(`${describe(kind, id)}: ${(e as Error).message}`);
      }
    };
    for (const r of [...(current?.resources ?? [])].reverse()) {
      if (r.state !== 'deleted') await removeAndReport(r.kind, r.id, true);
    }
    for (const kind of Object.keys(target.resources).reverse()) {
      let ids = labelled.get(kind) ?? [];
      // Scratch kinds are looked for again now, after the recorded resources are gone: a job that was
      // still running (an ACI run) may have made one since the first look, and nothing else would find it.
      if (target.resources[kind]!.unrecorded) {
        try {
          ids = [...new Set([...ids, ...(await target.resources[kind]!.find(owner, ctx))])];
        } catch (e) {
          failures.push(`${kind}: ${(e as Error).message}`);
        }
      }
      for (const id of ids) {
        if (!handled.has(`${kind}\0${id}`)) await removeAndReport(kind, id, false);
      }
    }
    if (failures.length) {
      if (current) {
        current.status = 'failed';
        current.error = redactSecretText(`Destroy could not remove: ${failures.join('; ')}`);
        await writeRecord(owner.root, current);
      }
      throw new AppError('deploy-failed', `Could not remove everything of "${owner.name}": ${failures.join('; ')}. Run destroy again once that is fixed.`);
    }
    if (current && report.leftAlone.length) {
      // The record names things this deployment does not own (the project was moved, or its
      // .rdeploy folder copied from another): keep it, so nothing is forgotten, and say why.
      current.status = 'failed';
      current.error = `Destroy left alone ${report.leftAlone.join(', ')}: not labelled as this project's.`;
      await writeRecord(owner.root, current);
      throw new AppError(
        'deploy-failed',
        `Left alone ${report.leftAlone.join(', ')}: it carries another project's labels (was this project moved, or its .rdeploy folder copied?). Nothing else of "${owner.name}" is left. If that is not this project's deployment, delete ${recordPath(owner.root, owner.name)}.`,
      );
    }
    // Gone: the name is free again and lists show only what exists; the tombstone lets a repeat
    // destroy say "nothing left" rather than "no such deployment".
    await deleteRecord(owner.root, owner.name);
    if (record || problem || report.removed.length) await writeTombstone(owner.root, owner.name, target.kind);
    return report;
  } finally {
    await lock.release();
  }
}

/** A record to describe resources by when the real one cannot be read. */
function stub(owner: Owner, target: Target): DeploymentRecord {
  const now = new Date().toISOString();
  return { version: 1, name: owner.name, target: target.kind, status: 'destroying', projectRoot: owner.root, handler: '', createdAt: now, updatedAt: now, resources: [], details: {} };
}
