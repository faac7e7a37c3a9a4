import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordPath } from '../../../src/core/records/store';
import { resourcesToDelete, recordItems } from '../../../src/targets/catalogue';
import { listDeployments, readDeployment } from '../../../src/targets/lifecycle/records';
import { REPO } from '../../support/cli';

// Records are checked per target when read: the envelope by core, the details by the target's schema.
let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-records-'));
  mkdirSync(path.join(root, '.rdeploy', 'deployments'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('records of every version', () => {
  it('a local record written by R Deploy 0.1.0 still loads, typed, and names what destroy removes', async () => {
    copyFileSync(path.join(REPO, 'test/fixtures/records/local-0.1.0.json'), recordPath(root, 'mtcars-glm'));
    const record = (await readDeployment(root, 'mtcars-glm'))!;
    // Where the file lies decides the project, not what it says.
    expect(record).toMatchObject({ target: 'local', status: 'running', projectRoot: root, endpoint: 'http://127.0.0.1:8123' });
    expect(recordItems(record)).toEqual([expect.objectContaining({ kind: 'image', label: 'rdeploy/mtcars-glm:d8c97b5b5a1c', description: '70ed1bde59cb' })]);
    expect(resourcesToDelete(record)).toEqual(['container rdeploy-mtcars-glm (bad476ecfbb9)', 'image rdeploy/mtcars-glm:d8c97b5b5a1c (70ed1bde59cb)']);
  });

  it('details the target does not accept make the record a problem that names the file and the field', async () => {
    writeFileSync(
      recordPath(root, 'm'),
      JSON.stringify({ version: 1, name: 'm', target: 'local', status: 'running', projectRoot: root, handler: 'score.score', createdAt: '', updatedAt: '', resources: [], details: { port: 'eighty' } }),
    );
    const list = await listDeployments(root);
    expect(list.deployments).toEqual([]);
    expect(list.problems).toEqual([expect.objectContaining({ name: 'm', target: 'local', error: expect.objectContaining({ message: expect.stringContaining('"details.port"') }) })]);
    await expect(readDeployment(root, 'm')).rejects.toThrow(/Fix it by hand, or run `rdeploy destroy m`/);
  });

  it('a target this version does not know is a problem, not a crash', async () => {
    writeFileSync(
      recordPath(root, 'k'),
      JSON.stringify({ version: 1, name: 'k', target: 'kubernetes', status: 'running', projectRoot: root, handler: 'score.score', createdAt: '', updatedAt: '', resources: [], details: {} }),
    );
    const list = await listDeployments(root);
    expect(list.problems.map((p) => p.error.message)).toEqual([expect.stringContaining('names the target "kubernetes", which this version of R Deploy does not know')]);
  });
});
