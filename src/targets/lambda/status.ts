import type { Status } from '../../core/deployment';
import type { DeploymentRecord } from '../../core/records/record';
import { awsFailure } from '../../clouds/aws/session';
import type { TargetContext } from '../Target';
import { awsErrorName, lambdaClients, recordScope } from './clients';
import { lambdaRecordDetails } from './details';

/** The function's State and LastUpdateStatus as the user thinks of them. */
export async function lambdaStatus(record: DeploymentRecord, ctx: TargetContext): Promise<Status> {
  const d = lambdaRecordDetails(record.details);
  const name = d.functionArn ?? d.functionName;
  if (!name) return { state: 'missing', detail: 'no function recorded' };
  const scoped = { ...ctx, record };
  const { lambda, sdk } = await lambdaClients(scoped, recordScope(scoped));
  let c;
  try {
    c = await lambda.send(new sdk.lambda.GetFunctionConfigurationCommand({ FunctionName: name }));
  } catch (e) {
    if (awsErrorName(e) === 'ResourceNotFoundException') return { state: 'missing', detail: `no function ${d.functionName ?? name} in ${d.region ?? 'the region'}` };
    throw awsFailure(`Reading the state of ${record.name}`, e);
  }
  if (c.State === 'Failed') return { state: 'unhealthy', detail: `Failed: ${c.StateReason ?? 'no reason given'}` };
  if (c.State === 'Pending') return { state: 'starting', detail: c.StateReason ?? 'creating' };
  if (c.State === 'Inactive') return { state: 'stopped', detail: 'Inactive (idle; the next invoke wakes it)' };
  if (c.LastUpdateStatus === 'InProgress') return { state: 'starting', detail: 'an update is in progress' };
  if (c.LastUpdateStatus === 'Failed') return { state: 'unhealthy', detail: `the last update failed: ${c.LastUpdateStatusReason ?? 'no reason given'}` };
  return { state: 'running', detail: `Active in ${d.region ?? 'its region'} · ${c.MemorySize} MB · ${c.Layers?.length ?? 0} layers` };
}
