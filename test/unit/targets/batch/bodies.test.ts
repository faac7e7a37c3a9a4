// The batch target's bodies as data: the pool (Microsoft.Batch 2023-11-01 through @azure/arm-batch
// 9.1.0), the job schedule and the task template (data plane 2025-06-01). The pool goes through
// the SDK's own serializer; each body is checked by the Batch double's own parsers (the checks the
// service makes on those shapes) besides its fields.
import type { Pool } from '@azure/arm-batch';
import { describe, expect, it } from 'vitest';
import { chooseImage, type SupportedImage } from '../../../../src/clouds/azure/batch';
import type { BatchJobScheduleCreateOptions, BatchTaskCreateOptions } from '../../../../src/clouds/azure/batch/types';
import { batchBodies, taskBody, TASK_COMMAND_LINE, type BatchBodyValues } from '../../../../src/targets/batch/bodies';
import { chunkTaskId, jobScheduleId, poolId, runJobId } from '../../../../src/targets/batch/names';
import { PLACEHOLDER, plannedBatchBodies } from '../../../../src/targets/batch/placeholders';
import { doNotRunUntil, parseBatchSchedule } from '../../../../src/targets/batch/schedule';
import { batchDefaults, BatchSettingsSchema } from '../../../../src/targets/batch/settings';
import { JOB_COMMAND, PAYLOAD_ENV, RESULT_FRAME_ENV } from '../../../../src/targets/image/jobContainer';
import { evaluateFormula } from '../../../doubles/azure/batch/autoscale/evaluate';
import { parseArmPool } from '../../../doubles/azure/batch/arm/poolArm';
import { checkId } from '../../../doubles/azure/batch/model/common';
import { DEFAULT_SUPPORTED_IMAGES } from '../../../doubles/azure/batch/model/images';
import { parseJobBody } from '../../../doubles/azure/batch/model/jobBody';
import { checkFormulaText, checkImage } from '../../../doubles/azure/batch/model/poolSpec';
import { parseTask } from '../../../doubles/azure/batch/model/taskBody';

const owner = { root: '/home/ana/churn', name: 'churn' };
const SUB = '00000000-0000-0000-0000-000000000001';
const IDENTITY = `/subscriptions/${SUB}/resourceGroups/ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/rdeploy-churn-pull`;
const IMAGE = 'myreg.azurecr.io/rdeploy/churn@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const NOW = new Date('2026-10-14T10:17:00Z');

function values(settings: Record<string, unknown> = {}): BatchBodyValues {
  const s = batchDefaults(BatchSettingsSchema.parse({ registry: 'myreg.azurecr.io', ...settings }));
  const chosen = chooseImage(DEFAULT_SUPPORTED_IMAGES as SupportedImage[], { now: NOW });
  const recurrence = s.schedule ? parseBatchSchedule(s.schedule) : undefined;
  const first = recurrence && doNotRunUntil(recurrence, NOW);
  return {
    owner,
    settings: s,
    subscription: SUB,
    resourceGroup: 'ml',
    location: 'westeurope',
    registry: 'myreg.azurecr.io',
    image: IMAGE,
    nodeImage: {
      imageReference: { publisher: chosen.image.imageReference.publisher!, offer: chosen.image.imageReference.offer!, sku: chosen.image.imageReference.sku!, version: 'latest' },
      nodeAgentSkuId: chosen.image.nodeAgentSKUId,
    },
    ...(recurrence ? { schedule: { recurrence, ...(first ? { doNotRunUntil: first } : {}), payload: '{"region":"north"}' } } : {}),
  };
}

/** What @azure/arm-batch 9.1.0 puts on the wire for a Pool: its own serializer and mappers (identity at the top, the rest under properties). */
async function wire(pool: Pool): Promise<unknown> {
  const { createSerializer } = await import('@azure/core-client');
  const Mappers = await import('@azure/arm-batch/dist-esm/src/models/mappers.js');
  return createSerializer(Mappers, false).serialize(Mappers.Pool, pool, 'parameters');
}
const ownerMetadata = [
  { name: 'rdeploy-project', value: '/home/ana/churn' },
  { name: 'rdeploy-deployment', value: 'churn' },
];

describe('pool body (Microsoft.Batch 2023-11-01)', () => {
  it('is a Pool of @azure/arm-batch that the service accepts: image, containers, registry by identity, autoscale, owner', async () => {
    const { pool, pullIdentity, poolId: id } = batchBodies(values({ vmSize: 'Standard_D4s_v5', minNodes: 1, maxNodes: 6, spot: true, taskSlotsPerNode: 4 }));
    const sdk: Pool = pool; // the SDK's own type
    const parsed = parseArmPool(await wire(sdk));
    expect(parsed.identityIds).toEqual([IDENTITY]);
    expect(parsed.scale?.auto).toEqual({ formula: pool.scaleSettings.autoScale.formula, interval: 'PT15M' });
    const vm = parsed.spec.virtualMachineConfiguration!;
    expect(() => checkImage(vm, DEFAULT_SUPPORTED_IMAGES, NOW.getTime())).not.toThrow();
    expect(() => checkFormulaText(pool.scaleSettings.autoScale.formula)).not.toThrow();
    expect(vm.imageReference).toMatchObject({ publisher: 'microsoft-dsvm', offer: 'ubuntu-hpc', sku: '2404' });
    expect(vm.containerConfiguration).toEqual({ type: 'dockerCompatible', containerImageNames: [IMAGE], containerRegistries: [{ registryServer: 'myreg.azurecr.io', identityReference: { resourceId: IDENTITY } }] });
    expect(parsed.spec).toMatchObject({ vmSize: 'Standard_D4s_v5', taskSlotsPerNode: 4, metadata: ownerMetadata });
    expect(id).toBe('rdeploy-churn');
    expect(pullIdentity).toEqual({ id: IDENTITY, name: 'rdeploy-churn-pull', body: { location: 'westeurope', tags: { 'rdeploy-project': '/home/ana/churn', 'rdeploy-deployment': 'churn' } } });
  });

  it("the formula is the settings' template, evaluated by the double as the service would", () => {
    const { pool } = batchBodies(values({ minNodes: 1, maxNodes: 6, spot: true, autoscale: 'queue' }));
    const busy = evaluateFormula(pool.scaleSettings.autoScale.formula, {
      targetDedicatedNodes: 0,
      targetLowPriorityNodes: 0,
      currentDedicatedNodes: 0,
      currentLowPriorityNodes: 0,
      taskSlotsPerNode: 1,
      now: NOW.getTime(),
      samples: (m) => ({ values: m === '$PendingTasks' ? Array<number>(20).fill(500) : [], newestAgeMs: 0 }),
    });
    expect(busy).toMatchObject({ targetDedicatedNodes: 1, targetLowPriorityNodes: 5, nodeDeallocationOption: 'taskcompletion' });
  });

  it('carries no password, no registry login and no ARM tags (a pool is a ProxyResource)', () => {
    const text = JSON.stringify(batchBodies(values({ schedule: 'every 1 day at 02:00' })));
    expect(text).not.toMatch(/password|userName|username|secret/i);
    expect(batchBodies(values()).pool).not.toHaveProperty('tags');
    expect(batchBodies(values()).pool).not.toHaveProperty('resourceTags');
  });
});

describe('job schedule body (data plane 2025-06-01)', () => {
  it('runs the job mode in the container with the scheduled payload, ends its job, and carries the owner', () => {
    const { jobSchedule } = batchBodies(values({ schedule: 'every 1 day at 02:00', scheduleInput: 'north' }));
    const body: BatchJobScheduleCreateOptions = jobSchedule!;
    expect(body.id).toBe(jobScheduleId('churn'));
    expect(() => checkId(body.id)).not.toThrow();
    expect(body.schedule).toEqual({ recurrenceInterval: 'P1D', doNotRunUntil: '2026-10-15T02:00:00.000Z' });
    expect(body.metadata).toEqual(ownerMetadata);
    const { fields } = parseJobBody(body.jobSpecification, 'jobSpecification.');
    expect(fields).toMatchObject({ poolId: 'rdeploy-churn', onAllTasksComplete: 'terminatejob', metadata: ownerMetadata });
    expect(body.jobSpecification.jobManagerTask).toEqual({
      id: 'scheduled',
      commandLine: 'Rscript /opt/rdeploy/runtime/main.R job',
      containerSettings: { imageName: IMAGE, registry: { registryServer: 'myreg.azurecr.io', identityReference: { resourceId: IDENTITY } }, workingDirectory: 'containerImageDefault' },
      environmentSettings: [{ name: 'RDEPLOY_RESULT_FRAME', value: 'base64' }, { name: 'RDEPLOY_PAYLOAD', value: '{"region":"north"}' }],
      constraints: { maxTaskRetryCount: 2 },
      killJobOnCompletion: true,
      runExclusive: false,
      allowLowPriorityNode: true,
    });
    // The job manager task is a task the service takes as it is.
    expect(() => parseTask(body.jobSpecification.jobManagerTask, { constraints: { maxTaskRetryCount: 0 } } as never)).not.toThrow();
  });

  it('an interval counted from the deploy has no doNotRunUntil; no schedule, no job schedule', () => {
    expect(batchBodies(values({ schedule: 'every 6 hours' })).jobSchedule!.schedule).toEqual({ recurrenceInterval: 'PT6H' });
    expect(batchBodies(values())).not.toHaveProperty('jobSchedule');
  });
});

describe('task template (invoke and map)', () => {
  it('one task per payload: the job command line, the container by identity, the payload in RDEPLOY_PAYLOAD, retries', () => {
    const task: BatchTaskCreateOptions = taskBody({ id: chunkTaskId(41), payload: '{"age":[41,52]}', image: IMAGE, registry: 'myreg.azurecr.io', identityId: IDENTITY, retries: 2 });
    expect(TASK_COMMAND_LINE).toBe(JOB_COMMAND.join(' '));
    const { id, spec } = parseTask(task, { constraints: { maxTaskRetryCount: 0 } } as never);
    expect(id).toBe('chunk-0000041');
    expect(spec).toMatchObject({
      commandLine: TASK_COMMAND_LINE,
      containerSettings: { imageName: IMAGE, registry: { registryServer: 'myreg.azurecr.io', identityReference: { resourceId: IDENTITY } }, workingDirectory: 'containerImageDefault' },
      environmentSettings: [RESULT_FRAME_ENV, { name: PAYLOAD_ENV, value: '{"age":[41,52]}' }],
      constraints: { maxTaskRetryCount: 2 },
    });
    expect(task).not.toHaveProperty('outputFiles');
  });
});

describe('names', () => {
  it('stay within Batch ids (64 characters, letters, digits, - and _) for the longest deployment name, and stay distinct', () => {
    const long = 'a'.repeat(40) + '-' + 'b'.repeat(22);
    const other = 'a'.repeat(40) + '-' + 'c'.repeat(22);
    for (const id of [poolId(long), jobScheduleId(long), runJobId(long, 'invoke', 'abcdef123456'), runJobId(long, 'map', 'abcdef123456'), chunkTaskId(9_999_999)]) {
      expect(() => checkId(id)).not.toThrow();
      expect(id.length).toBeLessThanOrEqual(64);
    }
    expect(poolId(long)).not.toBe(poolId(other));
    expect(jobScheduleId(long)).toMatch(/-schedule$/);
    expect(runJobId('churn', 'map', 'abcdef123456')).toBe('rdeploy-churn-map-abcdef123456');
  });
});

describe('planned bodies (what plan shows: placeholders where only the deploy knows)', () => {
  it('fills the placeholders and the task template', () => {
    const s = batchDefaults(BatchSettingsSchema.parse({ schedule: '0 2 * * *', image: 'microsoft-dsvm/ubuntu-hpc/2404' }));
    const planned = plannedBatchBodies(owner, s);
    expect(planned.pool.deploymentConfiguration.virtualMachineConfiguration).toMatchObject({
      imageReference: { publisher: 'microsoft-dsvm', offer: 'ubuntu-hpc', sku: '2404', version: 'latest' },
      nodeAgentSkuId: PLACEHOLDER.nodeAgentSkuId,
      containerConfiguration: { containerImageNames: [`${PLACEHOLDER.registry}/rdeploy/churn@${PLACEHOLDER.digest}`] },
    });
    expect(planned.jobSchedule!.schedule).toEqual({ recurrenceInterval: 'P1D', doNotRunUntil: PLACEHOLDER.firstRun });
    expect(planned.jobSchedule!.jobSpecification.jobManagerTask!.environmentSettings).toEqual([RESULT_FRAME_ENV, { name: PAYLOAD_ENV, value: '{}' }]);
    expect(planned.task).toMatchObject({ id: PLACEHOLDER.taskId, environmentSettings: [RESULT_FRAME_ENV, { name: PAYLOAD_ENV, value: PLACEHOLDER.payload }], constraints: { maxTaskRetryCount: 2 } });
    expect(plannedBatchBodies(owner, batchDefaults({})).pool.deploymentConfiguration.virtualMachineConfiguration.imageReference.sku).toBe(PLACEHOLDER.chosenImage);
  });
});
