import { resolveDeployment } from '../args';
import type { RDeployContext } from '../context';
import type { TailHandle } from '../logs/TailManager';
import { readSettings } from '../settings';

/** Tail Logs: follow a deployment's log live into a log document (or a terminal, per setting). */
export async function tailLogs(ctx: RDeployContext, arg?: unknown): Promise<{ uri?: string } | undefined> {
  const ref = await resolveDeployment(ctx, arg);
  const handle: TailHandle = await ctx.tails.start(ref, ctx.deployments, readSettings().logsDestination);
  return { uri: handle.uri?.toString() };
}
