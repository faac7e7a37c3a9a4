// The Batch double's management plane through the real @azure/arm-batch 9.1.0 client (2023-11-01)
// against the ARM double over HTTPS. No Docker: nodes take ten hours to start here, so no pool
// reaches the engine.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BatchManagementClient, Pool } from '@azure/arm-batch';
import { ArmDouble } from '../../doubles/azure';
import type { BatchAccountDouble } from '../../doubles/azure/batch';
import { batchDataClient } from '../../doubles/azure/batch/client';
import { doubleClientOptions, doubleCredential } from '../../doubles/azure/clients';

const loadBatch = () => import('@azure/arm-batch');
let sdk: Awaited<ReturnType<typeof loadBatch>>;
beforeAll(async () => {
  sdk = await loadBatch();
});

const open: ArmDouble[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.stop()));
});

const RG = 'rg-batch';

async function setup(opts: { now?: () => number } = {}): Promise<{ arm: ArmDouble; account: BatchAccountDouble; client: BatchManagementClient }> {
  const arm = await ArmDouble.start({ resourceGroups: [RG] });
  open.push(arm);
  arm.batch.configure({ nodeStartMs: 36_000_000 / arm.timeScale, ...(opts.now ? { now: opts.now } : {}) });
  const account = await arm.batch.createAccount({ name: 'rdeploybatch', resourceGroup: RG });
  return { arm, account, client: new sdk.BatchManagementClient(doubleCredential(arm), arm.subscriptionId, doubleClientOptions(arm)) };
}

const DSVM_2404 = { publisher: 'microsoft-dsvm', offer: 'ubuntu-hpc', sku: '2404', version: 'latest' };

function containerPool(over: Partial<Pool> = {}): Pool {
  return {
    vmSize: 'STANDARD_D2S_V3',
    deploymentConfiguration: {
      virtualMachineConfiguration: {
        imageReference: DSVM_2404,
        nodeAgentSkuId: 'batch.node.ubuntu 24.04',
        containerConfiguration: { type: 'DockerCompatible', containerImageNames: ['127.0.0.1:5000/model:1'], containerRegistries: [{ registryServer: '127.0.0.1:5000', userName: 'u', password: 'secret-pw' }] },
      },
    },
    taskSlotsPerNode: 2,
    scaleSettings: { fixedScale: { targetDedicatedNodes: 1, targetLowPriorityNodes: 2 } },
    metadata: [{ name: 'rdeploy-owner', value: 'model-a' }],
    ...over,
  };
}

async function failure(call: Promise<unknown>): Promise<Error & { statusCode?: number; code?: string; details?: unknown }> {
  try {
    await call;
  } catch (e) {
    return e as Error & { statusCode?: number; code?: string };
  }
  throw new Error('expected the call to fail');
}

describe('batch accounts', () => {
  it('Get and List show the account with its data plane as accountEndpoint', async () => {
    const { arm, account, client } = await setup();
    const got = await client.batchAccountOperations.get(RG, 'rdeploybatch');
    expect(got).toMatchObject({ name: 'rdeploybatch', type: 'Microsoft.Batch/batchAccounts', location: arm.location, accountEndpoint: account.host, poolAllocationMode: 'BatchService', activeJobAndJobScheduleQuota: 300 });
    expect(account.host).toMatch(/^127\.0\.0\.1:\d+$/);
    const byGroup = [];
    for await (const a of client.batchAccountOperations.listByResourceGroup(RG)) byGroup.push(a.name);
    const all = [];
    for await (const a of client.batchAccountOperations.list()) all.push(a.name);
    expect(byGroup).toEqual(['rdeploybatch']);
    expect(all).toEqual(['rdeploybatch']);
    expect(arm.calls('BatchAccount_Get')[0]).toMatchObject({ apiVersion: '2023-11-01', status: 200 });
    const missing = await failure(client.batchAccountOperations.get(RG, 'nosuchaccount'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });
});

describe('pools', () => {
  it('Create answers the pool at once (200 and ETag), with its container configuration, scale and a user-assigned identity; passwords are not shown', async () => {
    const { arm, client } = await setup();
    const { record: identity } = arm.userAssignedIdentities.put(RG, 'pull-identity', { location: arm.location });
    const pool = await client.poolOperations.create(
      RG,
      'rdeploybatch',
      'model-a',
      containerPool({
        identity: { type: 'UserAssigned', userAssignedIdentities: { [identity.id]: {} } },
        deploymentConfiguration: {
          virtualMachineConfiguration: {
            imageReference: DSVM_2404,
            nodeAgentSkuId: 'batch.node.ubuntu 24.04',
            containerConfiguration: { type: 'DockerCompatible', containerImageNames: ['acr.example/model:1'], containerRegistries: [{ registryServer: 'acr.example', identityReference: { resourceId: identity.id } }] },
          },
        },
      }),
    );
    expect(pool).toMatchObject({
      name: 'model-a',
      type: 'Microsoft.Batch/batchAccounts/pools',
      provisioningState: 'Succeeded',
      allocationState: 'Resizing',
      vmSize: 'STANDARD_D2S_V3',
      taskSlotsPerNode: 2,
      interNodeCommunication: 'Disabled',
      taskSchedulingPolicy: { nodeFillType: 'Spread' },
      scaleSettings: { fixedScale: { targetDedicatedNodes: 1, targetLowPriorityNodes: 2, resizeTimeout: 'PT15M' } },
      currentDedicatedNodes: 1,
      currentLowPriorityNodes: 2,
      metadata: [{ name: 'rdeploy-owner', value: 'model-a' }],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [identity.id]: { principalId: identity.principalId, clientId: identity.clientId } } },
    });
    expect(pool.deploymentConfiguration?.virtualMachineConfiguration?.containerConfiguration).toEqual({
      type: 'DockerCompatible',
      containerImageNames: ['acr.example/model:1'],
      containerRegistries: [{ registryServer: 'acr.example', identityReference: { resourceId: identity.id } }],
    });
    expect(pool.etag).toMatch(/^W\/"0x8D[0-9A-F]+"$/);
    expect(arm.calls('Pool_Create')[0]).toMatchObject({ status: 200, apiVersion: '2023-11-01' });

    const withPassword = await client.poolOperations.create(RG, 'rdeploybatch', 'model-b', containerPool());
    expect(JSON.stringify(withPassword)).not.toContain('secret-pw');
    expect(withPassword.deploymentConfiguration?.virtualMachineConfiguration?.containerConfiguration?.containerRegistries).toEqual([{ registryServer: '127.0.0.1:5000', userName: 'u' }]);
    const names = [];
    for await (const p of client.poolOperations.listByBatchAccount(RG, 'rdeploybatch')) names.push(p.name);
    expect(names.sort()).toEqual(['model-a', 'model-b']);
  });

  it('refuses images Batch does not take: not DockerCompatible for containers, past end of life, unknown node agent', async () => {
    const { client } = await setup({ now: () => Date.parse('2027-07-01T00:00:00Z') });
    const canonical = containerPool({
      deploymentConfiguration: {
        virtualMachineConfiguration: { imageReference: { publisher: 'canonical', offer: 'ubuntu-24_04-lts', sku: 'server' }, nodeAgentSkuId: 'batch.node.ubuntu 24.04', containerConfiguration: { type: 'DockerCompatible' } },
      },
    });
    const notDocker = await failure(client.poolOperations.create(RG, 'rdeploybatch', 'p1', canonical));
    expect(notDocker).toMatchObject({ statusCode: 400, code: 'InvalidPropertyValue' });
    expect(notDocker.message).toMatch(/^The value provided for one of the properties in the request body is invalid\.\nRequestId:[0-9a-f-]{36}\nTime:/);
    expect(notDocker.details).toMatchObject({ error: { target: 'BatchAccount', details: [{ code: 'PropertyName', message: 'virtualMachineConfiguration.containerConfiguration' }, { code: 'PropertyValue' }, { code: 'Reason' }] } });

    const jammy = containerPool({
      deploymentConfiguration: { virtualMachineConfiguration: { imageReference: { publisher: 'microsoft-dsvm', offer: 'ubuntu-hpc', sku: '2204' }, nodeAgentSkuId: 'batch.node.ubuntu 22.04' } },
    });
    const eol = await failure(client.poolOperations.create(RG, 'rdeploybatch', 'p2', jammy));
    expect(eol).toMatchObject({ statusCode: 400, code: 'InvalidPropertyValue' });
    expect(JSON.stringify(eol.details)).toContain('2027-06-30');

    const retired = containerPool({
      deploymentConfiguration: {
        virtualMachineConfiguration: { imageReference: { publisher: 'microsoft-azure-batch', offer: 'ubuntu-server-container', sku: '20-04-lts' }, nodeAgentSkuId: 'batch.node.ubuntu 20.04' },
      },
    });
    expect(await failure(client.poolOperations.create(RG, 'rdeploybatch', 'p3', retired))).toMatchObject({ statusCode: 404, code: 'NodeAgentSKUNotFound' });
  });

  it('pools have metadata, not tags: resourceTags need a UserSubscription account', async () => {
    const { client } = await setup();
    const err = await failure(client.poolOperations.create(RG, 'rdeploybatch', 'p1', containerPool({ resourceTags: { owner: 'rdeploy' } })));
    expect(err).toMatchObject({ statusCode: 400, code: 'InvalidPropertyValue' });
    expect(JSON.stringify(err.details)).toContain('UserSubscription');
  });

  it('autoScale: the formula runs at once; a bad formula or interval is refused; PATCH to fixedScale and disableAutoScale', async () => {
    const { client } = await setup();
    const auto = await client.poolOperations.create(RG, 'rdeploybatch', 'auto', containerPool({ scaleSettings: { autoScale: { formula: '$TargetDedicatedNodes = 2; $TargetLowPriorityNodes = 3;', evaluationInterval: 'PT5M' } } }));
    expect(auto.scaleSettings).toEqual({ autoScale: { formula: '$TargetDedicatedNodes = 2; $TargetLowPriorityNodes = 3;', evaluationInterval: 'PT5M' } });
    expect(auto.autoScaleRun?.results).toBe('$TargetDedicatedNodes=2;$TargetLowPriorityNodes=3;$NodeDeallocationOption=requeue');
    expect(auto.autoScaleRun?.evaluationTime).toBeInstanceOf(Date);
    expect([auto.currentDedicatedNodes, auto.currentLowPriorityNodes]).toEqual([2, 3]);

    const syntax = await failure(client.poolOperations.create(RG, 'rdeploybatch', 'bad', containerPool({ scaleSettings: { autoScale: { formula: '$TargetDedicatedNodes = ;' } } })));
    expect(syntax).toMatchObject({ statusCode: 400, code: 'AutoScalingFormulaSyntaxError' });
    const interval = await failure(client.poolOperations.create(RG, 'rdeploybatch', 'bad', containerPool({ scaleSettings: { autoScale: { formula: '$TargetDedicatedNodes = 1;', evaluationInterval: 'PT4M' } } })));
    expect(interval).toMatchObject({ statusCode: 400, code: 'InvalidPropertyValue' });

    // A pool that is still resizing cannot be resized again; one at its size can.
    expect(await failure(client.poolOperations.update(RG, 'rdeploybatch', 'auto', { scaleSettings: { fixedScale: { targetDedicatedNodes: 1 } } }))).toMatchObject({ statusCode: 409, code: 'PoolBeingResized' });
    await client.poolOperations.create(RG, 'rdeploybatch', 'empty', containerPool({ scaleSettings: { autoScale: { formula: '$TargetDedicatedNodes = 0;' } } }));
    const fixed = await client.poolOperations.update(RG, 'rdeploybatch', 'empty', { scaleSettings: { fixedScale: { targetDedicatedNodes: 1 } } });
    expect(fixed.scaleSettings).toEqual({ fixedScale: { targetDedicatedNodes: 1, targetLowPriorityNodes: 0, resizeTimeout: 'PT15M' } });
    expect([fixed.currentDedicatedNodes, fixed.currentLowPriorityNodes]).toEqual([1, 0]);

    const other = await client.poolOperations.create(RG, 'rdeploybatch', 'auto2', containerPool({ scaleSettings: { autoScale: { formula: '$TargetDedicatedNodes = 1;' } } }));
    expect(other.scaleSettings?.autoScale?.evaluationInterval).toBe('PT15M');
    const disabled = await client.poolOperations.disableAutoScale(RG, 'rdeploybatch', 'auto2');
    expect(disabled.scaleSettings).toEqual({ fixedScale: { targetDedicatedNodes: 1, targetLowPriorityNodes: 0, resizeTimeout: 'PT15M' } });
    expect(disabled.autoScaleRun).toBeUndefined();
  });

  it('stopResize keeps the nodes it has; a non-empty pool cannot change its VM size', async () => {
    const { client } = await setup();
    await client.poolOperations.create(RG, 'rdeploybatch', 'p1', containerPool());
    const stopped = await client.poolOperations.stopResize(RG, 'rdeploybatch', 'p1');
    // Stopping until the nodes already on their way have joined.
    expect(stopped.allocationState).toBe('Stopping');
    expect(stopped.scaleSettings?.fixedScale).toMatchObject({ targetDedicatedNodes: 1, targetLowPriorityNodes: 2 });
    const size = await failure(client.poolOperations.update(RG, 'rdeploybatch', 'p1', { vmSize: 'STANDARD_D4S_V3' }));
    expect(size).toMatchObject({ statusCode: 409, code: 'OperationInvalidForCurrentState' });
    const meta = await client.poolOperations.update(RG, 'rdeploybatch', 'p1', { metadata: [{ name: 'k', value: 'v' }] });
    expect(meta.metadata).toEqual([{ name: 'k', value: 'v' }]);
  });

  it('Delete is long-running (202 + Location); the pool is gone after', async () => {
    const { arm, client } = await setup();
    await client.poolOperations.create(RG, 'rdeploybatch', 'p1', containerPool());
    await client.poolOperations.beginDeleteAndWait(RG, 'rdeploybatch', 'p1', { updateIntervalInMs: 50 });
    expect(arm.calls('Pool_Delete')[0]?.status).toBe(202);
    expect(await failure(client.poolOperations.get(RG, 'rdeploybatch', 'p1'))).toMatchObject({ statusCode: 404, code: 'PoolNotFound' });
    await client.poolOperations.beginDeleteAndWait(RG, 'rdeploybatch', 'p1');
    expect(arm.calls('Pool_Delete').at(-1)?.status).toBe(204);
  });

  it('RBAC: a Reader reads but cannot create; the identity must be assignable by the caller (LinkedAuthorizationFailed)', async () => {
    const { arm, client } = await setup();
    const reader = { clientId: randomUUID(), clientSecret: 'reader-secret', objectId: randomUUID() };
    arm.registerPrincipal(reader.objectId, reader);
    arm.assignRole(reader.objectId, 'Reader', `/subscriptions/${arm.subscriptionId}/resourceGroups/${RG}`);
    const asReader = new sdk.BatchManagementClient(doubleCredential(arm, reader), arm.subscriptionId, doubleClientOptions(arm));
    await client.poolOperations.create(RG, 'rdeploybatch', 'p1', containerPool());
    expect((await asReader.poolOperations.get(RG, 'rdeploybatch', 'p1')).name).toBe('p1');
    expect(await failure(asReader.poolOperations.create(RG, 'rdeploybatch', 'p2', containerPool()))).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });

    const batchOnly = { clientId: randomUUID(), clientSecret: 'batch-secret', objectId: randomUUID() };
    arm.registerPrincipal(batchOnly.objectId, batchOnly);
    arm.rbac.addRole({ id: randomUUID(), roleName: 'Batch pool writer', description: 'test', permissions: { actions: ['Microsoft.Batch/*'], notActions: [], dataActions: [], notDataActions: [] } });
    arm.assignRole(batchOnly.objectId, 'Batch pool writer', `/subscriptions/${arm.subscriptionId}`);
    const { record: identity } = arm.userAssignedIdentities.put(RG, 'id1', { location: arm.location });
    const asWriter = new sdk.BatchManagementClient(doubleCredential(arm, batchOnly), arm.subscriptionId, doubleClientOptions(arm));
    const linked = await failure(asWriter.poolOperations.create(RG, 'rdeploybatch', 'p3', containerPool({ identity: { type: 'UserAssigned', userAssignedIdentities: { [identity.id]: {} } } })));
    expect(linked).toMatchObject({ statusCode: 403, code: 'LinkedAuthorizationFailed' });
    expect((await asWriter.poolOperations.create(RG, 'rdeploybatch', 'p3', containerPool())).name).toBe('p3');
  });

  it('a throttled create (429 with Retry-After) is sent again by the SDK', async () => {
    const { arm, client } = await setup();
    arm.injectFault({ operation: 'Pool_Create', kind: 'throttle', retryAfterSeconds: 1 });
    const pool = await client.poolOperations.create(RG, 'rdeploybatch', 'p1', containerPool());
    expect(pool.name).toBe('p1');
    expect(arm.calls('Pool_Create').map((c) => c.status)).toEqual([429, 200]);
  });

  it('the pool is the data plane pool: created by ARM, seen by Get Pool at 2025-06-01 in its own words', async () => {
    const { arm, account, client } = await setup();
    await client.poolOperations.create(RG, 'rdeploybatch', 'p1', containerPool());
    const send = await batchDataClient(arm, account);
    const pool = await send('GET', '/pools/p1');
    expect(pool.body).toMatchObject({
      id: 'p1',
      vmSize: 'STANDARD_D2S_V3',
      allocationState: 'resizing',
      taskSlotsPerNode: 2,
      targetDedicatedNodes: 1,
      targetLowPriorityNodes: 2,
      enableAutoScale: false,
      taskSchedulingPolicy: { nodeFillType: 'spread' },
      virtualMachineConfiguration: {
        nodeAgentSKUId: 'batch.node.ubuntu 24.04',
        containerConfiguration: { type: 'dockerCompatible', containerImageNames: ['127.0.0.1:5000/model:1'], containerRegistries: [{ registryServer: '127.0.0.1:5000', username: 'u' }] },
      },
      metadata: [{ name: 'rdeploy-owner', value: 'model-a' }],
    });
    expect(account.nodes('p1').map((n) => [n.dedicated, n.state])).toEqual([
      [true, 'starting'],
      [false, 'starting'],
      [false, 'starting'],
    ]);
  });
});
