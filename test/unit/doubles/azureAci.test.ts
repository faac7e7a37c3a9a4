// The Container Instances double's checks that come before any container runs, through the real
// @azure/arm-containerinstance client (raw requests for bodies the client would not send). No
// Docker: every group here is refused, or deleted while still Pending (timeScale keeps it there).
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Container, ContainerGroup, ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { ArmDouble } from '../../doubles/azure';
import { doubleCredential, doubleClientOptions } from '../../doubles/azure/clients';

// Typed from the dynamic import itself: `typeof import(…)` would resolve the CommonJS typings.
const loadAci = () => import('@azure/arm-containerinstance');
let aci: Awaited<ReturnType<typeof loadAci>>;
beforeAll(async () => {
  aci = await loadAci();
});

const open: ArmDouble[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.stop()));
});

/** timeScale 100: a group stays Pending for 300 s, so no test here reaches the engine. */
async function setup(): Promise<{ double: ArmDouble; client: ContainerInstanceManagementClient }> {
  const double = await ArmDouble.start({ resourceGroups: ['rg-aci'], timeScale: 100 });
  open.push(double);
  const credential = doubleCredential(double);
  return { double, client: new aci.ContainerInstanceManagementClient(credential, double.subscriptionId, doubleClientOptions(double)) };
}

const container = (over: Partial<Container> = {}): Container => ({ name: 'main', image: '127.0.0.1:5999/x:1', resources: { requests: { cpu: 1, memoryInGB: 1.5 } }, ...over });
const group = (over: Partial<ContainerGroup> = {}): ContainerGroup => ({ location: 'westeurope', osType: 'Linux', restartPolicy: 'Never', containers: [container()], ...over });

async function failure(call: Promise<unknown>): Promise<Error & { statusCode?: number; code?: string }> {
  try {
    await call;
  } catch (e) {
    return e as Error & { statusCode?: number; code?: string };
  }
  throw new Error('expected the call to fail');
}

async function put(double: ArmDouble, name: string, body: unknown) {
  const res = await fetch(`${double.url}subscriptions/${double.subscriptionId}/resourceGroups/rg-aci/providers/Microsoft.ContainerInstance/containerGroups/${name}?api-version=2023-05-01`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${double.tokenFor(double.deployer.objectId)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
}

describe('container group validation', () => {
  it('refuses names outside [a-z0-9]([-a-z0-9]*[a-z0-9])? or over 63 characters', async () => {
    const { client } = await setup();
    for (const name of ['Upper', 'trailing-', '-leading', 'under_score', 'a'.repeat(64)]) {
      const err = await failure(client.containerGroups.beginCreateOrUpdate('rg-aci', name, group()));
      expect(err, name).toMatchObject({ statusCode: 400, code: 'InvalidContainerGroupName' });
    }
  });

  it('wants a location and at least one container', async () => {
    const { double } = await setup();
    expect(await put(double, 'g1', { properties: { osType: 'Linux', containers: [] } })).toMatchObject({
      status: 400,
      body: { error: { code: 'LocationRequired', message: 'The location property is required for this definition.' } },
    });
    expect(await put(double, 'g1', { location: 'westeurope', properties: { osType: 'Linux', containers: [] } })).toMatchObject({ status: 400, body: { error: { code: 'ContainerGroupContainersMissing' } } });
  });

  it('refuses more than 4 CPU or 16 GB in one group the way the region answers', async () => {
    const { client } = await setup();
    const err = await failure(
      client.containerGroups.beginCreateOrUpdate('rg-aci', 'big', group({ containers: [container(), container({ name: 'b', resources: { requests: { cpu: 4, memoryInGB: 1 } } })] })),
    );
    expect(err).toMatchObject({ statusCode: 409, code: 'ServiceUnavailable' });
    expect(err.message).toContain("Resource requested: '5' CPU '2.5' GB memory 'Linux' OS");
    const mem = await failure(client.containerGroups.beginCreateOrUpdate('rg-aci', 'big', group({ containers: [container({ resources: { requests: { cpu: 1, memoryInGB: 17 } } })] })));
    expect(mem.code).toBe('ServiceUnavailable');
  });

  it('refuses a restart policy it does not know, and a missing memory request', async () => {
    const { double } = await setup();
    const body = (props: Record<string, unknown>) => ({ location: 'westeurope', properties: { osType: 'Linux', containers: [{ name: 'main', properties: { image: 'x', resources: { requests: { cpu: 1, memoryInGB: 1 } } } }], ...props } });
    const policy = await put(double, 'g2', body({ restartPolicy: 'Sometimes' }));
    expect(policy).toMatchObject({ status: 400, body: { error: { code: 'InvalidRequestContent' } } });
    expect(policy.body.error.message).toContain("Path 'properties.restartPolicy'");
    const memory = await put(double, 'g2', { location: 'westeurope', properties: { osType: 'Linux', containers: [{ name: 'main', properties: { image: 'x', resources: { requests: { cpu: 1 } } } }] } });
    expect(memory).toMatchObject({ status: 400, body: { error: { code: 'ResourceSomeRequestsNotSpecified' } } });
  });

  it('refuses an environment variable with both value and secureValue', async () => {
    const { client } = await setup();
    const err = await failure(client.containerGroups.beginCreateOrUpdate('rg-aci', 'env', group({ containers: [container({ environmentVariables: [{ name: 'A', value: '1', secureValue: '2' }] })] })));
    expect(err).toMatchObject({
      statusCode: 400,
      code: 'InvalidEnvironmentVariable',
      message: "The environment variable 'A' in container 'main' of container group 'env' is invalid. One and only one property of 'value' and 'secureValue' can be specified in an environment variable.",
    });
  });
});

describe('container group lifecycle before a container runs', () => {
  it('answers 201 with Azure-AsyncOperation, shows Pending, refuses a second PUT with ContainerGroupTransitioning, and deletes', async () => {
    const { double, client } = await setup();
    const poller = await client.containerGroups.beginCreateOrUpdate('rg-aci', 'slow', group({ tags: { owner: 'rdeploy-test' } }));
    expect(poller.getOperationState().status).toBe('running');
    const create = double.calls('ContainerGroups_CreateOrUpdate')[0]!;
    expect(create.status).toBe(201);

    const g = await client.containerGroups.get('rg-aci', 'slow');
    expect(g).toMatchObject({ provisioningState: 'Pending', instanceView: { state: 'Pending' }, tags: { owner: 'rdeploy-test' } });
    expect(g.containers[0]!.instanceView?.currentState).toMatchObject({ state: 'Waiting' });

    const again = await failure(client.containerGroups.beginCreateOrUpdate('rg-aci', 'slow', group()));
    expect(again).toMatchObject({ statusCode: 409, code: 'ContainerGroupTransitioning', message: "The container group 'slow' is still transitioning, please retry later." });

    // Lists show it (with its tags) by resource group and by subscription.
    const inRg = [];
    for await (const x of client.containerGroups.listByResourceGroup('rg-aci')) inRg.push(x);
    const inSub = [];
    for await (const x of client.containerGroups.list()) inSub.push(x);
    expect(inRg.map((x) => [x.name, x.tags])).toEqual([['slow', { owner: 'rdeploy-test' }]]);
    expect(inSub.map((x) => x.name)).toEqual(['slow']);

    const del = await client.containerGroups.beginDelete('rg-aci', 'slow', { updateIntervalInMs: 20 });
    await del.pollUntilDone();
    expect(double.calls('ContainerGroups_Delete')[0]!.status).toBe(202);
    expect(double.containerGroups()).toEqual([]);
    expect(await failure(client.containerGroups.get('rg-aci', 'slow'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('lets a principal holding Azure Container Instances Contributor on the resource group in, and no one else', async () => {
    const { double } = await setup();
    const mi = randomUUID();
    double.registerPrincipal(mi);
    const path = `/subscriptions/${double.subscriptionId}/resourceGroups/rg-aci/providers/Microsoft.ContainerInstance/containerGroups?api-version=2023-05-01`;
    const denied = await double.invoke(mi, 'GET', path);
    expect(denied).toMatchObject({ status: 403, body: { error: { code: 'AuthorizationFailed' } } });
    double.assignRole(mi, 'Azure Container Instances Contributor Role', `/subscriptions/${double.subscriptionId}/resourceGroups/rg-aci`);
    expect((await double.invoke(mi, 'GET', path)).status).toBe(200);
    const elsewhere = await double.invoke(mi, 'GET', `/subscriptions/${double.subscriptionId}/providers/Microsoft.ContainerInstance/containerGroups?api-version=2023-05-01`);
    expect(elsewhere.status).toBe(403);
  });
});
