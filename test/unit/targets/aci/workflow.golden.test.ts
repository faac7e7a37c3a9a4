import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { definitionFor, schedulerFor, VARIANTS } from './workflowFixture';

/**
 * The definitions a reviewer signs off, as files: __golden__/workflow-<variant>.json (the main
 * workflow with and without a registry password, and the scheduler of a daily schedule). A change to
 * the generator shows here as a diff to read. `UPDATE_GOLDEN=1 npx vitest run --project unit
 * test/unit/targets/aci` rewrites them (review the diff before committing); a missing file is a
 * failure, never created silently.
 */
const GOLDEN = path.join(__dirname, '__golden__');

const GOLDENS: Array<{ name: string; file: string; definition: () => Record<string, unknown> }> = [
  ...VARIANTS.map((v) => ({ name: v.name, file: `workflow-${v.name}.json`, definition: () => definitionFor(v) })),
  { name: 'schedule', file: 'workflow-schedule.json', definition: () => schedulerFor().definition },
];

describe('the workflow definitions (golden)', () => {
  it.each(GOLDENS)('$name equals __golden__/$file', ({ file: name, definition }) => {
    const file = path.join(GOLDEN, name);
    const actual = `${JSON.stringify(definition(), null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, actual);
      return;
    }
    if (!existsSync(file)) throw new Error(`${path.basename(file)} is missing: run UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/targets/aci, then review it.`);
    expect(actual, `the definition differs from ${path.basename(file)} (UPDATE_GOLDEN=1 to accept, after review)`).toBe(readFileSync(file, 'utf8'));
  });
});
