import * as vscode from 'vscode';
import { loadProject } from '../../core/project/loadProject';
import { readConfig, resolveSettings } from '../../targets/config';
import { defaultPackageDir } from '../../targets/Packaging';
import { automationArgs, resolveDeployment } from '../args';
import type { RDeployContext } from '../context';
import { showResponse, type ShownResult } from '../invocation';
import { requireTrust } from '../trust';
import { choosePayload } from '../ui/choosePayload';
import { withCancellableProgress } from '../ui/progress';

/**
 * Invoke Locally in Docker: the deployment's cloud artefacts (Lambda: its layers and function.zip,
 * or its image), rebuilt only when out of date, run in local Docker the way the cloud runs them,
 * against R Deploy's own Runtime API: `rdeploy invoke NAME --local`. Nothing in the cloud is called.
 */
export async function invokeLocalTwin(ctx: RDeployContext, arg?: unknown): Promise<ShownResult | undefined> {
  requireTrust(vscode.l10n.t('Invoke Locally in Docker'));
  const ref = await resolveDeployment(ctx, arg);
  const choice = await choosePayload(ctx, ref.root, automationArgs(arg), { title: vscode.l10n.t('Invoke {0} locally in Docker', ref.record.name), panel: false });
  if (choice.kind !== 'payload') return undefined;
  const target = ref.record.target as Parameters<typeof ctx.deployments.invokeLocal>[1];
  const project = await loadProject(ref.root, {});
  const { config } = await readConfig(ref.root);
  const builderImage = ctx.deployments.target(target).redeployOptions(ref.record).baseImage;
  const result = await withCancellableProgress(vscode.l10n.t('Running {0} locally in Docker…', ref.record.name), ctx.log, (signal) =>
    ctx.deployments.invokeLocal(
      project,
      target,
      { name: ref.record.name, out: defaultPackageDir(ref.root, target), ...(builderImage ? { builderImage } : {}), ...(config.exclude ? { exclude: config.exclude } : {}), settings: resolveSettings(target, config) },
      choice.text,
      { signal },
    ),
  );
  await showResponse(ctx, vscode.l10n.t('{0} (local twin)', ref.record.name), result);
  return { ok: result.ok, body: result.body, raw: result.raw, durationMs: result.durationMs };
}
