import * as path from 'node:path';
import { DEPLOYMENT_NAME } from './records/record';

/**
 * The default deployment name: `rdeploy.json`'s name, else the project folder's name made safe
 * for Docker and cloud resource names (lower case, digits and "-", at most 63 characters).
 */
export function defaultDeploymentName(root: string, configured?: string): string {
  if (configured) return configured;
  const base = path
    .basename(root)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return DEPLOYMENT_NAME.test(base) ? base : 'r-model';
}
