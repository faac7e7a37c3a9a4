import * as vscode from 'vscode';
import { cancelledError } from '../../core/errors';
import { automationArgs } from '../args';
import type { RDeployContext } from '../context';

/** Stop Tailing Logs: the tail named by the argument, the only one, or one picked among several. */
export async function stopTailing(ctx: RDeployContext, arg?: unknown): Promise<boolean> {
  const tails = ctx.tails.list();
  const args = automationArgs(arg);
  if (args?.name) {
    const match = tails.find((t) => t.ref.record.name === args.name && (!args.root || t.ref.root === args.root));
    return match ? ctx.tails.stop(match.key) : false;
  }
  if (tails.length === 0) return false;
  if (tails.length === 1) return ctx.tails.stop(tails[0]!.key);
  const items = [
    { label: vscode.l10n.t('All'), key: undefined as string | undefined },
    ...tails.map((t) => ({ label: t.ref.record.name, description: t.ref.root, key: t.key as string | undefined })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Stop tailing which log?') });
  if (!picked) throw cancelledError();
  if (picked.key) return ctx.tails.stop(picked.key);
  for (const t of tails) ctx.tails.stop(t.key);
  return true;
}
