import * as path from 'node:path';
import * as vscode from 'vscode';
import { AppError } from '../../core/errors';
import { OperationLocks, type Operation } from '../../core/view/operationLock';
import type { RDeployContext } from '../context';

// One lock table per extension context (an activation), shared by deploy, redeploy and destroy.
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

export function assertNotBusy(ctx: RDeployContext, root: string, name: string): void {
  operationLocks(ctx).assertFree(path.resolve(root), name);
}

function busyError(name: string, operation: Operation): AppError {
  return new AppError(
    'usage',
    operation === 'deploying'
      ? vscode.l10n.t('{0} is being deployed; wait for it to finish.', name)
      : vscode.l10n.t('{0} is being destroyed; wait for it to finish.', name),
  );
}
