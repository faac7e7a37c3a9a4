import { redactSecretText } from '../../core/secrets';
import type { CatalogueEntry } from '../catalogue';
import type { Connections } from '../Target';
import { notOk, ok, splitMessage, type CheckResult } from './types';

/**
 * The chosen target: what the catalogue says of it, then the target's own checks (its
 * credentials, region, quotas: `Target.checks`, written in the target's folder). A target that
 * needs no cloud account has nothing more to check.
 */
export async function checkTarget(entry: CatalogueEntry, settings: Record<string, unknown>, connections: Connections): Promise<CheckResult[]> {
  const title = `Target ${entry.kind}`;
  if (!entry.target) {
    return [notOk('skip', 'target', title, `the ${entry.label} target is not available in this version`, 'Use --target local, or update R Deploy when it ships.')];
  }
  const target = entry.target();
  if (!target.checks) {
    if (!entry.capabilities.credentials) return [ok('target', title, `${entry.label}: no cloud account or credentials needed`)];
    return [notOk('skip', 'target', title, `${entry.label}: this version of rdeploy doctor does not check its credentials and region`)];
  }
  try {
    return [ok('target', title, entry.label), ...(await target.checks(settings, { connections }))];
  } catch (e) {
    // A check that cannot run is itself a finding, in the target's own sentence.
    // Its text may quote a signed URL or a key: masked like every message a user reads.
    const { detail, fix } = splitMessage(redactSecretText(e instanceof Error ? e.message : String(e)));
    return [notOk('fail', 'target', title, detail, fix)];
  }
}
