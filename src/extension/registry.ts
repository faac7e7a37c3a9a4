import * as vscode from 'vscode';
import { isAppError } from '../core/errors';
import { isAutomation } from './args';
import type { RDeployContext } from './context';

export type CommandHandler = (ctx: RDeployContext, arg?: unknown, ...rest: unknown[]) => unknown;

/**
 * Runs every command through one wrapper: timing in the log, cancellation silent, an
 * AppError shown as its sentence with "Show Log", anything else as a short message with the
 * stack in the log. Programs calling with an automation object get the error back instead of a
 * notification, so tests can assert on it.
 */
export async function runCommand(ctx: RDeployContext, id: string, handler: CommandHandler, arg: unknown, rest: unknown[]): Promise<unknown> {
  const started = performance.now();
  const automated = isAutomation(arg) && typeof arg === 'object';
  try {
    const result = await handler(ctx, arg, ...rest);
    ctx.log.info(`${id} done in ${Math.round(performance.now() - started)} ms`);
    return result;
  } catch (e) {
    const ms = Math.round(performance.now() - started);
    if (isCancellation(e)) {
      ctx.log.info(`${id} cancelled after ${ms} ms`);
      return undefined;
    }
    if (isAppError(e)) {
      ctx.log.error(`${id} failed after ${ms} ms [${e.code}]: ${e.message}`);
      if (e.cause) ctx.log.error(describe(e.cause));
    } else {
      ctx.log.error(`${id} failed after ${ms} ms with an unexpected error: ${describe(e)}`);
    }
    if (automated) throw e;
    void showError(ctx, isAppError(e) ? e.message : vscode.l10n.t('Unexpected error: {0}', e instanceof Error ? e.message : String(e)));
    return undefined;
  }
}

async function showError(ctx: RDeployContext, message: string): Promise<void> {
  const showLog = vscode.l10n.t('Show Log');
  if ((await vscode.window.showErrorMessage(message, showLog)) === showLog) ctx.log.show(true);
}

export function isCancellation(e: unknown): boolean {
  if (isAppError(e)) return e.cancelled;
  return e instanceof vscode.CancellationError || (e instanceof Error && e.name === 'AbortError');
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.stack ?? e.message;
  return String(e);
}
