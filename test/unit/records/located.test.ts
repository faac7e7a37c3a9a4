import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listRecords, readRecord } from '../../../src/core/records/store';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-located-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a record file is about the folder it lies in', () => {
  it('overrides a projectRoot that points elsewhere (a committed or copied record)', async () => {
    const root = path.join(tmp, 'project');
    mkdirSync(path.join(root, '.rdeploy', 'deployments'), { recursive: true });
    const record = {
      version: 1, name: 'm', target: 'local', status: 'running', projectRoot: '/somewhere/else', handler: 'score.score',
      createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', resources: [], details: {},
    };
    writeFileSync(path.join(root, '.rdeploy', 'deployments', 'm.json'), JSON.stringify(record));
    expect((await readRecord(root, 'm'))?.projectRoot).toBe(root);
    expect((await listRecords(root)).records.map((r) => r.projectRoot)).toEqual([root]);
  });
});
