import * as vscode from 'vscode';
import type { CostEstimate } from '../../core/cost';
import { targetLabel } from '../../targets/catalogue';
import { planSummary } from '../../targets/planSummary';
import type { Plan } from '../../targets/Target';
import type { MultiStepInput } from '../ui/MultiStepInput';

// Keyed by the plan's resource kinds and fact labels; anything else gets a neutral icon.
const ICONS: Record<string, string> = {
  image: 'package',
  container: 'vm',
  role: 'shield',
  layers: 'layers',
  function: 'symbol-function',
  url: 'link',
  region: 'globe',
  cost: 'credit-card',
  'base image': 'layers',
  packages: 'package',
  runtime: 'server-process',
};

/** The last step of Deploy: the same summary as `rdeploy plan` — what will be created, the base image, packages and cost; accept to deploy. */
export async function confirmPlanStep(input: MultiStepInput, plan: Plan, cost: CostEstimate, step: { title: string; step: number; totalSteps: number }): Promise<void> {
  type Item = vscode.QuickPickItem & { go?: boolean };
  const summary = planSummary(plan, cost);
  const costText = summary.facts.find((f) => f.label === 'cost')!.value;
  const go: Item = {
    label: `$(rocket) ${vscode.l10n.t('Deploy "{0}" to {1}', plan.name, targetLabel(plan.target))}`,
    description: costText,
    detail: vscode.l10n.t('Handler {0} in {1}', plan.project.handler, plan.project.root),
    go: true,
  };
  const items: Item[] = [go, { label: vscode.l10n.t('Will create'), kind: vscode.QuickPickItemKind.Separator }];
  for (const r of summary.creates) items.push({ label: `$(${ICONS[r.kind] ?? 'circle-outline'}) ${r.kind}`, description: r.id, detail: r.description });
  items.push({ label: vscode.l10n.t('Details'), kind: vscode.QuickPickItemKind.Separator });
  for (const f of summary.facts) {
    if (f.label === 'target' || f.label === 'project' || f.label === 'handler' || f.label === 'settings') continue;
    items.push({ label: `$(${ICONS[f.label] ?? 'info'}) ${f.label}`, description: f.value });
  }
  // One row per setting: a quick pick row does not wrap, and the list of them is long.
  const settings = Object.entries(plan.settings).filter(([, v]) => v !== undefined);
  if (settings.length) items.push({ label: vscode.l10n.t('Settings'), kind: vscode.QuickPickItemKind.Separator });
  for (const [key, value] of settings) items.push({ label: `$(settings-gear) ${key}`, description: typeof value === 'string' ? value : JSON.stringify(value) });
  for (const w of summary.warnings) items.push({ label: `$(warning) ${w}` });
  await input.showQuickPick({ ...step, items, active: go, placeholder: vscode.l10n.t('Review the plan, then choose Deploy'), accept: (i) => Boolean(i.go) });
}
