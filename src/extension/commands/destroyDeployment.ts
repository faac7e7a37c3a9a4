import * as vscode from 'vscode';
import { deploymentId } from '../../core/view/deploymentState';
import { automationArgs, resolveDeployment } from '../args';
import type { RDeployContext } from '../context';
import { TailManager } from '../logs/TailManager';
import { isTargetKind, resourcesToDelete, targetLabel, type TargetKind } from '../../targets/catalogue';
import { withCancellableProgress } from '../ui/progress';
import { assertNotBusy, withOperationLock } from './operationLocks';

/** Destroy…: after a modal naming exactly what goes (unless `confirm: false`), removes it all. */
export async function destroyDeployment(ctx: RDeployContext, arg?: unknown): Promise<boolean> {
  const ref = await resolveDeployment(ctx, arg);
  const { root, record } = ref;
  const doomed = resourcesToDelete(record);
  // Before the dialog too: no point asking while a deploy of it runs.
  await assertNotBusy(ctx, root, record.name);
  if (automationArgs(arg)?.confirm !== false) {
    const list = doomed.length ? doomed.map((r) => `• ${r}`).join('\n') : vscode.l10n.t('(nothing left but the record)');
    const destroy = vscode.l10n.t('Destroy');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Destroy the deployment "{0}" ({1})?', record.name, targetLabel(record.target)),
      { modal: true, detail: vscode.l10n.t('This deletes:\n{0}\nand the deployment record. It cannot be undone.', list) },
      destroy,
    );
    if (answer !== destroy) return false;
  }
  const report = await withOperationLock(ctx, root, record.name, 'destroying', async () => {
    ctx.tails.stop(TailManager.key(ref));
    try {
      // No Cancel: the target does not stop a destroy half-way, so the button would lie.
      return await withCancellableProgress(
        vscode.l10n.t('Destroying {0}', record.name),
        ctx.log,
        // From the record on disk now (a deploy may have finished while the dialog was open).
        (signal, progress) => ctx.deployments.destroy({ root, name: record.name }, { signal, progress }, targetKind(record.target)),
        { cancellable: false },
      );
    } finally {
      ctx.model.reloadRecords(root);
    }
  });
  const id = deploymentId(root, record.name);
  ctx.model.forgetStatus(id);
  ctx.invocations.forget(id);
  // What was actually removed, not what the record listed.
  const removed = report && report !== 'nothing-left' ? report.removed : [];
  ctx.log.info(`destroyed ${record.name}: ${removed.join(', ') || 'nothing was left to remove'}`);
  return true;
}

function targetKind(kind: string): TargetKind | undefined {
  return isTargetKind(kind) ? kind : undefined;
}
