import type { CatalogueEntry } from '../catalogue';
import { notOk, ok, type CheckResult } from './types';

/**
 * The chosen target as the catalogue describes it. Cloud credentials and region are checked by
 * the target that needs them; no cloud target is available in this version, so there is nothing
 * to check yet beyond saying so.
 */
export function checkTarget(entry: CatalogueEntry): CheckResult {
  const title = `Target ${entry.kind}`;
  if (!entry.target) {
    return notOk('skip', 'target', title, `the ${entry.label} target is not available in this version`, 'Use --target local, or update R Deploy when it ships.');
  }
  if (!entry.capabilities.credentials) return ok('target', title, `${entry.label}: no cloud account or credentials needed`);
  return notOk('skip', 'target', title, `${entry.label}: this version of rdeploy doctor does not check its credentials and region`);
}
