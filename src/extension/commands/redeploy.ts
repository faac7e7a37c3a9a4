import * as vscode from 'vscode';
import type { DeploymentRecord } from '../../core/records/record';
import { catalogueEntry, type TargetKind } from '../../targets/catalogue';
import { isAutomation, resolveDeployment } from '../args';
import type { RDeployContext } from '../context';
import { requireTrust } from '../trust';
import { makePlan, runDeploy } from './deployModel';
import { assertNotBusy } from './operationLocks';

/** Redeploy: the same project, name, target, handler and base image as the record, rebuilt from today's files. */
export async function redeploy(ctx: RDeployContext, arg?: unknown): Promise<DeploymentRecord> {
  requireTrust(vscode.l10n.t('Redeploying'));
  const { root, record } = await resolveDeployment(ctx, arg);
  // Fail before planning when a deploy or destroy of it runs; runDeploy holds the lock itself.
  await assertNotBusy(ctx, root, record.name);
  const kind = catalogueEntry(record.target).kind as TargetKind;
  const { baseImage } = ctx.deployments.target(kind).redeployOptions(record);
  const plan = await makePlan(ctx, root, kind, record.name, { baseImage, handler: record.handler });
  return runDeploy(ctx, plan, isAutomation(arg));
}
