import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import type { RProject } from '../../../src/core/project/model';
import type { DeploymentRecord } from '../../../src/core/records/record';
import { readRecord, recordPath, writeRecord } from '../../../src/core/records/store';
import { Deployments } from '../../../src/targets/lifecycle/Deployments';
import { acquireLock, lockPath } from '../../../src/targets/lifecycle/lock';
import { listDeployments } from '../../../src/targets/lifecycle/records';
import type { Connections, Progress } from '../../../src/targets/Target';
import { createTestTarget, type TestTargetControl } from '../../support/testTarget';

// The lifecycle engine with a test target whose steps can be told to fail or be cancelled: what
// each attempt created is removed in reverse, the record says what exists, destroy is complete.
const noConnections: Connections = { docker: () => Promise.reject(new Error('no engine in unit tests')) };
let root: string;
let project: RProject;
let control: TestTargetControl;
let deployments: Deployments;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-lifecycle-'));
  project = { kind: 'scripts', path: root, root, handler: 'score.score', repositories: [], packages: [], warnings: [] };
  const t = createTestTarget();
  control = t.control;
  deployments = new Deployments({ connections: noConnections, tool: 'the unit tests', targets: () => t.target });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const plan = (name = 'm') => deployments.plan(project, 'local', { name, settings: {} });
const ours = () => [...control.cloud.keys()];
const notes = (): Progress & { notes: string[] } => {
  const list: string[] = [];
  return { notes: list, report: (u) => void (u.note && list.push(u.note)) };
};

describe('deploy', () => {
  it('records each resource planned, then created, saving after each step', async () => {
    const record = await deployments.deploy(plan());
    expect(record.status).toBe('running');
    expect(record.resources.map((r) => [r.kind, r.state])).toEqual([
      ['bucket', 'created'],
      ['server', 'created'],
    ]);
    expect(record.endpoint).toMatch(/^fake:\/\/s\d+$/);
    expect(await readRecord(root, 'm')).toEqual(record);
    expect(control.calls.filter((c) => c.startsWith('create'))).toHaveLength(2);
    // No lock left behind.
    expect(() => readFileSync(lockPath(root, 'm'))).toThrow();
  });

  it.each([0, 1, 2])('a failure at step %i removes exactly what this attempt created, newest first, and records failed', async (step) => {
    control.failAt = step;
    const err = await deployments.deploy(plan()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'deploy-failed', message: `step ${step} failed on purpose` });
    expect(ours()).toEqual([]);
    const created = control.calls.filter((c) => c.startsWith('create')).map((c) => c.split(' ').slice(1).join(' '));
    const removed = control.calls.filter((c) => c.startsWith('remove')).map((c) => c.split(' ').slice(1).join(' '));
    expect(removed).toEqual([...created].reverse());
    const record = await readRecord(root, 'm');
    expect(record).toMatchObject({ status: 'failed', error: `step ${step} failed on purpose` });
    expect(record!.resources.every((r) => r.state === 'deleted')).toBe(true);
    expect(record!.endpoint).toBeUndefined();
  });

  it.each([0, 1, 2])('cancellation at step %i does the same and says cancelled', async (step) => {
    const controller = new AbortController();
    control.cancelAt = { step, controller };
    const err = await deployments.deploy(plan(), { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'cancelled' });
    expect(ours()).toEqual([]);
    expect(await readRecord(root, 'm')).toMatchObject({ status: 'failed', error: 'Cancelled.' });
  });

  it.each([0, 1, 2, undefined])('destroy after a deploy that failed at step %s leaves nothing, and repeating it is calm', async (step) => {
    control.failAt = step;
    await deployments.deploy(plan()).catch(() => undefined);
    control.failAt = undefined;
    const report = await deployments.destroy({ root, name: 'm' });
    expect(report).not.toBe('nothing-left');
    expect(ours()).toEqual([]);
    expect(await readRecord(root, 'm')).toBeUndefined();
    expect(await deployments.destroy({ root, name: 'm' })).toBe('nothing-left');
  });

  it('a redeploy that fails keeps what the previous deploy made, recorded, and destroy then removes it all', async () => {
    const first = await deployments.deploy(plan());
    const before = first.resources.map((r) => r.id);
    control.failAt = 2; // after the new bucket and server exist: the old server was replaced first
    await expect(deployments.deploy(plan())).rejects.toMatchObject({ code: 'deploy-failed' });
    const record = (await readRecord(root, 'm'))!;
    expect(record.status).toBe('failed');
    // The old bucket is still there and recorded; the old server went before the new one was made.
    expect(control.cloud.has(before[0]!)).toBe(true);
    expect(record.resources.filter((r) => r.state === 'created').map((r) => r.id)).toEqual([before[0]]);
    control.failAt = undefined;
    await deployments.destroy({ root, name: 'm' });
    expect(ours()).toEqual([]);
  });

  it('a successful redeploy removes what it superseded and keeps one of each', async () => {
    const first = await deployments.deploy(plan());
    const second = await deployments.deploy(plan());
    expect(second.createdAt).toBe(first.createdAt);
    expect(second.resources.map((r) => r.kind)).toEqual(['bucket', 'server']);
    expect(ours().sort()).toEqual(second.resources.map((r) => r.id).sort());
  });

  it('refuses to turn a deployment of one target into another', async () => {
    await deployments.deploy(plan());
    const record = (await readRecord(root, 'm'))!;
    await writeRecord(root, { ...record, target: 'lambda' });
    await expect(deployments.deploy(plan())).rejects.toThrow(/already a lambda deployment/);
  });
});

describe('locks', () => {
  it('a second deploy or destroy of the same deployment fails at once, naming who holds it', async () => {
    const lock = await acquireLock(root, 'm', 'deploying', 'another rdeploy');
    try {
      const err = (await deployments.deploy(plan()).catch((e: unknown) => e)) as AppError;
      expect(err.code).toBe('busy');
      expect(err.message).toContain(`"m" is being deployed by another rdeploy (pid ${process.pid} on ${hostname()}`);
      expect(err.message).toContain(lockPath(root, 'm'));
      await expect(deployments.destroy({ root, name: 'm' })).rejects.toMatchObject({ code: 'busy' });
      expect(control.calls).toEqual([]);
    } finally {
      await lock.release();
    }
    await deployments.deploy(plan());
  });

  it('the lock of a process that is gone is taken over, with a note', async () => {
    mkdirSync(path.dirname(lockPath(root, 'm')), { recursive: true });
    const dead = { pid: 2 ** 22 + 12345, host: hostname(), startedAt: new Date().toISOString(), operation: 'deploying', tool: 'a crashed rdeploy' };
    writeFileSync(lockPath(root, 'm'), JSON.stringify(dead));
    const progress = notes();
    await deployments.deploy(plan(), { progress });
    expect(progress.notes).toEqual([`took over the lock of a crashed rdeploy (pid ${dead.pid}), which is no longer running`]);
  });

  it('a lock of a live process on this host whose start time differs (a reused pid) is taken over', async () => {
    mkdirSync(path.dirname(lockPath(root, 'm')), { recursive: true });
    writeFileSync(lockPath(root, 'm'), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '', operation: 'deploying', tool: 'x', procStart: '1' }));
    await expect(deployments.deploy(plan())).resolves.toMatchObject({ status: 'running' });
  });
});

describe('interrupted deploys', () => {
  const crashed = async (): Promise<DeploymentRecord> => {
    // What a deploy killed after creating the bucket but before saving leaves: the record says
    // "planned", the bucket exists with our tags.
    control.failAt = 1;
    control.removeFails = 'bucket';
    await deployments.deploy(plan()).catch(() => undefined);
    control.failAt = undefined;
    control.removeFails = undefined;
    const record = (await readRecord(root, 'm'))!;
    const unrecorded = { ...record, status: 'deploying' as const, resources: [{ kind: 'bucket', id: 'bucket', state: 'planned' as const }, { kind: 'server', id: 'server', state: 'planned' as const }] };
    await writeRecord(root, unrecorded);
    return unrecorded;
  };

  it('show as interrupted (no live lock holder), not deploying forever', async () => {
    await crashed();
    const { deployments: list } = await listDeployments(root);
    expect(list.map((d) => d.record.status)).toEqual(['interrupted']);
    const lock = await acquireLock(root, 'm', 'deploying', 'someone');
    try {
      expect((await listDeployments(root)).deployments[0]!.record.status).toBe('deploying');
    } finally {
      await lock.release();
    }
  });

  it('destroy removes what carries the tags even when the record never recorded it', async () => {
    await crashed();
    expect(ours()).toHaveLength(1);
    const report = await deployments.destroy({ root, name: 'm' });
    expect(ours()).toEqual([]);
    expect(report).toMatchObject({ removed: [expect.stringMatching(/^bucket b\d+$/)] });
  });

  it('a new deploy adopts what the interrupted one left, so nothing is orphaned', async () => {
    await crashed();
    const [orphan] = ours();
    const record = await deployments.deploy(plan());
    expect(control.cloud.has(orphan!)).toBe(false); // superseded by the new bucket
    expect(ours().sort()).toEqual(record.resources.map((r) => r.id).sort());
  });
});

describe('records that lie or hide', () => {
  it('an unreadable record is listed as a problem, and destroy still removes what carries the tags', async () => {
    await deployments.deploy(plan());
    writeFileSync(recordPath(root, 'm'), '{"version": 1, "name": "m", "target": "local", "stat');
    const list = await listDeployments(root);
    expect(list.deployments).toEqual([]);
    expect(list.problems).toEqual([expect.objectContaining({ name: 'm', target: 'local', file: recordPath(root, 'm') })]);
    const report = await deployments.destroy({ root, name: 'm' });
    expect(report).toMatchObject({ unreadableRecord: recordPath(root, 'm') });
    expect(ours()).toEqual([]);
  });

  it('destroy removes what is ours, and keeps the record when it names what is not', async () => {
    const record = await deployments.deploy(plan());
    const [bucket, server] = record.resources.map((r) => r.id);
    control.cloud.delete(bucket!); // removed by hand
    control.cloud.set('x9', { kind: 'server', tags: { 'rdeploy-project': '/elsewhere', 'rdeploy-deployment': 'm' } });
    await writeRecord(root, { ...record, resources: [...record.resources, { kind: 'server', id: 'x9', state: 'created' }] });
    // What is not this deployment's stays, and so does the record naming it: destroy says so and fails.
    await expect(deployments.destroy({ root, name: 'm' })).rejects.toThrow(/^Left alone server x9: it carries another project's labels/);
    expect(control.cloud.has('x9')).toBe(true);
    expect(control.cloud.has(server!)).toBe(false);
    const kept = (await readRecord(root, 'm'))!;
    expect(kept.status).toBe('failed');
    expect(kept.resources).toEqual(expect.arrayContaining([{ kind: 'server', id: 'x9', state: 'created' }, { kind: 'bucket', id: bucket, state: 'deleted' }]));
  });

  it('a secret-looking field is dropped when read, never printed, and does not block destroy', async () => {
    const record = await deployments.deploy(plan());
    const file = recordPath(root, 'm');
    const json = JSON.parse(readFileSync(file, 'utf8')) as DeploymentRecord;
    json.details = { ...json.details, callback: 'https://x.example/run?sig=SECRETSIG', accessKey: 'AKIA123' };
    writeFileSync(file, JSON.stringify(json));
    const read = (await readRecord(root, 'm'))!;
    expect(JSON.stringify(read)).not.toContain('SECRETSIG');
    expect(JSON.stringify(read)).not.toContain('AKIA123');
    expect(read.redacted).toEqual(['details.callback', 'details.accessKey']);
    const report = await deployments.destroy({ root, name: 'm' });
    expect(report).toMatchObject({ redacted: ['details.callback', 'details.accessKey'] });
    expect(ours()).toEqual([]);
    expect(record.status).toBe('running');
  });

  it('invoke, logs and status refuse a record whose resources belong to another project', async () => {
    const record = await deployments.deploy(plan());
    const server = record.resources.find((r) => r.kind === 'server')!.id;
    control.cloud.get(server)!.tags['rdeploy-project'] = '/the/original/project';
    const at = { root, record };
    await expect(deployments.invoke(at, '{}')).rejects.toThrow(/belongs to another project.*copied together with its \.rdeploy folder/);
    await expect(async () => {
      for await (const _ of deployments.logs(at, {})) void _;
    }).rejects.toMatchObject({ code: 'not-found' });
    expect(await deployments.status(at)).toMatchObject({ state: 'missing', detail: expect.stringContaining('belongs to another project') });
  });

  it('a record with nothing recorded still may not reach a resource of another project by its fallback name', async () => {
    control.anchorName = 'named-server';
    control.cloud.set('named-server', { kind: 'server', tags: { 'rdeploy-project': '/another/project', 'rdeploy-deployment': 'm' } });
    await writeRecord(root, { version: 1, name: 'm', target: 'local', status: 'running', projectRoot: root, handler: 'score.score', createdAt: '', updatedAt: '', resources: [], details: {} });
    const at = { root, record: (await readRecord(root, 'm'))! };
    expect(await deployments.status(at)).toMatchObject({ state: 'missing', detail: expect.stringContaining('server named-server, which belongs to another project') });
    await expect(deployments.invoke(at, '{}')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('what the review found', () => {
  it('destroy refuses a record that names a target this version does not know, and removes nothing', async () => {
    await deployments.deploy(plan());
    const file = recordPath(root, 'm');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"target": "local"', '"target": "cloudrun"'));
    await expect(deployments.destroy({ root, name: 'm' })).rejects.toThrow(/names the target "cloudrun", which this version of R Deploy does not know\. Nothing was removed: update R Deploy/);
    expect(ours()).toHaveLength(2);
    expect(readFileSync(file, 'utf8')).toContain('cloudrun');
  });

  it('an unreadable record that does not say its target needs --target, and nothing is guessed', async () => {
    await deployments.deploy(plan());
    writeFileSync(recordPath(root, 'm'), '{"version": 1, "name": "m", "sta');
    await expect(deployments.destroy({ root, name: 'm' })).rejects.toThrow(/cannot be read and does not say its target\. Run `rdeploy destroy m --target <target>`/);
    expect(ours()).toHaveLength(2);
    await deployments.destroy({ root, name: 'm' }, {}, 'local');
    expect(ours()).toEqual([]);
  });

  it('a failure whose reason quotes a signed URL is recorded masked, and the record still says failed', async () => {
    const t = createTestTarget();
    const steps = t.target.steps(plan());
    steps[1] = { ...steps[1]!, run: async () => Promise.reject(new AppError('deploy-failed', "cannot open URL 'https://acct.blob.core.windows.net/m/model.rds?sv=2024&sig=SECRET123'")) };
    const d = new Deployments({ connections: noConnections, tool: 'the unit tests', targets: () => ({ ...t.target, steps: () => steps }) });
    await expect(d.deploy(plan())).rejects.toThrow(/sig=SECRET123/); // the error object is unchanged; the CLI and the editor mask what they print
    const record = (await readRecord(root, 'm'))!;
    expect(record.status).toBe('failed');
    expect(record.error).toContain('sig=***');
    expect(JSON.stringify(record)).not.toContain('SECRET123');
  });

  it('a failed redeploy keeps what the record knew of the running deployment', async () => {
    const first = await deployments.deploy(plan());
    expect(first.details).toMatchObject({ bucketCreated: true });
    control.failAt = 0;
    await expect(deployments.deploy(plan())).rejects.toThrow();
    expect((await readRecord(root, 'm'))!.details).toMatchObject({ bucketCreated: true });
  });

  it('Ctrl-C after the last step rolls the attempt back instead of leaving it running', async () => {
    const controller = new AbortController();
    control.cancelAfterLast = controller;
    await expect(deployments.deploy(plan(), { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(ours()).toEqual([]);
    expect(await readRecord(root, 'm')).toMatchObject({ status: 'failed', error: 'Cancelled.' });
  });

  it('a destroy that cannot reach the cloud writes nothing: the record keeps saying what it said', async () => {
    await deployments.deploy(plan());
    control.findFails = true;
    await expect(deployments.destroy({ root, name: 'm' })).rejects.toThrow(/does not answer/);
    expect(await readRecord(root, 'm')).toMatchObject({ status: 'running' });
  });

  it('a secret in a required field is masked on read, and destroy can still write the record', async () => {
    await deployments.deploy(plan());
    const file = recordPath(root, 'm');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"handler": "score.score"', '"handler": "score.score?token=abc123"'));
    const read = (await readRecord(root, 'm'))!;
    expect(read.handler).toBe('[redacted]');
    expect(read.redacted).toEqual(['handler']);
    expect(await deployments.destroy({ root, name: 'm' })).toMatchObject({ redacted: ['handler'] });
    expect(ours()).toEqual([]);
  });
});
