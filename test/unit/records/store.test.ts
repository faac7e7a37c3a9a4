import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import type { DeploymentRecord } from '../../../src/core/records/record';
import { assertNoSecrets, deleteRecord, listRecords, readRecord, recordPath, writeRecord } from '../../../src/core/records/store';

function record(name: string, over: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    version: 1,
    name,
    target: 'local',
    status: 'running',
    projectRoot: '/p',
    handler: 'score.score',
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    endpoint: 'http://127.0.0.1:8080',
    resources: [{ kind: 'container', id: 'abc', state: 'created' }],
    details: { port: 8080 },
    ...over,
  };
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-store-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('records store', () => {
  it('writes to .rdeploy/deployments/<name>.json and reads the same record back', async () => {
    const file = await writeRecord(root, record('mtcars', { projectRoot: root }));
    expect(file).toBe(path.join(root, '.rdeploy', 'deployments', 'mtcars.json'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ name: 'mtcars', status: 'running' });
    expect(await readRecord(root, 'mtcars')).toEqual(record('mtcars', { projectRoot: root }));
  });

  it('leaves no temp file behind after a write', async () => {
    await writeRecord(root, record('a'));
    await writeRecord(root, record('a', { status: 'stopped' }));
    expect(readdirSync(path.join(root, '.rdeploy', 'deployments'))).toEqual(['a.json']);
    expect((await readRecord(root, 'a'))?.status).toBe('stopped');
  });

  it('keeps the previous record whole when a writer crashed before renaming its temp file', async () => {
    await writeRecord(root, record('a', { status: 'running' }));
    // What a crash mid-write leaves: a half-written temp file beside the record, never renamed.
    const dir = path.join(root, '.rdeploy', 'deployments');
    writeFileSync(path.join(dir, '.a.12345.deadbeef.tmp'), '{"version": 1, "name": "a", "sta');
    expect((await readRecord(root, 'a'))?.status).toBe('running');
    const listed = await listRecords(root);
    expect(listed.records.map((r) => r.name)).toEqual(['a']);
    expect(listed.problems).toEqual([]);
    // The next write still succeeds and replaces the record.
    await writeRecord(root, record('a', { status: 'failed', error: 'boom' }));
    expect((await readRecord(root, 'a'))?.status).toBe('failed');
  });

  it('refuses an invalid record before touching the disk', async () => {
    await writeRecord(root, record('a'));
    await expect(writeRecord(root, { ...record('a'), status: 'bogus' } as unknown as DeploymentRecord)).rejects.toThrow();
    expect((await readRecord(root, 'a'))?.status).toBe('running');
  });

  it('returns undefined for a record that does not exist', async () => {
    expect(await readRecord(root, 'nope')).toBeUndefined();
  });

  it('names the file when a record is not JSON', async () => {
    const file = recordPath(root, 'bad');
    await writeRecord(root, record('bad'));
    writeFileSync(file, '{ not json');
    const err = await readRecord(root, 'bad').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('config-invalid');
    expect((err as AppError).message).toContain(file);
    expect((err as AppError).message).toMatch(/not valid JSON/);
  });

  it('names the file and the field when a record does not match the schema', async () => {
    const file = recordPath(root, 'bad');
    await writeRecord(root, record('bad'));
    writeFileSync(file, JSON.stringify({ ...record('bad'), resources: [{ kind: 'image', id: 'x', state: 'exploded' }] }));
    await expect(readRecord(root, 'bad')).rejects.toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is invalid: "resources.0.state"`));
  });

  it('rejects a record whose name differs from its file name', async () => {
    await writeRecord(root, record('a'));
    writeFileSync(recordPath(root, 'a'), JSON.stringify(record('b')));
    await expect(readRecord(root, 'a')).rejects.toThrow(/names the deployment "b", not "a"/);
  });

  it('lists records sorted, and reports corrupt ones instead of failing', async () => {
    await writeRecord(root, record('zeta'));
    await writeRecord(root, record('alpha'));
    await writeRecord(root, record('broken'));
    writeFileSync(recordPath(root, 'broken'), 'garbage');
    writeFileSync(path.join(root, '.rdeploy', 'deployments', 'notes.txt'), 'ignored');
    const { records, problems } = await listRecords(root);
    expect(records.map((r) => r.name)).toEqual(['alpha', 'zeta']);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toBe(recordPath(root, 'broken'));
    expect(problems[0]!.error.message).toContain('broken.json');
  });

  it('lists nothing for a project without records', async () => {
    expect(await listRecords(root)).toEqual({ records: [], problems: [] });
  });

  it('deletes a record, and deleting again is not an error', async () => {
    await writeRecord(root, record('a'));
    expect(await deleteRecord(root, 'a')).toBe(true);
    expect(await readRecord(root, 'a')).toBeUndefined();
    expect(await deleteRecord(root, 'a')).toBe(false);
  });

  it('refuses names that could escape the records folder', () => {
    for (const bad of ['../x', 'a/b', 'A', '', '-x', 'x'.repeat(64)]) {
      expect(() => recordPath(root, bad)).toThrow(AppError);
    }
    expect(recordPath(root, 'ok-1')).toBe(path.join(root, '.rdeploy', 'deployments', 'ok-1.json'));
  });


  it('refuses to write anything that looks like a secret', async () => {
    const sas = record('a', { details: { url: 'https://x.blob.core.windows.net/c?sv=2020&sig=abc%3D' } });
    await expect(writeRecord(root, sas)).rejects.toThrow(/details.url looks like it holds a secret/);
    expect(() => assertNoSecrets(record('a', { details: { registryPassword: 'hunter2' } }))).toThrow(/registryPassword/);
    expect(() => assertNoSecrets(record('a', { endpoint: 'https://user:pw@host/' }))).toThrow(/endpoint/);
    expect(() => assertNoSecrets(record('a', { details: { password: '' } }))).not.toThrow();
    expect(() => assertNoSecrets(record('a'))).not.toThrow();
    expect(await readRecord(root, 'a')).toBeUndefined();
  });
});
