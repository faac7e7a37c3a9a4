import { redactSecretText } from '../core/secrets';
import * as vscode from 'vscode';
import { isAppError } from '../core/errors';
import { isAutomation } from './args';
import type { RDeployContext } from './context';

export type CommandHandler = (ctx: RDeployContext, arg?: unknown, ...rest: unknown[]) => unknown;

/**
 * Runs every command through one wrapper: timing in the log, cancellation silent, an
 * AppError shown as its sentence with "Show Log", anything else as a short message with the
 * stack in the log. Programs that say so (`automation: true` or `confirm: false`) get the error back instead of a
 * notification, so tests can assert on it.
 */
export async function runCommand(ctx: RDeployContext, id: string, handler: CommandHandler, arg: unknown, rest: unknown[]): Promise<unknown> {
  const started = performance.now();
  const automated = isAutomation(arg);
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
    logError(ctx, `${id} failed after ${ms} ms`, e);
    if (automated) throw e;
    void showError(ctx, e);
    return undefined;
  }
}

/**
 * For work that runs after a command returned (a follow-up notification, a button): the same
 * log line and the same error message with "Show Log" as a failed command; cancellation silent.
 */
export function reportError(ctx: RDeployContext, what: string, e: unknown): void {
  if (isCancellation(e)) return;
  logError(ctx, `${what} failed`, e);
  void showError(ctx, e);
}

function logError(ctx: RDeployContext, prefix: string, e: unknown): void {
  if (isAppError(e)) {
    ctx.log.error(redactSecretText(`${prefix} [${e.code}]: ${e.message}`));
    if (e.cause) ctx.log.error(redactSecretText(describe(e.cause)));
  } else {
    ctx.log.error(redactSecretText(`${prefix} with an unexpected error: ${describe(e)}`));
  }
}

async function showError(ctx: RDeployContext, e: unknown): Promise<void> {
  // Text from R or a container may quote a URL with a signature in it: never show that part.
  const message = redactSecretText(isAppError(e) ? e.message : vscode.l10n.t('Unexpected error: {0}', e instanceof Error ? e.message : String(e)));
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
