import { azureFailure } from '../../clouds/azure/failure';
import { AppError } from '../../core/errors';
import type { DeploymentRecord } from '../../core/records/record';
import type { RunSummary, TargetContext } from '../Target';
import { aciClients, recordScope, type AciClients } from './clients';
import { aciRecordDetails } from './details';

/** The workflow a record names, and the clients for its cloud and subscription. */
export async function workflowOf(record: DeploymentRecord, ctx: TargetContext): Promise<{ c: AciClients; rg: string; wf: string }> {
  const d = aciRecordDetails(record.details);
  if (!d.workflowName || !d.resourceGroup) throw new AppError('not-found', `"${record.name}" has no Logic App yet (its status is ${record.status}).`);
  const scoped = { ...ctx, record };
  return { c: await aciClients(scoped, recordScope(scoped)), rg: d.resourceGroup, wf: d.workflowName };
}

/** The Logic App's recent runs, newest first, with each action's status when asked. */
export async function aciRuns(record: DeploymentRecord, opts: { top: number; withActions?: boolean }, ctx: TargetContext): Promise<RunSummary[]> {
  const { c, rg, wf } = await workflowOf(record, ctx);
  const out: RunSummary[] = [];
  try {
    for await (const run of c.logic.workflowRuns.list(rg, wf, { top: opts.top })) {
      if (!run.name) continue;
      const start = run.startTime ? new Date(run.startTime) : undefined;
      const end = run.endTime ? new Date(run.endTime) : undefined;
      out.push({
        id: run.name,
        status: (run.status ?? 'Running') as RunSummary['status'],
        ...(start ? { startTime: start.toISOString() } : {}),
        ...(end ? { endTime: end.toISOString() } : {}),
        ...(start && end ? { durationMs: end.getTime() - start.getTime() } : {}),
        ...(run.trigger?.name ? { trigger: run.trigger.name } : {}),
      });
      if (out.length >= opts.top) break;
    }
    if (opts.withActions) {
      for (const run of out) run.actions = await runActions(c, rg, wf, run.id);
    }
  } catch (e) {
    throw azureFailure(`Reading the runs of ${wf}`, e);
  }
  return out;
}

async function runActions(c: AciClients, rg: string, wf: string, run: string): Promise<{ name: string; status: string }[]> {
  const actions: Array<{ name: string; status: string; at: number }> = [];
  for await (const a of c.logic.workflowRunActions.list(rg, wf, run)) {
    if (a.name) actions.push({ name: a.name, status: a.status ?? 'Waiting', at: a.startTime ? new Date(a.startTime).getTime() : Number.MAX_SAFE_INTEGER });
  }
  return actions.sort((x, y) => x.at - y.at).map(({ name, status }) => ({ name, status }));
}

/**
 * What the workflow's Get_logs action collected before it deleted the group: the container's
 * logs as text, from the run history (the outputs link is signed; it is read, never shown).
 */
export async function collectedLogs(c: AciClients, rg: string, wf: string, run: string, signal?: AbortSignal): Promise<string | undefined> {
  let link: string | undefined;
  try {
    link = (await c.logic.workflowRunActions.get(rg, wf, run, 'Get_logs')).outputsLink?.uri;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw azureFailure(`Reading the run ${run}`, e);
  }
  if (!link) return undefined;
  const res = await fetch(link, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(15_000)]) : AbortSignal.timeout(15_000) });
  if (!res.ok) return undefined;
  const outputs = (await res.json()) as { body?: { content?: string } };
  return outputs.body?.content;
}
