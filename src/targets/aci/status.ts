import { azureFailure } from '../../clouds/azure/failure';
import type { Status } from '../../core/deployment';
import type { DeploymentRecord } from '../../core/records/record';
import type { TargetContext } from '../Target';
import { isNotFound } from '../azure/ownership';
import { workflowOf } from './runs';

/** The Logic App's state (Enabled: it answers its trigger), and its latest run. */
export async function aciStatus(record: DeploymentRecord, ctx: TargetContext): Promise<Status> {
  const { c, rg, wf } = await workflowOf(record, ctx);
  let state: string | undefined;
  try {
    state = (await c.logic.workflows.get(rg, wf)).state;
  } catch (e) {
    if (isNotFound(e)) return { state: 'missing', detail: `the Logic App ${wf} no longer exists in ${rg}` };
    throw azureFailure(`Reading the Logic App ${wf}`, e);
  }
  let last = '';
  for await (const run of c.logic.workflowRuns.list(rg, wf, { top: 1 })) {
    last = ` · last run ${run.status ?? '?'}${run.startTime ? ` at ${new Date(run.startTime).toISOString()}` : ''}`;
    break;
  }
  if (state === 'Enabled') return { state: 'running', detail: `Logic App enabled${last}` };
  return { state: 'stopped', detail: `Logic App ${state ?? 'in an unknown state'}${last}` };
}
