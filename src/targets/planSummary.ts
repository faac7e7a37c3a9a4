import * as path from 'node:path';
import { costJson, formatCost, type CostEstimate } from '../core/cost';
import type { RProject } from '../core/project/model';
import { targetLabel } from './catalogue';
import type { Plan } from './Target';

/** What a person reads before a deploy: the same rows in `rdeploy plan` and the Deploy wizard. */
export interface PlanSummary {
  title: string;
  creates: { kind: string; id: string; description: string }[];
  facts: { label: string; value: string }[];
  warnings: string[];
}

const PACKAGES_SHOWN = 6;

export function planSummary(plan: Plan, cost: CostEstimate): PlanSummary {
  const p = plan.project;
  const names = p.packages.map((x) => (x.version ? `${x.name} ${x.version}` : x.name));
  const packages = names.length
    ? `${names.length} from ${source(p)} (${names.slice(0, PACKAGES_SHOWN).join(', ')}${names.length > PACKAGES_SHOWN ? ', …' : ''})`
    : `none recorded (${source(p)})`;
  const settings = Object.entries(plan.settings)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const facts = [
    { label: 'target', value: targetLabel(plan.target) },
    { label: 'project', value: p.root },
    { label: 'handler', value: p.handler },
    ...(plan.baseImage ? [{ label: 'base image', value: plan.baseImage }] : []),
    { label: 'R', value: p.rVersion ?? 'version not recorded' },
    { label: 'packages', value: packages },
    { label: 'runtime', value: `${plan.runtimeMode} mode` },
    ...(settings ? [{ label: 'settings', value: settings }] : []),
    ...(plan.facts ?? []),
    { label: 'cost', value: formatCost(cost) },
  ];
  return { title: `Deploy "${plan.name}" to ${targetLabel(plan.target)}`, creates: plan.resources.map((r) => ({ ...r, id: shortArmId(r.id) })), facts, warnings: [...p.warnings, ...(plan.warnings ?? [])] };
}

/**
 * `rdeploy plan --json`: the complete plan under stable keys, a contract other tools rely on.
 * `requests` holds the exact requests the deploy will send; `details` is the target's own part.
 */
export function planJson(plan: Plan, cost: CostEstimate) {
  const p = plan.project;
  return {
    version: 1,
    target: plan.target,
    name: plan.name,
    projectRoot: p.root,
    handler: p.handler,
    runtimeMode: plan.runtimeMode,
    baseImage: plan.baseImage ?? null,
    project: {
      lockfile: { kind: p.kind, path: p.path },
      rVersion: p.rVersion ?? null,
      packages: p.packages.map((x) => ({ name: x.name, version: x.version ?? null, source: x.source })),
      warnings: p.warnings,
    },
    settings: plan.settings,
    resources: plan.resources,
    requests: plan.requests,
    cost: costJson(cost),
    estimatedMonthlyCostUsd: cost.monthlyUsd,
    details: plan.details,
  };
}

/** Where the package list comes from, as the user knows it: renv.lock, packrat.lock, DESCRIPTION. */
function source(p: RProject): string {
  return p.kind === 'scripts' ? 'the library() calls in your scripts' : path.basename(p.path);
}

/** A long ARM id as people read it in a table ("…/roleAssignments/70e2…"): the full one is in `plan --json`. */
export function shortArmId(id: string): string {
  if (id.length <= 60 || !id.includes('/providers/')) return id;
  return `…/${id.split('/').slice(-2).join('/')}`;
}
