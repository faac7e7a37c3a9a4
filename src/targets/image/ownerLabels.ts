import { labelValue } from '../../core/docker/instructions';
import { AppError } from '../../core/errors';
import { ownerTags, type Owner } from '../../core/owner';

/**
 * The deployment's labels as the Dockerfile's last instruction: ONE `LABEL` step, so an image
 * carries both labels or neither. (The engine's `labels` build option adds one step per label: a
 * build killed between the two left an image with only `rdeploy-deployment`, which destroy, looking
 * for both, could not find.) Values are quoted like every generated label: `\`, `"` and `$`
 * escaped, so any path is safe; a control character cannot be quoted and is refused.
 */
export function ownerLabelInstruction(owner: Owner): string {
  const tags = ownerTags(owner);
  for (const value of Object.values(tags)) {
    if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f' || c === '\u2028' || c === '\u2029')) {
      throw new AppError('unsafe-value', `The project folder ${JSON.stringify(owner.root)} has a control character in its path; move the project to a folder whose name has none.`);
    }
  }
  return `LABEL ${Object.entries(tags).map(([k, v]) => `${k}=${labelValue(v)}`).join(' ')}\n`;
}

/** The Dockerfile with the owner's labels appended. */
export function withOwnerLabels(dockerfile: string, owner: Owner): string {
  return `${dockerfile.replace(/\n*$/, '\n')}${ownerLabelInstruction(owner)}`;
}
