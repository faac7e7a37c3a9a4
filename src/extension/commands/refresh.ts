import type { RDeployContext } from '../context';

/** Refresh: find projects again, re-read records and ask every shown deployment for its state. */
export async function refresh(ctx: RDeployContext): Promise<void> {
  ctx.refresh.refreshAll();
  await ctx.tree.getChildren();
  await ctx.refresh.poll();
}
