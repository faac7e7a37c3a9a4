// The ACR double with the real Docker engine, and password-less pulls by Container Instances:
// the deployer signs in with the real ClientSecretCredential, exchanges its Entra token for an
// ACR refresh token (as `az acr login` does) and the engine logs in and pushes with the null
// GUID and that token; container groups, created through the real @azure/arm-containerinstance
// client, pull through a user-assigned identity — as a real container, only when the identity
// holds AcrPull on the registry, and only when the deployer may assign the identity.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerGroup, ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import type { TokenCredential } from '@azure/core-auth';
import type Docker from 'dockerode';
import { AcrDouble, ArmDouble, NULL_GUID, type ServicePrincipal } from '../doubles/azure';
import { ensureGlibcOnlyImage } from '../support/docker';

const LABEL = `acr-e2e-${process.pid}`;
const RG = 'rg-acr';
const ACR_PULL = '7f951dda-4ed3-4680-a7ca-43fe172d538d';
const MI_OPERATOR = 'f1a07417-d97a-45cb-824c-7a7467783830';
const FAST = { updateIntervalInMs: 50 };

let arm: ArmDouble;
let acr: AcrDouble;
let docker: Docker;
let base: string;
let image: string;
const tagged: string[] = [];

const loadIdentity = () => import('@azure/identity');
const loadAci = () => import('@azure/arm-containerinstance');
let identityLib: Awaited<ReturnType<typeof loadIdentity>>;
let aciLib: Awaited<ReturnType<typeof loadAci>>;

beforeAll(async () => {
  base = ensureGlibcOnlyImage();
  identityLib = await loadIdentity();
  aciLib = await loadAci();
  const { default: DockerCtor } = await import('dockerode');
  docker = new DockerCtor();
  arm = await ArmDouble.start({ resourceGroups: [RG], timeScale: 0.01, label: LABEL, managedIdentity: { replicationDelayMs: 0 } });
  acr = await AcrDouble.start({ arm, name: 'rdeploye2e' });
  image = `${acr.loginServer}/acr-e2e/glibc:1`;
}, 180_000);

afterAll(async () => {
  await arm?.stop();
  await acr?.stop();
  for (const id of execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=rdeploy-azure-double=${LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
    execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
  }
  for (const ref of tagged) {
    try {
      execFileSync('docker', ['rmi', ref], { stdio: 'ignore' });
    } catch {
      // never made, or already gone
    }
  }
}, 60_000);

function credential(sp: Pick<ServicePrincipal, 'clientId' | 'clientSecret'>): TokenCredential {
  return new identityLib.ClientSecretCredential(arm.tenantId, sp.clientId, sp.clientSecret, { authorityHost: arm.url, disableInstanceDiscovery: true });
}

function aciClient(sp: Pick<ServicePrincipal, 'clientId' | 'clientSecret'> = arm.deployer): ContainerInstanceManagementClient {
  return new aciLib.ContainerInstanceManagementClient(credential(sp), arm.subscriptionId, { endpoint: arm.url, credentialScopes: [`${arm.url}.default`] });
}

/** What `az acr login` does: an Entra token for ARM, exchanged at the registry for an ACR refresh token. */
async function acrLogin(sp: Pick<ServicePrincipal, 'clientId' | 'clientSecret'>): Promise<string> {
  const entra = await credential(sp).getToken(`${arm.url}.default`);
  const res = await fetch(`${acr.url}oauth2/exchange`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'access_token', service: acr.loginServer, tenant: arm.tenantId, access_token: entra!.token }).toString(),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { refresh_token: string }).refresh_token;
}

async function push(ref: string, password: string): Promise<void> {
  const stream = (await docker.getImage(ref).push({ authconfig: { username: NULL_GUID, password, serveraddress: acr.loginServer } })) as NodeJS.ReadableStream;
  const out = await new Promise<Array<{ error?: string }>>((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null, o: Array<{ error?: string }>) => (e ? reject(e) : resolve(o))));
  const failed = out.find((o) => o.error);
  if (failed) throw new Error(`push ${ref}: ${failed.error}`);
}

async function tag(repo: string): Promise<string> {
  await docker.getImage(base).tag({ repo: `${acr.loginServer}/${repo}`, tag: '1' });
  const ref = `${acr.loginServer}/${repo}:1`;
  tagged.push(ref);
  return ref;
}

async function rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(path.replace(/^\//, ''), arm.url), {
    method,
    headers: { authorization: `Bearer ${arm.tokenFor(arm.deployer.objectId)}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A user-assigned identity created through ARM, with AcrPull on the registry when asked (as a deploy would). */
async function identity(name: string, acrPull: boolean): Promise<{ id: string; principalId: string }> {
  const created = await rest('PUT', `/subscriptions/${arm.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?api-version=2023-01-31`, { location: 'westeurope' });
  expect(created.status).toBe(201);
  const principalId = (created.body.properties as { principalId: string }).principalId;
  if (acrPull) await assign(principalId, ACR_PULL, acr.registryId);
  return { id: created.body.id as string, principalId };
}

async function assign(principalId: string, roleId: string, scope: string): Promise<void> {
  const res = await rest('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, {
    properties: { roleDefinitionId: `/subscriptions/${arm.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`, principalId, principalType: 'ServicePrincipal' },
  });
  expect(res.status).toBe(201);
}

function group(identityId: string, script: string): ContainerGroup {
  return {
    location: 'westeurope',
    osType: 'Linux',
    restartPolicy: 'Never',
    tags: { 'rdeploy-test': LABEL },
    identity: { type: 'UserAssigned', userAssignedIdentities: { [identityId]: {} } },
    imageRegistryCredentials: [{ server: acr.loginServer, identity: identityId }],
    containers: [{ name: 'main', image, command: ['/bin/sh', '-c', script], resources: { requests: { cpu: 1, memoryInGB: 0.5 } } }],
  };
}

async function finished(client: ContainerInstanceManagementClient, name: string): Promise<ContainerGroup> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const g = await client.containerGroups.get(RG, name);
    if (g.instanceView?.state === 'Succeeded' || g.instanceView?.state === 'Failed') return g;
    if (Date.now() > deadline) throw new Error(`group ${name} still ${g.instanceView?.state} after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function removeLocal(ref: string): void {
  try {
    execFileSync('docker', ['rmi', ref], { stdio: 'ignore' });
  } catch {
    // not there
  }
}

describe('the Docker engine against the ACR double', () => {
  it('logs in and pushes with the null GUID and the exchanged refresh token; the push lands in the real registry', async () => {
    const refresh = await acrLogin(arm.deployer);
    const login = (await docker.checkAuth({ username: NULL_GUID, password: refresh, serveraddress: acr.loginServer })) as { Status?: string };
    expect(login.Status).toBe('Login Succeeded');
    acr.resetCalls();
    await push(await tag('acr-e2e/glibc'), refresh);
    // The engine got its own access token with the refresh token (Basic auth, as it does), for push.
    const tokenCalls = acr.calls('Token');
    expect(tokenCalls.length).toBeGreaterThan(0);
    expect(tokenCalls.every((c) => c.principal === arm.deployer.objectId && c.status === 200)).toBe(true);
    const grants = tokenCalls.flatMap((c) => c.granted ?? []).filter((g) => g.name === 'acr-e2e/glibc');
    expect(grants.some((g) => g.actions.includes('push') && g.actions.includes('pull'))).toBe(true);
    expect(acr.calls((c) => c.operation === 'Registry' && c.method === 'PUT' && c.path === '/v2/acr-e2e/glibc/manifests/1')).toMatchObject([{ status: 201, principal: arm.deployer.objectId }]);
    // Read back through the double with a pull token: the manifest is there.
    const pull = await fetch(`${acr.url}oauth2/token?service=${acr.loginServer}&scope=repository:acr-e2e/glibc:pull`, { headers: { authorization: `Basic ${Buffer.from(`${NULL_GUID}:${refresh}`).toString('base64')}` } });
    const accessToken = ((await pull.json()) as { access_token: string }).access_token;
    const manifest = await fetch(`${acr.url}v2/acr-e2e/glibc/manifests/1`, { method: 'HEAD', headers: { authorization: `Bearer ${accessToken}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    expect(manifest.status).toBe(200);
    // The groups below must pull it: the engine may not keep it.
    removeLocal(image);
  }, 180_000);

  it('refuses a push by a principal with AcrPull only: unauthorized, authentication required', async () => {
    const sp = { clientId: randomUUID(), clientSecret: `s-${randomUUID()}`, objectId: randomUUID() };
    arm.registerPrincipal(sp.objectId, { clientId: sp.clientId, clientSecret: sp.clientSecret });
    arm.assignRole(sp.objectId, 'AcrPull', acr.registryId);
    const ref = await tag('acr-e2e/refused');
    await expect(push(ref, await acrLogin(sp))).rejects.toThrow(/authentication required/);
    expect(acr.calls((c) => c.operation === 'Registry' && c.principal === sp.objectId && c.status === 401).length).toBeGreaterThan(0);
  }, 120_000);
});

describe('container groups pulling through a user-assigned identity', () => {
  it('with AcrPull on the registry: the group pulls as the identity and runs', async () => {
    const id = await identity('id-acr-pull', true);
    const client = aciClient();
    const created = await client.containerGroups.beginCreateOrUpdateAndWait(RG, 'job-mi', group(id.id, 'echo pulled-as-identity'), FAST);
    expect(created.provisioningState).toBe('Succeeded');
    const done = await finished(client, 'job-mi');
    expect(done.instanceView?.state).toBe('Succeeded');
    expect((await client.containers.listLogs(RG, 'job-mi', 'main')).content).toBe('pulled-as-identity\n');
    expect(done.identity).toMatchObject({ type: 'UserAssigned', userAssignedIdentities: { [id.id]: { principalId: id.principalId } } });
    expect(done.imageRegistryCredentials).toEqual([{ server: acr.loginServer, identity: id.id }]);
    // The registry saw the identity: its token exchanged, a pull-only access token, the manifest read.
    expect(acr.calls((c) => c.operation === 'Exchange' && c.principal === id.principalId && c.status === 200)).toHaveLength(1);
    expect(acr.calls((c) => c.operation === 'Token' && c.principal === id.principalId).flatMap((c) => c.granted ?? [])).toContainEqual({ type: 'repository', name: 'acr-e2e/glibc', actions: ['pull'] });
    expect(acr.calls((c) => c.operation === 'Registry' && c.principal === id.principalId && c.path === '/v2/acr-e2e/glibc/manifests/1' && c.status === 200).length).toBeGreaterThan(0);
    await client.containerGroups.beginDeleteAndWait(RG, 'job-mi', FAST);
    removeLocal(image);
  }, 120_000);

  it('without AcrPull: the creation fails with InaccessibleImage and nothing runs', async () => {
    const id = await identity('id-no-pull', false);
    const client = aciClient();
    const error = await client.containerGroups.beginCreateOrUpdateAndWait(RG, 'job-nopull', group(id.id, 'echo never'), FAST).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(`The image '${image}' in container group 'job-nopull' is not accessible. Please check the image and registry credential.`);
    const g = await client.containerGroups.get(RG, 'job-nopull');
    expect(g.provisioningState).toBe('Failed');
    expect(g.containers[0]!.instanceView?.events?.at(-1)?.message).toMatch(/authentication required/);
    expect(arm.containerGroups().find((v) => v.name === 'job-nopull')?.containers[0]?.dockerId).toBeUndefined();
    expect(acr.calls((c) => c.operation === 'Token' && c.principal === id.principalId).every((c) => (c.granted ?? []).length === 0)).toBe(true);
    await client.containerGroups.beginDeleteAndWait(RG, 'job-nopull', FAST);
  }, 120_000);

  it('without assign/action on the identity the PUT is refused (LinkedAuthorizationFailed); Managed Identity Operator lets it through', async () => {
    const id = await identity('id-linked', true);
    const sp = { clientId: randomUUID(), clientSecret: `s-${randomUUID()}`, objectId: randomUUID() };
    arm.registerPrincipal(sp.objectId, { clientId: sp.clientId, clientSecret: sp.clientSecret });
    await assign(sp.objectId, '5d977122-f97e-4b4d-a52f-6b43003ddb4d', `/subscriptions/${arm.subscriptionId}/resourceGroups/${RG}`);
    const client = aciClient(sp);
    const refused = await client.containerGroups.beginCreateOrUpdateAndWait(RG, 'job-linked', group(id.id, 'echo linked'), FAST).then(
      () => undefined,
      (e: unknown) => e as Error & { statusCode?: number; code?: string },
    );
    expect(refused).toMatchObject({ statusCode: 403, code: 'LinkedAuthorizationFailed' });
    expect(refused?.message).toContain("does not have permission to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s)");
    expect(arm.containerGroups().find((v) => v.name === 'job-linked')).toBeUndefined();

    await assign(sp.objectId, MI_OPERATOR, id.id);
    await client.containerGroups.beginCreateOrUpdateAndWait(RG, 'job-linked', group(id.id, 'echo linked'), FAST);
    expect((await finished(client, 'job-linked')).instanceView?.state).toBe('Succeeded');
    expect((await client.containers.listLogs(RG, 'job-linked', 'main')).content).toBe('linked\n');
    await client.containerGroups.beginDeleteAndWait(RG, 'job-linked', FAST);
    removeLocal(image);
  }, 120_000);
});
