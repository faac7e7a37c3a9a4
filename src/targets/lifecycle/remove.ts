import { AppError } from '../../core/errors';
import type { Owner } from '../../core/owner';
import type { Resource } from '../../core/records/record';
import type { Target, TargetContext } from '../Target';

/** What happened to one resource: removed now, already gone, or left alone because it is not ours. */
export type RemoveOutcome = 'removed' | 'gone' | 'not-ours';

/**
 * Removes one recorded resource, but only when it carries the deployment's labels or tags: ids
 * come from record files, which anyone can edit or commit.
 */
export async function removeOne(
  target: Target,
  r: Pick<Resource, 'kind' | 'id'>,
  owner: Owner,
  ctx: TargetContext,
  /** Called once the resource is known to be ours, just before it is removed (for a progress line). */
  removing?: () => void,
): Promise<RemoveOutcome> {
  const kind = target.resources[r.kind];
  if (!kind) throw new AppError('internal', `The ${target.kind} target does not know resources of kind "${r.kind}".`);
  const ownership = await kind.ownership(r.id, owner, ctx);
  if (ownership === 'gone') return 'gone';
  if (ownership === 'theirs') return 'not-ours';
  removing?.();
  await kind.remove(r.id, ctx);
  return 'removed';
}
