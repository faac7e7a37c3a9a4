import { AppError, cancelledError, isAppError } from '../../core/errors';
import type { Owner } from '../../core/owner';
import type { DeploymentRecord, Resource } from '../../core/records/record';
import { deleteTombstone, writeRecord } from '../../core/records/store';
import { redactSecretText } from '../../core/secrets';
import type { Plan, Target, TargetContext } from '../Target';
import { acquireLock } from './lock';
import { readDeployment, sweeps } from './records';
import { removeOne } from './remove';

/**
 * The deploy engine, the same for every target and for redeploys. In the order that keeps a
 * crash recoverable: the lock, then the record ("planned" resources) before any side effect,
 * then each step with the record saved after it. A failure or cancellation removes what this
 * attempt created, in reverse order, and records `failed` with the reason. What a previous
 * deploy left is carried in the record, so nothing is forgotten if this attempt fails.
 */
export async function runDeploy(target: Target, plan: Plan, ctx: TargetContext, tool: string): Promise<DeploymentRecord> {
  const root = plan.project.root;
  const owner: Owner = { root, name: plan.name };
  if (ctx.signal?.aborted) throw cancelledError();
  // Reach the engine or the cloud before writing anything, the lock included: unreachable, there
  // is nothing to record.
  await target.preflight(plan, ctx);
  const lock = await acquireLock(root, plan.name, 'deploying', tool);
  try {
    if (lock.tookOver) ctx.progress?.report({ note: `took over the lock of ${lock.tookOver.tool} (pid ${lock.tookOver.pid}), which is no longer running` });
    const previous = await readDeployment(root, plan.name);
    if (previous && previous.target !== plan.target && previous.status !== 'destroyed') {
      throw new AppError('usage', `"${plan.name}" is already a ${previous.target} deployment of this project. Destroy it first (\`rdeploy destroy ${plan.name}\`) or choose another name.`);
    }
    const carried = await carriedResources(target, previous, owner, { ...ctx, ...(previous ? { record: previous } : {}) });
    const steps = target.steps(plan);
    const now = new Date().toISOString();
    const record: DeploymentRecord = {
      version: 1,
      name: plan.name,
      target: plan.target,
      status: 'deploying',
      projectRoot: root,
      handler: plan.project.handler,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      resources: [...carried, ...steps.flatMap((s) => (s.creates ? [{ kind: s.creates.kind, id: s.creates.id, state: 'planned' as const }] : []))],
      // What the previous deployment recorded (its port, its base image) stays true of what is
      // carried until a step of this attempt says otherwise: a failed redeploy must not forget it.
      details: { ...(previous?.details ?? {}) },
    };
    if (previous?.endpoint) record.endpoint = previous.endpoint;
    const save = async () => {
      record.updatedAt = new Date().toISOString();
      await writeRecord(root, record);
    };
    await save();
    await deleteTombstone(root, plan.name);
    // The live record (its details fill in step by step) is what resource operations read their scope from.
    return await runSteps(target, plan, steps, { record, carried, previous, owner, ctx: { ...ctx, record }, save });
  } finally {
    await lock.release();
  }
}

interface Run {
  record: DeploymentRecord;
  carried: Resource[];
  previous: DeploymentRecord | undefined;
  owner: Owner;
  ctx: TargetContext;
  save(): Promise<void>;
}

async function runSteps(target: Target, plan: Plan, steps: ReturnType<Target['steps']>, run: Run): Promise<DeploymentRecord> {
  const { record, carried, ctx, save } = run;
  const made: Resource[] = [];
  const carriedIds = new Set(carried.map((r) => `${r.kind}\0${r.id}`));
  const createdBy = new Map<string, string>();
  try {
    for (const step of steps) {
      if (ctx.signal?.aborted) throw cancelledError();
      ctx.progress?.report({ message: step.title });
      const creates = step.creates;
      if (creates?.replaces === 'before') await removeCarried(target, record, creates.kind, run, save, { strict: true });
      const out = await step.run({ ctx, owner: run.owner, record, previous: run.previous, created: (kind) => createdBy.get(kind) });
      if (creates) {
        if (!out?.id) throw new AppError('internal', `The step "${step.title}" did not say what it created.`);
        createdBy.set(creates.kind, out.id);
        resolve(record, creates.kind, creates.id, out.id);
        if (!carriedIds.has(`${creates.kind}\0${out.id}`)) made.push({ kind: creates.kind, id: out.id, state: 'created' });
      }
      if (out?.details) record.details = { ...record.details, ...out.details };
      if (out?.endpoint) record.endpoint = out.endpoint;
      await save();
    }
    // Cancelled after the last step: roll back, rather than report "cancelled" over a live deployment.
    if (ctx.signal?.aborted) throw cancelledError();
    record.status = 'running';
    delete record.error;
    // What the new deployment superseded goes now; what cannot be removed yet stays recorded.
    for (const step of steps) {
      if (step.creates?.replaces === 'after') await removeCarried(target, record, step.creates.kind, run, save, { strict: false, keep: createdBy.get(step.creates.kind) });
    }
    // What the previous deploy made of a kind this one no longer plans (a schedule taken out of the
    // settings, the other package type's repository) would go on running unseen: it goes too.
    const planned = new Set(steps.flatMap((s) => (s.creates ? [s.creates.kind] : [])));
    for (const kind of new Set(carried.map((r) => r.kind))) {
      if (!planned.has(kind)) await removeCarried(target, record, kind, run, save, { strict: false });
    }
    record.resources = record.resources.filter((r) => r.state !== 'deleted');
    await save();
    return record;
  } catch (e) {
    const error = ctx.signal?.aborted ? cancelledError() : toAppError(e);
    const leftovers = await rollback(target, record, made, run);
    record.status = 'failed';
    // The reason may quote R's or a container's output, and so a URL with a signature: masked.
    record.error = redactSecretText(error.message + (leftovers.length ? ` (Could not remove ${leftovers.join(', ')}: run \`rdeploy destroy ${plan.name}\`.)` : ''));
    // Nothing planned was created: the record says what exists.
    record.resources = record.resources.filter((r) => r.state !== 'planned');
    if (!record.resources.some((r) => r.kind === target.anchor && r.state === 'created')) delete record.endpoint;
    // The original error matters more than a failed write; but the record must say "failed" and
    // what exists, even if its reason cannot be written.
    await save().catch(async () => {
      delete record.error;
      await save().catch(() => undefined);
    });
    throw error;
  }
}

/**
 * What the previous deployment left: its created resources, and — when that deploy was
 * interrupted — whatever carries this deployment's labels or tags without being recorded
 * (a crash between "created" and "saved").
 */
async function carriedResources(target: Target, previous: DeploymentRecord | undefined, owner: Owner, ctx: TargetContext): Promise<Resource[]> {
  if (!previous) return [];
  const carried = previous.resources.filter((r) => r.state === 'created').map((r) => ({ ...r }));
  // We hold the lock now: a record still saying "deploying" or "destroying" was left by a process that died.
  const unfinished = ['interrupted', 'failed', 'deploying', 'destroying'].includes(previous.status);
  if (unfinished) {
    for (const [kind, resource] of Object.entries(target.resources)) {
      if (!sweeps(previous, kind, resource)) continue;
      for (const id of await resource.find(owner, ctx)) {
        if (!carried.some((r) => r.kind === kind && r.id === id)) carried.push({ kind, id, state: 'created' });
      }
    }
  }
  return carried;
}

/** Removes the carried resources of one kind (not `keep`, the one this deploy created or reused). */
async function removeCarried(
  target: Target,
  record: DeploymentRecord,
  kind: string,
  run: Run,
  save: () => Promise<void>,
  opts: { strict: boolean; keep?: string },
): Promise<void> {
  for (const r of run.carried) {
    if (r.kind !== kind || r.id === opts.keep) continue;
    const current = record.resources.find((x) => x.kind === kind && x.id === r.id);
    if (!current || current.state !== 'created') continue;
    try {
      await removeOne(target, r, run.owner, run.ctx);
      current.state = 'deleted';
      await save();
    } catch (e) {
      if (opts.strict) throw e;
      // still in use by something else: it stays recorded, destroy tries again
    }
  }
}

/** Removes what this attempt created, newest first; never what an earlier deploy left running. */
async function rollback(target: Target, record: DeploymentRecord, made: Resource[], run: Run): Promise<string[]> {
  const leftovers: string[] = [];
  for (const r of [...made].reverse()) {
    try {
      await removeOne(target, r, run.owner, { ...run.ctx, signal: undefined });
      const entry = record.resources.find((x) => x.kind === r.kind && x.id === r.id);
      if (entry) entry.state = 'deleted';
    } catch (e) {
      leftovers.push(`${r.kind} ${r.id} (${(e as Error).message})`);
    }
  }
  return leftovers;
}

/** Replaces a planned resource by the created one (a tag becomes an image id, a name a container id). */
function resolve(record: DeploymentRecord, kind: string, plannedId: string, createdId: string): void {
  record.resources = record.resources.filter((r) => !(r.kind === kind && r.id === plannedId && r.state === 'planned'));
  const found = record.resources.find((r) => r.kind === kind && r.id === createdId);
  if (found) found.state = 'created';
  else record.resources.push({ kind, id: createdId, state: 'created' });
}

function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  return new AppError('deploy-failed', `The deploy failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
