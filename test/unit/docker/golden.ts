import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';

export const GOLDEN_DIR = path.resolve(__dirname, '../../fixtures/golden');

/**
 * Compares `actual` with test/fixtures/golden/<name>. `UPDATE_GOLDEN=1` rewrites the file instead
 * (review the diff before committing it); a missing golden is a failure, never silently created.
 */
export function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`Golden file ${name} is missing: run UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/docker, then review it.`);
  }
  expect(actual, `output differs from golden ${name} (UPDATE_GOLDEN=1 to accept)`).toBe(readFileSync(file, 'utf8'));
}
