import type { Command } from 'commander';
import type { Plan } from '../../targets/Target';
import { getTarget } from '../../targets/registry';
import { addDeployFlags, resolveDeploy, type DeployFlags } from '../deployOptions';
import { print, printJson, table } from '../output';
import { runCommand } from '../run';

export function planJson(plan: Plan) {
  return {
    target: plan.target,
    name: plan.name,
    projectRoot: plan.project.root,
    handler: plan.project.handler,
    resources: plan.resources,
    details: plan.details,
    estimatedMonthlyCostUsd: plan.estimatedMonthlyCostUsd ?? null,
  };
}

export function planCommand(program: Command): void {
  addDeployFlags(program.command('plan [dir]'))
    .description('show what a deploy would create, without creating anything')
    .option('--json', 'print JSON')
    .action((dir: string | undefined, opts: DeployFlags & { json?: boolean }) =>
      runCommand(program.opts(), async ({ cwd }) => {
        const { project, target, options } = await resolveDeploy(dir, opts, cwd);
        const plan = getTarget(target).plan(project, options);
        if (opts.json) return printJson(planJson(plan));
        print(`Deploying ${project.root} as "${plan.name}" to ${plan.target} would create:`);
        print(table(['  kind', 'name', 'description'], plan.resources.map((r) => [`  ${r.kind}`, r.id, r.description])));
        for (const [key, value] of Object.entries(plan.details)) print(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
        if (plan.estimatedMonthlyCostUsd !== undefined) print(`estimated cost: $${plan.estimatedMonthlyCostUsd.toFixed(2)} per month`);
      }),
    );
}
