import { AppError } from '../core/errors';
import { LocalTarget } from './local/LocalTarget';
import type { Target, TargetKind } from './Target';

export const TARGET_KINDS: readonly TargetKind[] = ['local', 'lambda', 'aci', 'batch'];

/** The target implementation for a kind. Only local Docker ships in this version. */
export function getTarget(kind: string): Target {
  switch (kind) {
    case 'local':
      return new LocalTarget();
    case 'lambda':
    case 'aci':
    case 'batch':
      throw new AppError('usage', `The ${kind} target is not available in this version of R Deploy yet. Use --target local.`);
    default:
      throw new AppError('usage', `Unknown target "${kind}". Choose one of: ${TARGET_KINDS.join(', ')}.`);
  }
}
