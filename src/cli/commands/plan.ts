import type { Command } from 'commander';
import { parseWorkload } from '../../core/cost';
import { planJson, planSummary } from '../../targets/planSummary';
import { addDeployFlags, resolveDeploy, type DeployFlags } from '../deployOptions';
import { deployments } from '../deployments';
import { note, print, printJson, table } from '../output';
import { runCommand } from '../run';

interface WorkloadFlags {
  requestsPerMonth?: string;
  durationMs?: string;
  runsPerMonth?: string;
}

export function planCommand(program: Command): void {
  addDeployFlags(program.command('plan [dir]'))
    .description('show what a deploy would create and what it would cost, without creating anything')
    .option('--requests-per-month <n>', 'for the cost estimate: requests a month')
    .option('--duration-ms <ms>', 'for the cost estimate: average duration of a request or run')
    .option('--runs-per-month <n>', 'for the cost estimate: scheduled or batch runs a month')
    .option('--json', 'print the complete plan as JSON, including the exact requests a deploy sends')
    .action((dir: string | undefined, opts: DeployFlags & WorkloadFlags & { json?: boolean }) =>
      runCommand(program.opts(), async ({ cwd }) => {
        const { project, target, options, notes } = await resolveDeploy(dir, opts, cwd);
        const workload = parseWorkload(numbers({ requestsPerMonth: opts.requestsPerMonth, durationMs: opts.durationMs, runsPerMonth: opts.runsPerMonth }));
        const plan = deployments().plan(project, target, options);
        const cost = deployments().estimate(plan, workload);
        if (opts.json) return printJson(planJson(plan, cost));
        for (const n of notes) note(`rdeploy: note: ${n}`);
        const summary = planSummary(plan, cost);
        print(`${summary.title} would create:`);
        print(table(['  kind', 'name', 'what'], summary.creates.map((r) => [`  ${r.kind}`, r.id, r.description])));
        print('');
        const width = Math.max(...summary.facts.map((f) => f.label.length));
        for (const f of summary.facts) print(`${f.label.padEnd(width)}  ${f.value}`);
        for (const w of summary.warnings) print(`warning: ${w}`);
        print('');
        print('The full plan, with the requests it sends: rdeploy plan --json');
      }),
    );
}

/** Flags arrive as text; the workload schema says what a bad one should have been. */
function numbers(flags: Record<string, string | undefined>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined).map(([k, v]) => [k, /^\s*-?\d+(\.\d+)?\s*$/.test(v!) ? Number(v) : v]));
}
