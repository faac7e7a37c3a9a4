// The one-off jobs of invoke and map: run ids, tasks made from the deployment's template, a
// task's answer read back from its files, and the tidying of old run jobs.
import { describe, expect, it } from 'vitest';
import { BatchError } from '../../../../src/clouds/azure/batch';
import { AppError } from '../../../../src/core/errors';
import { ownerMetadata, taskBody, TASK_COMMAND_LINE } from '../../../../src/targets/batch/bodies';
import { KEPT_JOBS, newRunId, pruneRunJobs, taskAnswer, taskFrom } from '../../../../src/targets/batch/jobs';
import { jobScheduleId, runJobId } from '../../../../src/targets/batch/names';
import { PAYLOAD_ENV, RESULT_FRAME_ENV } from '../../../../src/targets/image/jobContainer';
import { FakeBatchData, framed } from './fakeBatchData';

const owner = { root: '/home/ana/churn', name: 'churn' };
const IMAGE = 'myreg.azurecr.io/rdeploy/churn@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const IDENTITY = '/subscriptions/3f2a9c1e-7b4d-4e8a-9c6f-2d1b5a7e9c30/resourceGroups/ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/rdeploy-churn-pull';
const template = taskBody({ id: 'invoke', payload: '{}', image: IMAGE, registry: 'myreg.azurecr.io', identityId: IDENTITY, retries: 0 });

describe('newRunId', () => {
  it('12 lower-case letters and digits, a valid part of a job id', () => {
    const id = newRunId();
    expect(id).toMatch(/^[0-9a-z]{12}$/);
    expect(runJobId('churn', 'map', id)).toBe(`rdeploy-churn-map-${id}`);
  });

  it('sorts by time, and two made in the same millisecond differ', () => {
    const t = Date.parse('2026-10-14T10:00:00Z');
    const ids = [newRunId(t), newRunId(t + 1), newRunId(t + 60_000), newRunId(t + 86_400_000)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 50 }, () => newRunId(t))).size).toBeGreaterThan(40);
  });
});

describe('taskFrom', () => {
  it('replaces only the payload variable, sets id and retries, and leaves the template as it was', () => {
    const before = structuredClone(template);
    const t = taskFrom(template, 'chunk-0000007', '{"rows":[{"mpg":21}]}', 2);
    expect(t.id).toBe('chunk-0000007');
    expect(t.environmentSettings).toEqual([{ ...RESULT_FRAME_ENV }, { name: PAYLOAD_ENV, value: '{"rows":[{"mpg":21}]}' }]);
    expect(t.constraints).toEqual({ maxTaskRetryCount: 2 });
    expect(t.commandLine).toBe(TASK_COMMAND_LINE);
    expect(t.containerSettings).toEqual(template.containerSettings);
    expect(template).toEqual(before);
  });

  it('keeps the other variables and constraints of a template that has more', () => {
    const richer = { ...template, environmentSettings: [{ name: 'TZ', value: 'UTC' }, ...template.environmentSettings], constraints: { maxTaskRetryCount: 0, maxWallClockTime: 'PT1H' } };
    const t = taskFrom(richer, 'invoke', '[1,2]', 0);
    expect(t.environmentSettings).toEqual([{ name: 'TZ', value: 'UTC' }, { ...RESULT_FRAME_ENV }, { name: PAYLOAD_ENV, value: '[1,2]' }]);
    expect(t.constraints).toEqual({ maxTaskRetryCount: 0, maxWallClockTime: 'PT1H' });
  });
});

describe('taskAnswer', () => {
  async function answered(run: Parameters<FakeBatchData['complete']>[2]) {
    const data = new FakeBatchData();
    await data.createJob({ id: 'j1', poolInfo: { poolId: data.pool.id } });
    await data.addTasks('j1', [taskFrom(template, 'invoke', '{}', 0)]);
    data.complete('j1', 'invoke', run);
    const [task] = await data.listTasks('j1', { select: ['id', 'executionInfo'] });
    return { data, answer: await taskAnswer(data.client, 'j1', task as never) };
  }

  it("the framed result of stdout.txt, among what the handler printed; stderr is not read when there is one", async () => {
    const { data, answer } = await answered({ exitCode: 0, stdout: framed('{"mpg":21.4}', 'loading model\n[1] "hello"\n'), stderr: 'warning: x' });
    expect(answer).toEqual({ result: '{"mpg":21.4}', exitCode: 0, attempts: 1 });
    expect(data.callsOf('readTaskFile').map((a) => a[2])).toEqual(['stdout.txt']);
  });

  it('attempts are the retries plus one; a handler error is a result with its exit code', async () => {
    const { answer } = await answered({ exitCode: 1, stdout: framed('{"errorType":"simpleError","errorMessage":"no rows"}'), retryCount: 2 });
    expect(answer).toEqual({ result: '{"errorType":"simpleError","errorMessage":"no rows"}', exitCode: 1, attempts: 3 });
  });

  it('no result: the last three non-empty lines of stderr.txt and the exit code', async () => {
    const { answer } = await answered({ exitCode: 137, stdout: 'started\n', stderr: 'one\ntwo\n\nthree\r\nfour\n\n' });
    expect(answer).toEqual({ exitCode: 137, stderrTail: 'two | three | four', attempts: 1 });
  });

  it("no files at all (the container never started): Batch's failure, and no error for the missing files", async () => {
    const { answer } = await answered({ exitCode: -1, failureInfo: { code: 'ContainerPullImageFailed', message: 'the image could not be pulled' } });
    expect(answer).toEqual({ exitCode: -1, failure: 'ContainerPullImageFailed: the image could not be pulled', attempts: 1 });
  });

  it('a file that cannot be read for another reason is an error saying which file of which task', async () => {
    const data = new FakeBatchData();
    await data.createJob({ id: 'j1', poolInfo: { poolId: data.pool.id } });
    await data.addTasks('j1', [taskFrom(template, 'invoke', '{}', 0)]);
    data.complete('j1', 'invoke', { exitCode: 0, stdout: framed('1') });
    data.fail('readTaskFile', new BatchError('TaskFilesUnavailable', 'The files of the specified task are unavailable.', 409));
    const e = await taskAnswer(data.client, 'j1', { id: 'invoke', executionInfo: { retryCount: 0, requeueCount: 0, exitCode: 0 } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).message).toMatch(/^Reading stdout\.txt of task invoke: /);
  });
});

describe('pruneRunJobs', () => {
  const at = (i: number) => new Date(Date.parse('2026-10-01T00:00:00Z') + i * 60_000).toISOString();
  const run = (i: number, kind: 'invoke' | 'map', o = owner) => ({ id: runJobId(o.name, kind, `${String(i).padStart(8, '0')}abcd`), state: 'completed', creationTime: at(i), metadata: ownerMetadata(o) });

  it("deletes the deployment's completed invoke and map jobs beyond the newest ten, and nothing else", async () => {
    const data = new FakeBatchData();
    const ours = Array.from({ length: 14 }, (_, i) => run(i, i % 2 ? 'map' : 'invoke'));
    // Shuffled, as a list may come back in any order.
    for (const j of [...ours.slice(7), ...ours.slice(0, 7)]) data.addJob(j);
    data.addJob({ id: jobScheduleId('churn'), state: 'completed', creationTime: at(0), metadata: ownerMetadata(owner) }); // a scheduled job: never a run job
    data.addJob(run(100, 'map', { root: '/home/bo/churn', name: 'churn' })); // the same name in another project, newer than all of ours
    data.addJob({ ...run(2, 'invoke'), id: 'rdeploy-churn-invoke-zzzzzzzzzzzz', state: 'active' }); // running: not listed as completed
    await pruneRunJobs(data.client, owner);
    expect(data.callsOf('listJobs')).toEqual([[{ filter: "state eq 'completed'" }]]);
    expect(data.callsOf('deleteJob').map(([id]) => id)).toEqual(ours.slice(0, 14 - KEPT_JOBS).reverse().map((j) => j.id));
  });

  it('keeps `keep`; a failed delete does not stop the others; a failed listing is only tidying left undone', async () => {
    const data = new FakeBatchData();
    for (let i = 0; i < 4; i++) data.addJob(run(i, 'map'));
    data.fail('deleteJob', new BatchError('JobBeingDeleted', 'The specified job has been marked for deletion and is being garbage collected.', 409), 1);
    await pruneRunJobs(data.client, owner, 1);
    expect(data.callsOf('deleteJob')).toHaveLength(3);
    // The newest is kept; the one whose delete failed is still there.
    expect([...data.jobs.keys()].sort()).toEqual([run(2, 'map').id, run(3, 'map').id]);
    data.fail('listJobs', new BatchError('ServerBusy', 'The server is busy.', 503));
    await expect(pruneRunJobs(data.client, owner, 0)).resolves.toBeUndefined();
  });
});
