import { AppError } from '../../core/errors';
import type { Owner } from '../../core/owner';
import { awsFailure } from '../../clouds/aws/session';
import type { TargetContext } from '../Target';
import type { LambdaClients } from './clients';
import { scheduleDescription } from './names';
import { scheduleResource } from './resources';
import { whenRoleUsable } from './roles';

/** EventBridge Scheduler's limit on a target's Input. */
const MAX_SCHEDULE_INPUT = 8192;

export async function ensureSchedule(
  { scheduler, sdk }: LambdaClients,
  o: { name: string; owner: Owner; expression: string; functionArn: string; roleArn: string; input: string; ctx: TargetContext },
): Promise<void> {
  if (o.input.length > MAX_SCHEDULE_INPUT) {
    throw new AppError('payload-invalid', `The scheduled payload is ${o.input.length} characters; EventBridge Scheduler passes at most ${MAX_SCHEDULE_INPUT}. Schedule a smaller payload that says where to read the data.`);
  }
  const ownership = await scheduleResource.ownership(o.name, o.owner, o.ctx);
  if (ownership === 'theirs') throw new AppError('deploy-failed', `A schedule named ${o.name} exists and is not this deployment's. Delete it, or choose another deployment name.`);
  const request = {
    Name: o.name,
    ScheduleExpression: o.expression,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' as const },
    Target: { Arn: o.functionArn, RoleArn: o.roleArn, Input: o.input },
    Description: scheduleDescription(o.owner),
    State: 'ENABLED' as const,
  };
  try {
    await whenRoleUsable(o.ctx, () =>
      ownership === 'ours' ? scheduler.send(new sdk.scheduler.UpdateScheduleCommand(request)) : scheduler.send(new sdk.scheduler.CreateScheduleCommand(request)),
    );
  } catch (e) {
    throw awsFailure(`Scheduling ${o.name}`, e);
  }
}

