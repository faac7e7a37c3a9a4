import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { AppError } from './errors';

/**
 * The R runtime shipped with R Deploy: the first `runtime/` holding main.R above this file —
 * dist/ when bundled, the repository root from source. Images copy it; Invoke Handler Locally
 * runs it with the host's R.
 */
export function findRuntimeDir(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'runtime');
    if (existsSync(path.join(candidate, 'main.R'))) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new AppError('internal', `The R runtime shipped with R Deploy was not found near ${from}. Reinstall R Deploy.`);
}
