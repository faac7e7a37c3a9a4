import * as vscode from 'vscode';
import type { Plan } from '../../targets/Target';
import { targetLabel } from '../tree/DeploymentNode';
import type { MultiStepInput } from '../ui/MultiStepInput';

/** The last step of Deploy: what will be created, the base image, size and cost; accept to deploy. */
export async function confirmPlanStep(input: MultiStepInput, plan: Plan, step: { title: string; step: number; totalSteps: number }): Promise<void> {
  type Item = vscode.QuickPickItem & { go?: boolean };
  const d = plan.details;
  const cost =
    plan.target === 'local'
      ? vscode.l10n.t('free — runs on your machine')
      : plan.estimatedMonthlyCostUsd !== undefined
        ? vscode.l10n.t('about ${0} per month', plan.estimatedMonthlyCostUsd.toFixed(2))
        : vscode.l10n.t('unknown');
  const go: Item = {
    label: `$(rocket) ${vscode.l10n.t('Deploy "{0}" to {1}', plan.name, targetLabel(plan.target))}`,
    description: cost,
    detail: vscode.l10n.t('Handler {0} in {1}', plan.project.handler, plan.project.root),
    go: true,
  };
  const items: Item[] = [go, { label: vscode.l10n.t('Will create'), kind: vscode.QuickPickItemKind.Separator }];
  for (const r of plan.resources) items.push({ label: `$(${r.kind === 'image' ? 'package' : 'vm'}) ${r.kind}`, description: r.id, detail: r.description });
  items.push({ label: vscode.l10n.t('Details'), kind: vscode.QuickPickItemKind.Separator });
  if (typeof d.baseImage === 'string') items.push({ label: `$(layers) ${vscode.l10n.t('Base image')}`, description: d.baseImage });
  items.push({ label: `$(package) ${vscode.l10n.t('R packages')}`, description: vscode.l10n.t('{0} from {1}', plan.project.packages.length, plan.project.kind) });
  if (typeof d.imageSizeBytes === 'number') items.push({ label: `$(database) ${vscode.l10n.t('Image size')}`, description: `${(d.imageSizeBytes / 1e6).toFixed(0)} MB` });
  items.push({ label: `$(credit-card) ${vscode.l10n.t('Estimated cost')}`, description: cost });
  for (const w of plan.project.warnings) items.push({ label: `$(warning) ${w}` });
  await input.showQuickPick({ ...step, items, active: go, placeholder: vscode.l10n.t('Review the plan, then choose Deploy'), accept: (i) => Boolean(i.go) });
}
