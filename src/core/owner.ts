import { createHash } from 'node:crypto';

/**
 * Who a cloud or Docker resource belongs to: one deployment (name) of one R project (root).
 * Every resource R Deploy creates carries these two labels or tags, so that destroy can find
 * what a crash left unrecorded and every operation can check that a record's ids are really
 * this deployment's (a record is a file anyone can copy or edit).
 */
export const TAG_PROJECT = 'rdeploy-project';
export const TAG_DEPLOYMENT = 'rdeploy-deployment';

export interface Owner {
  /** The R project root, absolute. */
  readonly root: string;
  /** The deployment name. */
  readonly name: string;
}

export function ownerTags(owner: Owner): Record<string, string> {
  return { [TAG_PROJECT]: owner.root, [TAG_DEPLOYMENT]: owner.name };
}

/** True when a label/tag map says `owner`. */
export function taggedFor(tags: Readonly<Record<string, string>> | null | undefined, owner: Owner): boolean {
  return tags?.[TAG_PROJECT] === owner.root && tags?.[TAG_DEPLOYMENT] === owner.name;
}

/** A short, stable mark of the project, where a name or description must tell projects apart in few characters. */
export const projectMark = (root: string): string => createHash('sha256').update(root).digest('hex').slice(0, 12);
