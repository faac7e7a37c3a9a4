import * as path from 'node:path';
import * as vscode from 'vscode';
import { AppError } from '../../core/errors';
import { invokeLocally } from '../../core/invokeLocally';
import { loadProject } from '../../core/project/loadProject';
import { findRuntimeDir } from '../../core/runtimeDir';
import { automationArgs, resolveProject } from '../args';
import type { RDeployContext } from '../context';
import { showResponse, type ShownResult } from '../invocation';
import { requireTrust } from '../trust';
import { choosePayload, findR, openPayloadTemplate } from '../ui/choosePayload';
import { withCancellableProgress } from '../ui/progress';
import { untilCancelledOrDeactivated } from './extensionLifetime';

/** Invoke Handler Locally: the handler with the host's R, through the runtime's job mode (no Docker). */
export async function invokeHandlerLocally(ctx: RDeployContext, arg?: unknown): Promise<ShownResult | undefined> {
  requireTrust(vscode.l10n.t('Running the handler locally'));
  const root = await resolveProject(ctx, arg);
  const rPath = findR();
  if (!rPath) {
    throw new AppError('not-found', vscode.l10n.t('R was not found. Set rdeploy.rPath or r.rpath.linux (r.rpath.mac, r.rpath.windows) to your R executable, or put R on the PATH.'));
  }
  const project = await loadProject(root);
  const choice = await choosePayload(ctx, root, automationArgs(arg), { title: vscode.l10n.t('Invoke {0} locally', project.handler), panel: false });
  if (choice.kind !== 'payload') return void (await openPayloadTemplate(ctx, root));
  // R stops on Cancel and when the extension deactivates (it must not outlive the window).
  const result = await withCancellableProgress(vscode.l10n.t('Running {0} with local R…', project.handler), ctx.log, (signal) =>
    invokeLocally(root, project.handler, choice.text, { rPath, runtimeDir: findRuntimeDir(), signal: untilCancelledOrDeactivated(ctx, signal) }),
  );
  ctx.log.info(`local R (${rPath}) ran ${project.handler} in ${Math.round(result.durationMs)} ms`);
  for (const line of result.logs.split('\n')) if (line.trim()) ctx.log.info(`  R: ${line}`);
  await showResponse(ctx, `${path.basename(root)} (local R)`, result);
  return { ok: result.ok, body: result.body, raw: result.raw, durationMs: result.durationMs };
}
