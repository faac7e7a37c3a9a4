// `rdeploy plan --target batch`: pure (no credentials, no network), the resources in the order the
// deploy makes them, the requests it will send as data (placeholders where only the deploy knows),
// and the one-sentence refusals of what a deploy cannot do without.
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/core/errors';
import { loadProject } from '../../../../src/core/project/loadProject';
import type { RProject } from '../../../../src/core/project/model';
import type { Plan } from '../../../../src/targets/Target';
import type { BatchPlanDetails } from '../../../../src/targets/batch/details';
import { PLACEHOLDER } from '../../../../src/targets/batch/placeholders';
import { acrPullAssignment, planBatch } from '../../../../src/targets/batch/plan';
import { batchDefaults, BatchSettingsSchema } from '../../../../src/targets/batch/settings';
import { required } from '../../../../src/targets/batch/steps';
import { PAYLOAD_ENV } from '../../../../src/targets/image/jobContainer';

let project: RProject;
beforeAll(async () => {
  project = await loadProject(path.join(__dirname, '../../../../examples/mtcars-glm'));
});

const SUB = '3f2a9c1e-7b4d-4e8a-9c6f-2d1b5a7e9c30';
const FULL = { subscription: SUB, resourceGroup: 'ml', account: 'mlbatch', registry: 'models.azurecr.io' };
const plan = (settings: Record<string, unknown>): Plan<BatchPlanDetails> => planBatch(project, { name: 'mtcars', settings: BatchSettingsSchema.parse(settings) }) as Plan<BatchPlanDetails>;

describe('plan --target batch', () => {
  it('is pure: the same settings give the same plan, made at once, as plain data', () => {
    const a = plan(FULL);
    expect(a).not.toBeInstanceOf(Promise);
    const { project: _a, ...dataA } = a;
    const { project: _b, ...dataB } = plan(FULL);
    expect(dataB).toEqual(dataA);
    expect(JSON.parse(JSON.stringify(dataA))).toEqual(dataA);
  });

  it('resources in the order the deploy makes them: image, pull identity, its AcrPull, pool (no schedule without one)', () => {
    const p = plan(FULL);
    expect(p.target).toBe('batch');
    expect(p.runtimeMode).toBe('job');
    expect(p.resources.map((r) => r.kind)).toEqual(['image', 'pull-identity', 'role-assignment', 'pool']);
    const d = p.details;
    expect(p.resources.map((r) => r.id)).toEqual([`models.azurecr.io/rdeploy/mtcars:${d.image.tag}`, 'rdeploy-mtcars-pull', d.acrPull.id, 'rdeploy-mtcars']);
    expect(d.jobSchedule).toBeUndefined();
    expect(p.requests.some((r) => r.operation === 'POST /jobschedules')).toBe(false);
    expect(p.resources[3]!.description).toBe('Batch pool in mlbatch: Standard_D2s_v3 nodes (0 to 4 dedicated), 1 task per node, autoscale "queue"');
  });

  it('with a schedule: the job schedule comes last, as a resource and as the POST the deploy sends', () => {
    const p = plan({ ...FULL, schedule: 'every 6 hours', scheduleInput: 'fleet' });
    expect(p.resources.map((r) => r.kind)).toEqual(['image', 'pull-identity', 'role-assignment', 'pool', 'schedule']);
    expect(p.resources[4]).toMatchObject({ id: 'rdeploy-mtcars-schedule', description: 'Batch job schedule, every 6 hours (UTC): a job with the payload fleet' });
    const post = p.requests.find((r) => r.operation === 'POST /jobschedules');
    expect(post).toEqual({ service: 'batch', operation: 'POST /jobschedules', target: 'rdeploy-mtcars-schedule', body: p.details.jobSchedule });
    expect(p.details.jobSchedule).toMatchObject({ schedule: { recurrenceInterval: 'PT6H' }, jobSpecification: { poolInfo: { poolId: 'rdeploy-mtcars' } } });
    expect(p.facts?.find((f) => f.label === 'schedule')?.value).toBe('every 6 hours (UTC), about 122 jobs a month, payload fleet');
  });

  it('requests: the build, the push, identity and role PUTs, and the pool PUT through ARM with the pool body under properties', () => {
    const p = plan(FULL);
    const d = p.details;
    expect(p.requests.map((r) => `${r.service} ${r.operation}`)).toEqual([
      'docker ImageBuild',
      'docker ImagePush',
      'arm PUT Microsoft.ManagedIdentity/userAssignedIdentities',
      'arm PUT Microsoft.Authorization/roleAssignments',
      'arm PUT Microsoft.Batch/batchAccounts/pools',
    ]);
    const pool = p.requests.find((r) => r.operation === 'PUT Microsoft.Batch/batchAccounts/pools')!;
    expect(pool.target).toBe(`/subscriptions/${SUB}/resourceGroups/ml/providers/Microsoft.Batch/batchAccounts/mlbatch/pools/rdeploy-mtcars`);
    expect(pool.body).toEqual({ properties: d.pool });
    expect(d.pool).toMatchObject({ vmSize: 'Standard_D2s_v3', taskSlotsPerNode: 1, scaleSettings: { autoScale: { evaluationInterval: 'PT15M' } } });
    const identity = p.requests.find((r) => r.operation === 'PUT Microsoft.ManagedIdentity/userAssignedIdentities')!;
    expect(identity.target).toBe(`/subscriptions/${SUB}/resourceGroups/ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/rdeploy-mtcars-pull`);
    expect(Object.keys(d.pool.identity.userAssignedIdentities)).toEqual([identity.target]);
    const role = p.requests.find((r) => r.operation === 'PUT Microsoft.Authorization/roleAssignments')!;
    expect(role).toMatchObject({ target: d.acrPull.id, body: d.acrPull.body });
    expect(p.requests[1]).toMatchObject({ target: `models.azurecr.io/rdeploy/mtcars:${d.image.tag}` });
  });

  it('placeholders stand where only the deploy knows: subscription, resource group, account, registry, digest, node image, first run, principal', () => {
    const p = plan({ schedule: 'every 1 day at 02:00' });
    const d = p.details;
    const pool = p.requests.find((r) => r.operation === 'PUT Microsoft.Batch/batchAccounts/pools')!;
    expect(pool.target).toBe('/subscriptions/<subscription>/resourceGroups/<resource group>/providers/Microsoft.Batch/batchAccounts/<account>/pools/rdeploy-mtcars');
    const vm = d.pool.deploymentConfiguration.virtualMachineConfiguration;
    expect(vm.containerConfiguration.containerImageNames).toEqual([`<registry>/rdeploy/mtcars@${PLACEHOLDER.digest}`]);
    expect(vm.imageReference.publisher).toBe(PLACEHOLDER.chosenImage);
    expect(vm.nodeAgentSkuId).toBe(PLACEHOLDER.nodeAgentSkuId);
    expect(d.jobSchedule?.schedule.doNotRunUntil).toBe(PLACEHOLDER.firstRun);
    expect(d.pullIdentity.body.location).toBe(PLACEHOLDER.location);
    expect(d.acrPull.scope).toBe('<ARM id of the registry <registry>>');
    expect(d.acrPull.body.properties.principalId).toBe("<the pull identity's principal id>");
    expect(d.acrPull.body.properties.roleDefinitionId).toBe('/subscriptions/<subscription>/providers/Microsoft.Authorization/roleDefinitions/<id of "AcrPull">');
    expect(d.task.id).toBe(PLACEHOLDER.taskId);
    expect(d.task.environmentSettings.find((e) => e.name === PAYLOAD_ENV)?.value).toBe(PLACEHOLDER.payload);
    expect(d.task.constraints.maxTaskRetryCount).toBe(2);
    // The image setting replaces the chosen-image placeholder; the node agent stays the deploy's.
    const set = plan({ image: 'microsoft-dsvm/ubuntu-hpc/2404' }).details.pool.deploymentConfiguration.virtualMachineConfiguration;
    expect(set.imageReference).toEqual({ publisher: 'microsoft-dsvm', offer: 'ubuntu-hpc', sku: '2404', version: 'latest' });
  });

  it('warns when nodes are kept (minNodes > 0), in the singular or plural, and not otherwise', () => {
    expect(plan(FULL).warnings).toBeUndefined();
    expect(plan({ ...FULL, minNodes: 1 }).warnings).toEqual(['minNodes is 1: that node is billed every hour, busy or idle, until destroy.']);
    expect(plan({ ...FULL, minNodes: 2, maxNodes: 6 }).warnings).toEqual(['minNodes is 2: those nodes are billed every hour, busy or idle, until destroy.']);
  });

  it('the nodes as the settings say: dedicated bounds, or minNodes dedicated and the rest Spot', () => {
    expect(plan({ ...FULL, minNodes: 1, maxNodes: 6 }).facts?.find((f) => f.label === 'nodes')?.value).toMatch(/^Standard_D2s_v3, 1 to 6 dedicated; /);
    expect(plan({ ...FULL, minNodes: 1, maxNodes: 6, spot: true }).facts?.find((f) => f.label === 'nodes')?.value).toMatch(/^Standard_D2s_v3, 1 dedicated, up to 5 Spot; /);
    // minNodes above the default maximum raises the maximum to it.
    expect(plan({ ...FULL, minNodes: 7 }).details.settings.maxNodes).toBe(7);
  });
});

describe('acrPullAssignment', () => {
  const v = {
    owner: { root: '/home/ana/mtcars', name: 'mtcars' },
    registryId: `/subscriptions/${SUB}/resourceGroups/ml/providers/Microsoft.ContainerRegistry/registries/models`,
    identityId: `/subscriptions/${SUB}/resourceGroups/ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/rdeploy-mtcars-pull`,
    principalId: '22222222-2222-2222-2222-222222222222',
    roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
  };

  it('AcrPull on the registry for the service principal, the assignment named by a GUID stable for the same inputs', () => {
    const a = acrPullAssignment(v);
    expect(a.roleName).toBe('AcrPull');
    expect(a.scope).toBe(v.registryId);
    expect(a.id).toMatch(new RegExp(`^${v.registryId}/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
    expect(a.body.properties).toMatchObject({ roleDefinitionId: v.roleDefinitionId, principalId: v.principalId, principalType: 'ServicePrincipal' });
    expect(a.body.properties.description).toContain('mtcars');
    expect(acrPullAssignment(v).id).toBe(a.id);
    expect(acrPullAssignment({ ...v, principalId: '33333333-3333-3333-3333-333333333333' }).id).not.toBe(a.id);
  });
});

describe('required (what a deploy cannot do without)', () => {
  const s = (settings: Record<string, unknown>) => batchDefaults(BatchSettingsSchema.parse(settings));
  const refusal = (settings: Record<string, unknown>): AppError => {
    try {
      required(s(settings));
    } catch (e) {
      return e as AppError;
    }
    throw new Error('required() did not refuse');
  };

  it('gives what is there', () => {
    expect(required(s(FULL))).toEqual({ resourceGroup: 'ml', account: 'mlbatch', registry: 'models.azurecr.io' });
  });

  it.each([
    ['resourceGroup', 'targets.batch.resourceGroup'],
    ['account', 'targets.batch.account'],
    ['registry', 'targets.batch.registry'],
  ])('one sentence, config-invalid, naming the setting when %s is missing', (key, setting) => {
    const { [key as keyof typeof FULL]: _gone, ...rest } = FULL;
    const e = refusal(rest);
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('config-invalid');
    expect(e.message).toContain(setting);
    expect(e.message).toContain(`--set ${key}=`);
    expect(e.message.split(/(?<=\.) (?=[A-Z])/)).toHaveLength(1);
  });

  it('the plan itself asks for none of them (it is pure and shows placeholders)', () => {
    expect(() => plan({})).not.toThrow();
  });
});
