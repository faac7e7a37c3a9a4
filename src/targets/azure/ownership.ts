import { projectMark, taggedFor, type Owner } from '../../core/owner';
import type { Ownership } from '../Target';

/**
 * Role assignments carry no tags: their description says whose they are, as Lambda's layers do.
 * Everything else the target creates carries the owner's tags.
 */
export const ownerDescription = (owner: Owner): string => `R Deploy ${owner.name} ${projectMark(owner.root)}`;

export const describedFor = (description: string | undefined, owner: Owner): boolean => description === ownerDescription(owner);

/** 'ours' / 'theirs' from an ARM resource's tags; 'gone' when it was not found. */
export function tagOwnership(resource: { tags?: Record<string, string> } | undefined, owner: Owner): Ownership {
  if (!resource) return 'gone';
  return taggedFor(resource.tags, owner) ? 'ours' : 'theirs';
}

/** ARM's "not found" (a 404 from the SDK), which every remove and ownership check treats as gone. */
export const isNotFound = (e: unknown): boolean => (e as { statusCode?: number } | null)?.statusCode === 404;
