import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/core/project/loadProject';
import type { RProject } from '../../src/core/project/model';
import { readRecord } from '../../src/core/records/store';
import type { AciRecordDetails } from '../../src/targets/aci/details';
import { RUNNER_ROLE } from '../../src/targets/aci/names';
import { standardConnections } from '../../src/targets/connections';
import { Deployments } from '../../src/targets/lifecycle/Deployments';
import { ArmDouble } from '../doubles/azure';
import { registerLogicApps, type LogicAppsDouble } from '../doubles/azure/logic';
import { filesHolding } from '../support/awsEnv';
import { rdeploy } from '../support/cli';
import { BASE_IMAGE, requireEngineAndBaseImage } from '../support/docker';
import { startRegistry, type TestRegistry } from '../support/registry';
import { doubleClientOptions, doubleCredential } from '../doubles/azure/clients';

// The whole ACI cycle through the real @azure/* clients and @azure/identity, against the HTTPS
// double of Resource Manager reached as a custom cloud (the `cloud` setting): the deploy pushes the
// real image to a real registry with a password, saves the workflow, assigns the role; an invoke
// goes through the trigger URL, the double interprets the workflow, whose HTTP actions create the
// container group, which the double runs as a real container pulled from that registry; R answers.
const name = `ac-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
const RG = 'rg-rdeploy-e2e';
const REGISTRY_PASSWORD = 'rEgIsTrY-pAsSwOrD-never-written';
let arm: ArmDouble;
let logic: LogicAppsDouble;
let registry: TestRegistry;
let tmp: string;
let project: RProject;
let deployments: Deployments;
const saved: Record<string, string | undefined> = {};
const env = (): Record<string, string> => ({
  AZURE_TENANT_ID: arm.tenantId,
  AZURE_CLIENT_ID: arm.deployer.clientId,
  AZURE_CLIENT_SECRET: arm.deployer.clientSecret,
  AZURE_SUBSCRIPTION_ID: arm.subscriptionId,
  RDEPLOY_REGISTRY_USERNAME: 'rdeploy',
  RDEPLOY_REGISTRY_PASSWORD: REGISTRY_PASSWORD,
});
const settings = () => ({ cloud: arm.url, resourceGroup: RG, registry: registry.host, cpu: 1, memoryGb: 1, timeoutMinutes: 10 });
const plan = (extra: Record<string, unknown> = {}) => deployments.plan(project, 'aci', { name, baseImage: BASE_IMAGE, settings: { ...settings(), ...extra } });
const sample = (s: string) => readFileSync(path.join(project.root, 'samples', `${s}.json`), 'utf8');
const owner = () => ({ root: project.root, name });
const at = async () => ({ root: project.root, record: (await readRecord(project.root, name))! });
/** What the deployment has in the double: its container groups, and the role assignments made for a workflow. */
const tagged = () => ({
  groups: arm.containerGroups().filter((g) => g.tags?.['rdeploy-deployment'] === name),
  assignments: arm.roleAssignments().filter((a) => a.roleName === RUNNER_ROLE),
});

describe('the aci target against the ARM double', () => {
  beforeAll(async () => {
    requireEngineAndBaseImage();
    registry = await startRegistry({ auth: { username: 'rdeploy', password: REGISTRY_PASSWORD } });
    // Waits in the workflow (10 s between looks) and ACI's state changes go 20 times faster.
    arm = await ArmDouble.start({ resourceGroups: [RG], label: `aci-e2e-${process.pid}`, timeScale: 0.05 });
    logic = registerLogicApps(arm);
    for (const [k, v] of Object.entries(env())) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    deployments = new Deployments({ connections: standardConnections(), tool: 'the e2e tests' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-ac-'));
    cpSync(path.join(__dirname, '../../examples/mtcars-glm'), path.join(tmp, 'mtcars-glm'), { recursive: true, filter: (src) => !src.includes('.rdeploy') });
    project = await loadProject(path.join(tmp, 'mtcars-glm'), {});
  });
  afterAll(async () => {
    await logic?.stop();
    await arm?.stop();
    await registry?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it('plan is pure and names the three bodies other tools read; the cost of a stated workload', () => {
    const p = plan({ schedule: 'every 1 day at 02:00', scheduleInput: 'fleet' });
    const d = p.details as { workflow: { properties: { parameters: Record<string, { value: unknown }> } }; containerGroup: unknown; roleAssignments: unknown[] };
    expect(Object.keys(d)).toEqual(expect.arrayContaining(['workflow', 'containerGroup', 'roleAssignments']));
    expect(d.workflow.properties.parameters.registryPassword!.value).toBe('<registry password: set at deploy, never shown>');
    expect(JSON.stringify(p)).not.toContain(REGISTRY_PASSWORD);
    expect(p.resources.map((r) => r.kind)).toEqual(['image', 'workflow', 'role-assignment', 'schedule']);
    expect(arm.calls()).toHaveLength(0); // no credentials, no network
    const cost = deployments.estimate(p, { runsPerMonth: 30, durationMs: 600_000 });
    expect(cost.monthlyUsd).toBeGreaterThan(0);
  });

  it('a deploy refused by Azure leaves nothing tagged behind', async () => {
    arm.injectFault({ operation: 'RoleAssignments_Create', kind: 'error', status: 403, code: 'AuthorizationFailed', message: "The client 'x' with object id 'x' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' over scope 'y' or the scope is invalid." }, 10);
    await expect(deployments.deploy(plan())).rejects.toMatchObject({ message: expect.stringContaining('lacks a permission') });
    arm.clearFaults();
    expect(tagged().groups).toHaveLength(0);
    expect(tagged().assignments).toHaveLength(0);
    expect(logic.workflow(`rdeploy-${name}`)).toBeUndefined();
    expect(await registry.manifestDigest(`rdeploy/${name}`, plan().resources[0]!.id.split(':').pop()!)).toBeUndefined();
    expect((await readRecord(project.root, name))?.status).toBe('failed');
  });

  it('deploys: the image pushed, the workflow with its identity, the role on the resource group, the scheduler', async () => {
    // Resource Manager throttles the first save: the SDK waits for Retry-After and sends it again.
    arm.resetCalls();
    arm.injectFault({ operation: 'Workflows_CreateOrUpdate', kind: 'throttle', retryAfterSeconds: 1 }, 1);
    const record = await deployments.deploy(plan({ schedule: 'every 1 day at 02:00', scheduleInput: 'fleet' }));
    expect(arm.calls((c) => c.operation === 'Workflows_CreateOrUpdate' && c.path.endsWith(`/rdeploy-${name}`)).map((c) => c.status)).toEqual([429, 201]);
    expect(record.status).toBe('running');
    const d = record.details as AciRecordDetails;
    expect(d).toMatchObject({ resourceGroup: RG, workflowName: `rdeploy-${name}`, scheduleWorkflowName: `rdeploy-${name}-schedule` });
    expect(d.image).toMatch(new RegExp(`^${registry.host}/rdeploy/${name}@sha256:`));
    const wf = logic.workflow(`rdeploy-${name}`)!;
    expect(wf.principalId).toBe(d.principalId);
    expect(tagged().assignments).toMatchObject([{ principalId: d.principalId, principalType: 'ServicePrincipal' }]);
    const put = arm.calls((c) => c.method === 'PUT' && c.path.endsWith(`/workflows/rdeploy-${name}`))[0]!;
    expect(JSON.stringify(put.body)).toContain(REGISTRY_PASSWORD); // sent once, as the SecureString's value…
    expect(filesHolding(path.join(project.root, '.rdeploy'), REGISTRY_PASSWORD)).toEqual([]); // …and written nowhere
  });

  it('invokes through the HTTP trigger: R answers, the run deleted its container group; the twin answers the same', async () => {
    const cloud = await deployments.invoke(await at(), sample('one-car'));
    expect(cloud).toMatchObject({ ok: true, body: { transmission: 'manual' }, runId: expect.stringMatching(/^\d+CU\d+$/) });
    const twin = await deployments.invokeLocal(project, 'aci', { name, out: path.join(tmp, 'twin'), builderImage: BASE_IMAGE, settings: settings() }, sample('one-car'));
    expect(twin.body).toEqual(cloud.body);
    const bad = await deployments.invoke(await at(), '{"wt": [1, 2], "hp": [100]}');
    expect(bad).toMatchObject({ ok: false, body: { errorType: 'simpleError', errorMessage: expect.stringContaining('same length') } });
    const twinBad = await deployments.invokeLocal(project, 'aci', { name, out: path.join(tmp, 'twin'), builderImage: BASE_IMAGE, settings: settings() }, '{"wt": [1, 2], "hp": [100]}');
    expect(twinBad.body).toEqual(bad.body);
    expect(tagged().groups).toHaveLength(0);
    // Every group the runs created was created by the workflow's identity, and deleted.
    const creates = arm.calls((c) => c.method === 'PUT' && c.path.includes('/containerGroups/'));
    expect(creates.length).toBe(2);
    expect(new Set(creates.map((c) => c.principal))).toEqual(new Set([(await at()).record.details.principalId]));
    expect(arm.calls((c) => c.method === 'DELETE' && c.path.includes('/containerGroups/')).length).toBeGreaterThanOrEqual(2);
  });

  it('the schedule runs the model with its payload; the runs and their logs are read from the run history', async () => {
    const scheduler = `rdeploy-${name}-schedule`;
    const run = logic.fireRecurrence(scheduler);
    await logic.waitForRun(scheduler, run);
    const main = logic.runs(`rdeploy-${name}`)[0]!;
    await logic.waitForRun(`rdeploy-${name}`, main.name);
    const runs = await deployments.runs(await at(), { top: 5, withActions: true });
    expect(runs[0]).toMatchObject({ status: 'Succeeded', trigger: 'manual' });
    expect(runs[0]!.actions!.map((a) => a.name)).toEqual(expect.arrayContaining(['Create_container_group', 'Get_logs', 'Delete_container_group']));
    const lines: string[] = [];
    for await (const e of deployments.logs(await at(), { tail: 200 })) lines.push(e.message);
    expect(lines.join('\n')).toMatch(/scored 4 car\(s\)/); // fleet.json: the scheduled payload
    expect(await deployments.status(await at())).toMatchObject({ state: 'running' });
  });

  it('the CLI invokes and reads logs; neither the trigger signature nor the registry password shows anywhere', async () => {
    const cli = await rdeploy(['invoke', name, '--project', project.root, '--payload', 'one-car'], { env: { ...process.env, ...env() } });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ transmission: 'manual' });
    expect(cli.stderr).toMatch(/run \d+CU\d+/);
    const logs = await rdeploy(['logs', name, '--project', project.root, '--tail', '100'], { env: { ...process.env, ...env() } });
    expect(logs.code).toBe(0);
    const { LogicManagementClient } = await import('@azure/arm-logic');
    const client = new LogicManagementClient(doubleCredential(arm), arm.subscriptionId, doubleClientOptions(arm));
    const sig = new URL((await client.workflowTriggers.listCallbackUrl(RG, `rdeploy-${name}`, 'manual')).value!).searchParams.get('sig')!;
    expect(sig.length).toBeGreaterThan(10);
    for (const secret of [sig, REGISTRY_PASSWORD]) {
      expect(filesHolding(path.join(project.root, '.rdeploy'), secret)).toEqual([]);
      expect(cli.stdout + cli.stderr + logs.stdout + logs.stderr).not.toContain(secret);
    }
    // The run history shows no password: the create's inputs are secured.
    const runs = logic.runs(`rdeploy-${name}`);
    expect(JSON.stringify(runs)).not.toContain(REGISTRY_PASSWORD);
  });

  it('a run whose container group cannot be created answers 502 in one sentence with its run id, and still deletes', async () => {
    // ACI refuses the group (a quota, say): the create fails, the wait and the logs are skipped, the delete runs anyway.
    arm.injectFault({ operation: 'ContainerGroups_CreateOrUpdate', kind: 'error', status: 409, code: 'ContainerGroupQuotaReached', message: 'Resource type Microsoft.ContainerInstance/containerGroups has reached its quota.' }, 1);
    const deletesBefore = arm.calls((c) => c.method === 'DELETE' && c.path.includes('/containerGroups/')).length;
    await expect(deployments.invoke(await at(), sample('one-car'))).rejects.toMatchObject({ code: 'invoke-failed', message: expect.stringMatching(/run \d+CU\d+ of rdeploy-.* failed: The run \d+CU\d+ ended without a result/) });
    expect(arm.calls((c) => c.method === 'DELETE' && c.path.includes('/containerGroups/')).length).toBe(deletesBefore + 1);
    expect(tagged().groups).toHaveLength(0);
  });

  it('destroy leaves nothing tagged: workflows, role assignment, container groups, the pushed image', async () => {
    const before = (await at()).record.details as AciRecordDetails;
    const report = await deployments.destroy(owner());
    expect(report).toBeTruthy();
    // Each workflow was disabled before it was deleted: no trigger could start a run while it went.
    const ops = arm
      .calls((c) => ['Workflows_Disable', 'Workflows_Delete'].includes(c.operation) && c.path.includes(`/workflows/rdeploy-${name}`))
      .map((c) => `${c.operation} ${/\/workflows\/([^/]+)/.exec(c.path)![1]}`);
    expect(ops).toEqual([`Workflows_Disable rdeploy-${name}-schedule`, `Workflows_Delete rdeploy-${name}-schedule`, `Workflows_Disable rdeploy-${name}`, `Workflows_Delete rdeploy-${name}`]);
    expect(logic.workflow(`rdeploy-${name}`)).toBeUndefined();
    expect(logic.workflow(`rdeploy-${name}-schedule`)).toBeUndefined();
    expect(tagged().assignments).toHaveLength(0);
    expect(tagged().groups).toHaveLength(0);
    const tag = before.image!.split('@')[0]!;
    expect(await registry.manifestDigest(`rdeploy/${name}`, plan().resources[0]!.id.split(':').pop()!)).toBeUndefined();
    expect(tag).toContain(`rdeploy/${name}`);
    expect(await deployments.destroy(owner())).toBe('nothing-left');
  });
});
