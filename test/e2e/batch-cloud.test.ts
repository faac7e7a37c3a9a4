import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMap } from '../../src/core/map';
import { loadProject } from '../../src/core/project/loadProject';
import type { RProject } from '../../src/core/project/model';
import { readRecord } from '../../src/core/records/store';
import type { LogEvent } from '../../src/core/deployment';
import type { BatchPlanDetails, BatchRecordDetails } from '../../src/targets/batch/details';
import { standardConnections } from '../../src/targets/connections';
import { Deployments } from '../../src/targets/lifecycle/Deployments';
import { AcrDouble, ArmDouble } from '../doubles/azure';
import type { BatchAccountDouble } from '../doubles/azure/batch';
import { batchDataClient } from '../doubles/azure/batch/client';
import { signInToDouble } from '../support/azureEnv';
import { filesHolding } from '../support/awsEnv';
import { BASE_IMAGE, requireEngineAndBaseImage } from '../support/docker';
import { rdeploy } from '../support/cli';
import { carRows, carsCsv, rChunkAnswers } from '../support/mapData';
import { copyExample } from '../support/tempProject';

/**
 * The batch target end to end against the Batch double (both planes, tasks as real containers),
 * the ARM double and the ACR double: deploy → a scheduled run → invoke → map → logs → destroy, as
 * the Deployments API (what the CLI and the extension call) runs them. No password anywhere: the
 * push exchanges the deployer's Entra token, the nodes pull as the pool's identity with AcrPull.
 */
const name = `bt-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const RG = 'rg-rdeploy-batch';
const LABEL = `batch-cloud-e2e-${process.pid}`;
let arm: ArmDouble;
let acr: AcrDouble;
let account: BatchAccountDouble;
let project: RProject;
let deployments: Deployments;
const example = copyExample('mtcars-glm');
let signOut: (() => void) | undefined;
const at = async () => ({ root: project.root, record: (await readRecord(project.root, name))! });
const sample = (s: string) => readFileSync(path.join(project.root, 'samples', `${s}.json`), 'utf8');
const settings = () => ({ cloud: arm.url, resourceGroup: RG, account: account.name, registry: acr.loginServer, maxNodes: 2, taskSlotsPerNode: 2, spot: true, schedule: 'every 1 day at 02:00', scheduleInput: 'fleet' });
const plan = () => deployments.plan(project, 'batch', { name, baseImage: BASE_IMAGE, settings: settings() });
const containers = () => execFileSync('docker', ['ps', '-q', '--filter', `label=rdeploy-azure-double=${LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the batch target against the Azure Batch double', () => {
  beforeAll(async () => {
    requireEngineAndBaseImage();
    arm = await ArmDouble.start({ resourceGroups: [RG], label: LABEL, timeScale: 0.01 });
    acr = await AcrDouble.start({ arm, resourceGroup: RG });
    account = await arm.batch.createAccount({ name: `rdb${process.pid.toString(36)}`.slice(0, 24), resourceGroup: RG });
    signOut = signInToDouble(arm);
    deployments = new Deployments({ connections: standardConnections(), tool: 'the e2e tests' });
    project = await loadProject(example.dir, {});
  }, 120_000);
  afterAll(async () => {
    await acr?.stop();
    await arm?.stop();
    signOut?.();
    example.dispose();
  });

  it('plans without a call to Azure: the pool, the job schedule and the task template as data', () => {
    const before = arm.calls().length + arm.batch.calls().length;
    const d = plan().details as BatchPlanDetails;
    expect(d.pool.deploymentConfiguration.virtualMachineConfiguration.containerConfiguration.type).toBe('DockerCompatible');
    expect(d.jobSchedule?.schedule.recurrenceInterval).toBe('P1D');
    expect(d.task.containerSettings.registry?.identityReference?.resourceId).toContain(`rdeploy-${name}-pull`);
    expect(arm.calls().length + arm.batch.calls().length).toBe(before);
  });

  it('deploys: the image in ACR, the pull identity with AcrPull, the pool on the chosen image with the identity, the job schedule', async () => {
    const record = await deployments.deploy(plan());
    expect(record.status).toBe('running');
    const d = record.details as BatchRecordDetails;
    expect([d.nodeImage, d.nodeAgentSkuId]).toEqual(['microsoft-dsvm/ubuntu-hpc/2404', 'batch.node.ubuntu 24.04']);
    const pool = arm.calls((c) => c.method === 'PUT' && /\/pools\//.test(c.path))[0]!.body as { identity: { userAssignedIdentities: Record<string, unknown> }; properties: { deploymentConfiguration: { virtualMachineConfiguration: { containerConfiguration: { containerImageNames: string[]; containerRegistries: Array<{ identityReference: { resourceId: string } }> } } } } };
    const containerConfiguration = pool.properties.deploymentConfiguration.virtualMachineConfiguration.containerConfiguration;
    expect(containerConfiguration.containerImageNames).toEqual([d.image]);
    expect(Object.keys(pool.identity.userAssignedIdentities)[0]!.toLowerCase()).toBe(d.pullIdentityId!.toLowerCase());
    expect(arm.roleAssignments().filter((a) => a.principalId === d.pullPrincipalId).map((a) => `${a.roleName} @ ${a.scope.split('/').slice(-2).join('/')}`)).toEqual([`AcrPull @ registries/${acr.name}`]);
    expect(arm.batch.calls('JobSchedules_CreateJobSchedule')).toHaveLength(1);
    // Every data-plane request was one Batch accepts, at 2025-06-01.
    expect(arm.batch.calls().filter((c) => c.status >= 400 && c.status !== 404)).toEqual([]);
    expect(new Set(arm.batch.calls().map((c) => c.apiVersion))).toEqual(new Set(['2025-06-01']));
  });

  it("runs the schedule's job: its manager task scores the fleet payload in the container, pulled as the identity", async () => {
    const d = (await at()).record.details as BatchRecordDetails;
    const jobId = account.fireSchedule(d.jobScheduleId!)!;
    expect(jobId).toBeTruthy();
    const [task] = await account.waitFor('the scheduled task to complete', (tasks) => tasks.some((t) => t.jobId === jobId && t.state === 'completed'), 180_000).then((ts) => ts.filter((t) => t.jobId === jobId));
    expect(task).toMatchObject({ exitCode: 0 });
    // The fleet sample's cars, scored together: one answer with a probability per car.
    const fleet = (JSON.parse(sample('fleet')) as { wt: number[] }).wt.length;
    const stdout = readFileSync(path.join(task!.directory!, 'stdout.txt'), 'utf8');
    expect((JSON.parse(stdout.split('\n')[0]!) as { probability: number[] }).probability).toHaveLength(fleet);
    const runs = await deployments.runs(await at(), { top: 5, withActions: true });
    expect(runs.find((r) => r.id === jobId)).toMatchObject({ trigger: 'schedule', actions: [{ name: 'scheduled', status: 'Succeeded' }] });
  }, 240_000);

  it('invokes: one job with one task, R answers; a handler error is an answer; the twin answers the same', async () => {
    const cloud = await deployments.invoke(await at(), sample('one-car'));
    expect(cloud).toMatchObject({ ok: true, body: { transmission: 'manual' }, runId: expect.stringContaining(`-invoke-`) });
    const bad = await deployments.invoke(await at(), '{"wt": [1, 2], "hp": [100]}');
    expect(bad).toMatchObject({ ok: false, body: { errorType: 'simpleError', errorMessage: expect.stringContaining('same length') } });
    const twin = await deployments.invokeLocal(project, 'batch', { name, out: path.join(project.root, '.rdeploy', 'twin'), builderImage: BASE_IMAGE, settings: settings() }, sample('one-car'));
    expect(twin.body).toEqual(cloud.body);
  }, 240_000);

  it('maps 1,000 rows in chunks of 100 on the pool: R\'s own answers in order and row by row, through a preempted Spot node', async () => {
    const rows = carRows(1000, 7);
    writeFileSync(path.join(project.root, 'cars.csv'), carsCsv(rows));
    const input = path.join(project.root, 'cars.csv');
    const output = path.join(project.root, 'scores.jsonl');
    const located = await at();
    let preempted: string[] = [];
    const summary = await runMap({
      input,
      output,
      chunkRows: 100,
      deployment: { name, target: 'batch', deployedAt: located.record.updatedAt },
      signal: new AbortController().signal,
      executor: (signal, { estimatedUnits }) => deployments.mapExecutor(located, { concurrency: 4, ...(estimatedUnits ? { estimatedUnits } : {}) }, { signal }),
      onProgress: (stats) => {
        // Once tasks run, Azure takes a Spot node back: its task runs again elsewhere, not as a retry.
        const busy = stats.running > 0 ? account.nodes(located.record.details.poolId as string).find((n) => !n.dedicated && n.runningTasks.length > 0) : undefined;
        if (preempted.length === 0 && busy) {
          preempted = busy.runningTasks;
          account.preemptNode(located.record.details.poolId as string, busy.id);
        }
      },
    });
    expect(summary).toMatchObject({ units: 10, rows: 1000, done: 10, failed: 0 });
    // The preempted node's tasks ran again elsewhere and answered, without using a retry.
    expect(preempted.length).toBeGreaterThan(0);
    const mapTasks = account.tasks().filter((t) => /-map-/.test(t.jobId));
    for (const id of preempted) expect(mapTasks.find((t) => t.id === id || `${t.jobId}/${t.id}`.endsWith(id))).toMatchObject({ state: 'completed', exitCode: 0, retryCount: 0 });
    expect(String(summary.executor)).toMatch(/^a Batch job on rdeploy-/);
    const out = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { chunk: number; result: unknown });
    expect(out.map((r) => r.chunk)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(out.map((r) => r.result)).toEqual(rChunkAnswers(project.root, 'cars.csv', 100));
    // Row by row: the chunks' answers end to end are R's one call on all 1,000 rows.
    const all = rChunkAnswers(project.root, 'cars.csv', 1000)[0] as { probability: number[] };
    expect(out.flatMap((r) => (r.result as { probability: number[] }).probability)).toEqual(all.probability);
    // One job, its tasks added as a collection, each with the template's retries; the job is ended.
    expect(arm.batch.calls('Tasks_CreateTaskCollection').length).toBeGreaterThanOrEqual(1);
    const mapJob = (await deployments.runs(await at(), { top: 10 })).find((r) => r.trigger === 'map')!;
    expect(mapJob.status).not.toBe('Running');
    expect(containers()).toEqual([]);
  }, 300_000);

  it('stops a map on cancel (the job terminated, no container left), reports a failing chunk, and resumes on a rerun', async () => {
    const rows = carRows(200, 11);
    // Row 95 gives two weights for one car: the handler raises for its chunk, every time.
    const lines = rows.map((r, i) => JSON.stringify(i === 94 ? { wt: [r.wt, 2], hp: r.hp } : r));
    writeFileSync(path.join(project.root, 'cars.jsonl'), `${lines.join('\n')}\n`);
    const located = await at();
    const options = (signal: AbortSignal) => ({
      input: path.join(project.root, 'cars.jsonl'),
      output: path.join(project.root, 'resumed.jsonl'),
      chunkRows: 10,
      deployment: { name, target: 'batch', deployedAt: located.record.updatedAt },
      signal,
      executor: (s: AbortSignal, { estimatedUnits }: { estimatedUnits?: number }) => deployments.mapExecutor(located, { concurrency: 4, ...(estimatedUnits ? { estimatedUnits } : {}) }, { signal: s }),
    });
    const stop = new AbortController();
    await expect(runMap({ ...options(stop.signal), onProgress: (stats) => stats.done >= 2 && stop.abort() })).rejects.toMatchObject({ cancelled: true });
    const cancelled = (await deployments.runs(await at(), { top: 10 })).find((r) => r.trigger === 'map' && r.status === 'Cancelled');
    expect(cancelled).toBeDefined();
    await until('the cancelled map\'s containers to go', () => containers().length === 0 || undefined, 60_000);

    const summary = await runMap(options(new AbortController().signal));
    expect(summary.skipped).toBeGreaterThanOrEqual(2);
    expect(summary).toMatchObject({ units: 20, failed: 1 });
    const out = readFileSync(path.join(project.root, 'resumed.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { chunk: number; error?: { errorType: string } });
    expect(out.map((r) => r.chunk)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(out[9]).toMatchObject({ chunk: 10, error: { errorType: 'simpleError' } });
    // Batch ran the failing chunk's task again (maxTaskRetryCount 2) before it was reported.
    const failing = account.tasks().filter((t) => /-map-/.test(t.jobId) && t.id === 'chunk-0000010');
    expect(failing.some((t) => t.retryCount === 2 && t.exitCode === 1), JSON.stringify(failing)).toBe(true);
    expect(containers()).toEqual([]);
  }, 300_000);

  it('the CLI: invoke, status and logs reach the pool; map --local runs the task\'s container in local Docker with the same answers', async () => {
    const invoke = await rdeploy(['invoke', name, '--project', project.root, '--payload', 'one-car']);
    expect(invoke.code, invoke.stderr).toBe(0);
    expect(JSON.parse(invoke.stdout)).toMatchObject({ transmission: 'manual' });
    const status = await rdeploy(['status', name, '--project', project.root]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/next run/);
    const logs = await rdeploy(['logs', name, '--project', project.root, '--tail', '50']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/--- rdeploy-.*-invoke-\w+ \/ invoke/);
    const twin = await rdeploy(['map', name, '--project', project.root, '--local', '--input', path.join(project.root, 'cars.csv'), '--output', path.join(project.root, 'twin.jsonl'), '--chunk-rows', '100', '--json']);
    expect(twin.code, twin.stderr).toBe(0);
    const results = (f: string) => readFileSync(path.join(project.root, f), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { result: unknown }).result);
    expect(results('twin.jsonl')).toEqual(results('scores.jsonl'));
    for (const out of [invoke, status, logs, twin]) expect(`${out.stdout}${out.stderr}`).not.toContain(arm.deployer.clientSecret);
  }, 300_000);

  it('follows the logs: a task that runs while following is shown, its stdout and stderr, each line once', async () => {
    const stop = new AbortController();
    const seen: LogEvent[] = [];
    const located = await at();
    const following = (async () => {
      for await (const e of deployments.logs(located, { follow: true, tail: 0, signal: stop.signal })) seen.push(e);
    })();
    await deployments.invoke(located, sample('one-car'));
    const header = await until('the followed task', () => seen.find((e) => /-invoke-\w+ \/ invoke ---$/.test(e.message)), 60_000);
    const job = header.message.split(' ')[1]!;
    await until("the task's stderr", () => seen.some((e) => e.stream === 'stderr' && /scored 1 car/.test(e.message)) || undefined, 60_000);
    stop.abort();
    await following;
    expect(seen.filter((e) => e.message === header.message)).toHaveLength(1);
    expect(job).toMatch(/^rdeploy-/);
    expect(seen.some((e) => e.message.startsWith('[rdeploy-result:'))).toBe(false);
  }, 120_000);

  it('shows the logs of the latest tasks and the pool in status', async () => {
    const events: LogEvent[] = [];
    for await (const e of deployments.logs(await at(), {})) events.push(e);
    expect(events.some((e) => /^--- rdeploy-.*-(invoke|map)-\w+ \/ (invoke|chunk-\d+) \(exit \d\) ---$/.test(e.message))).toBe(true);
    expect(events.some((e) => e.message.startsWith('[rdeploy-result:'))).toBe(false);
    const status = await deployments.status(await at());
    expect(status.detail).toMatch(/steady|resizing/);
    expect(status.detail).toMatch(/next run \d{4}-\d{2}-\d{2}T02:00:00/);
  });

  it('destroys the schedule, the jobs, the pool, the grant, the identity and the image; nothing is left and no secret was written', async () => {
    const d = (await at()).record.details as BatchRecordDetails;
    await deployments.destroy({ root: project.root, name });
    expect(arm.userAssignedIdentities.list().filter((i) => i.name === `rdeploy-${name}-pull`)).toEqual([]);
    expect(arm.roleAssignments().filter((a) => a.principalId === d.pullPrincipalId)).toEqual([]);
    expect(arm.calls((c) => c.method === 'DELETE' && c.path.includes(`/pools/${d.poolId}`)).length).toBeGreaterThan(0);
    await until('the pool to go', async () => (await fetchPools()).every((p) => p !== d.poolId) || undefined);
    expect(arm.batch.calls('JobSchedules_DeleteJobSchedule').length).toBeGreaterThan(0);
    // What the account holds afterwards, as anyone listing it would see: nothing carrying the deployment's metadata.
    const send = await batchDataClient(arm, account);
    const ours = (list: unknown) => (list as { value: Array<{ id: string; state?: string; metadata?: Array<{ name: string; value: string }> }> }).value.filter((x) => x.state !== 'deleting' && x.metadata?.some((m) => m.value === name));
    expect(ours((await send('GET', '/jobs')).body)).toEqual([]);
    expect(ours((await send('GET', '/jobschedules')).body)).toEqual([]);
    expect(await fetchPools()).toEqual([]);
    expect(await deployments.destroy({ root: project.root, name })).toBe('nothing-left');
    expect(containers()).toEqual([]);
    // Through the whole cycle, every data-plane request was one Batch accepts (404: an existence check's "no").
    expect(arm.batch.calls().filter((c) => c.status >= 400 && c.status !== 404).map((c) => `${c.operation} ${c.status}`)).toEqual([]);
    expect(filesHolding(path.join(project.root, '.rdeploy'), arm.deployer.clientSecret)).toEqual([]);
  }, 240_000);
});

/** The pools the account still has, by the data plane's own list (as anyone would see them). */
async function fetchPools(): Promise<string[]> {
  const send = await batchDataClient(arm, account);
  return ((await send('GET', '/pools')).body as { value: Array<{ id: string }> }).value.map((p) => p.id);
}
