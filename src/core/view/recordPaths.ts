import * as path from 'node:path';

/**
 * The project root a path under the records directory belongs to: `<root>/.rdeploy`,
 * `<root>/.rdeploy/deployments` and `<root>/.rdeploy/deployments/<name>.json` all give `<root>`;
 * anything else (payloads, other files) gives undefined. File watchers report these paths.
 */
export function projectRootOfRecordPath(p: string, paths: Pick<typeof path, 'basename' | 'dirname' | 'normalize'> = path): string | undefined {
  let dir = paths.normalize(p);
  if (paths.basename(dir).endsWith('.json')) {
    dir = paths.dirname(dir);
    if (paths.basename(dir) !== 'deployments') return undefined;
  }
  if (paths.basename(dir) === 'deployments') dir = paths.dirname(dir);
  if (paths.basename(dir) !== '.rdeploy') return undefined;
  const root = paths.dirname(dir);
  return root === dir ? undefined : root;
}
