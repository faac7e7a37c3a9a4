import * as path from 'node:path';
import * as vscode from 'vscode';
import { AppError } from '../../core/errors';
import { OperationLocks, type Operation } from '../../core/view/operationLock';
import { lockHolderAlive, lockPath, readLock } from '../../targets/lifecycle/lock';
import type { RDeployContext } from '../context';

// One lock table per extension context (an activation), shared by deploy, redeploy, destroy and map.
// Keyed by the context object so it goes away with it; RDeployContext itself is built in
// services.ts, which another change owns.
const tables = new WeakMap<RDeployContext, OperationLocks>();

export function operationLocks(ctx: RDeployContext): OperationLocks {
  let locks = tables.get(ctx);
  if (!locks) tables.set(ctx, (locks = new OperationLocks(busyError)));
  return locks;
}

/** Runs `work` while holding the deployment's lock (root + name). */
export function withOperationLock<T>(ctx: RDeployContext, root: string, name: string, operation: Operation, work: () => Promise<T>): Promise<T> {
  return operationLocks(ctx).run(path.resolve(root), name, operation, work);
}

/**
 * Fails at once when the deployment is busy: in this window, or in any other process (the CLI,
 * another window) that holds its lock file. The lifecycle takes the lock itself; this only lets
 * the user know before a dialog or a plan.
 */
export async function assertNotBusy(ctx: RDeployContext, root: string, name: string): Promise<void> {
  operationLocks(ctx).assertFree(path.resolve(root), name);
  const holder = await readLock(path.resolve(root), name);
  if (holder && lockHolderAlive(holder)) {
    throw new AppError(
      'busy',
      vscode.l10n.t('"{0}" is being {1} by {2} (pid {3} on {4}); wait for it to finish. If that process is gone, delete {5}.', name, holder.operation === 'destroying' ? vscode.l10n.t('destroyed') : vscode.l10n.t('deployed'), holder.tool, holder.pid, holder.host, lockPath(root, name)),
    );
  }
}

function busyError(name: string, operation: Operation): AppError {
  const message = {
    deploying: () => vscode.l10n.t('{0} is being deployed; wait for it to finish.', name),
    destroying: () => vscode.l10n.t('{0} is being destroyed; wait for it to finish.', name),
    mapping: () => vscode.l10n.t('{0} is mapping over a file; wait for it to finish, or cancel it.', name),
  }[operation];
  return new AppError('usage', message());
}
