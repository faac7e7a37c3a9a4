// The ACR double (token exchange, token service, RBAC-scoped access, the registry API proxied to
// a real docker-registry) and the ARM double's Microsoft.ContainerRegistry, Microsoft.ManagedIdentity
// and Container Instances identity checks, driven by raw HTTP the way `az acr login`, the Docker
// engine and a REST client send it. A real docker-registry process runs behind the ACR double;
// no Docker engine: images are pushed here blob by blob through the registry API.
import { createHash, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ArmDouble, type ServicePrincipal } from '../../doubles/azure';
import { AcrDouble, NULL_GUID } from '../../doubles/azure/acr';
import { actionMatches } from '../../doubles/azure/rbac';

const open: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  // ACR doubles before the ARM double they seeded.
  for (const d of open.splice(0).reverse()) await d.stop();
});

async function setup(opts: { timeScale?: number } = {}): Promise<{ arm: ArmDouble; acr: AcrDouble }> {
  const arm = await ArmDouble.start({ resourceGroups: ['rg-acr'], timeScale: opts.timeScale ?? 100 });
  open.push(arm);
  const acr = await AcrDouble.start({ arm, name: 'rdeploytest' });
  open.push(acr);
  return { arm, acr };
}

/** A service principal with no role anywhere. */
function principal(arm: ArmDouble): ServicePrincipal {
  const sp = { clientId: randomUUID(), clientSecret: `s-${randomUUID()}`, objectId: randomUUID() };
  arm.registerPrincipal(sp.objectId, { clientId: sp.clientId, clientSecret: sp.clientSecret });
  return sp;
}

async function arm(double: ArmDouble, method: string, path: string, body?: unknown, who: string = double.deployer.objectId) {
  const res = await fetch(new URL(path.replace(/^\//, ''), double.url), {
    method,
    headers: { authorization: `Bearer ${double.tokenFor(who)}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Answer | undefined };
}

/** The fields these tests read from ARM and ACR answers. */
interface Answer {
  id?: string;
  value?: unknown[];
  properties?: Record<string, string>;
  error?: { code: string; message: string };
  refresh_token?: string;
  access_token?: string;
  [key: string]: unknown;
}

const form = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) p.append(k, value);
  return p.toString();
};

async function post(acr: AcrDouble, path: string, fields: Record<string, string | string[]>) {
  const res = await fetch(`${acr.url}${path.replace(/^\//, '')}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer };
}

async function refreshToken(double: ArmDouble, acr: AcrDouble, who: string): Promise<string> {
  const res = await post(acr, '/oauth2/exchange', { grant_type: 'access_token', service: acr.loginServer, tenant: double.tenantId, access_token: double.tokenFor(who) });
  expect(res.status).toBe(200);
  return res.body.refresh_token as string;
}

async function accessToken(acr: AcrDouble, refresh: string, scope: string | string[]): Promise<string> {
  const res = await post(acr, '/oauth2/token', { grant_type: 'refresh_token', service: acr.loginServer, scope, refresh_token: refresh });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('ACR token service', () => {
  it("challenges an anonymous /v2/ with ACR's Bearer realm and service, and names the scope a repository path needs", async () => {
    const { acr } = await setup();
    const res = await fetch(`${acr.url}v2/`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="http://${acr.loginServer}/oauth2/token",service="${acr.loginServer}"`);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(await res.json()).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required, visit https://aka.ms/acr/authorization for more information.' }] });
    const repo = await fetch(`${acr.url}v2/team/app/manifests/1`);
    expect(repo.headers.get('www-authenticate')).toBe(`Bearer realm="http://${acr.loginServer}/oauth2/token",service="${acr.loginServer}",scope="repository:team/app:pull"`);
    expect(await repo.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED', detail: [{ Type: 'repository', Name: 'team/app', Action: 'pull' }] }] });
    expect(acr.calls('Challenge')).toHaveLength(2);
  });

  it('exchanges an Entra token the ARM double minted for a refresh token that stands for its oid; refuses any other token', async () => {
    const { arm: double, acr } = await setup();
    const refresh = await refreshToken(double, acr, double.deployer.objectId);
    expect(claims(refresh)).toMatchObject({ iss: 'Azure Container Registry', aud: acr.loginServer, grant_type: 'refresh_token', tenant: double.tenantId, version: '1.0' });
    expect(acr.principalOf(refresh)).toBe(double.deployer.objectId);
    expect(acr.calls('Exchange').at(-1)).toMatchObject({ status: 200, principal: double.deployer.objectId });

    const other = await ArmDouble.start();
    open.push(other);
    const refused = [
      other.tokenFor(other.deployer.objectId, double.url), // signed by another Entra
      double.tokenFor(double.deployer.objectId, 'https://vault.azure.net'), // wrong audience
      'not-a-token',
    ];
    for (const token of refused) {
      const res = await post(acr, '/oauth2/exchange', { grant_type: 'access_token', service: acr.loginServer, tenant: double.tenantId, access_token: token });
      expect(res).toMatchObject({ status: 401, body: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required, visit https://aka.ms/acr/authorization for more information.' }] } });
    }
    const wrongTenant = await post(acr, '/oauth2/exchange', { grant_type: 'access_token', service: acr.loginServer, tenant: randomUUID(), access_token: double.tokenFor(double.deployer.objectId) });
    expect(wrongTenant.status).toBe(401);
    const acrAudience = await post(acr, '/oauth2/exchange', { grant_type: 'access_token', service: acr.loginServer, access_token: double.tokenFor(double.deployer.objectId, 'https://containerregistry.azure.net') });
    expect(acrAudience.status).toBe(200);
    const grant = await post(acr, '/oauth2/exchange', { grant_type: 'password', service: acr.loginServer, access_token: double.tokenFor(double.deployer.objectId) });
    expect(grant.status).toBe(400);
  });

  it('grants only what the roles on the registry allow: Owner pull and push, AcrPull pull, no role nothing', async () => {
    const { arm: double, acr } = await setup();
    const puller = principal(double);
    double.assignRole(puller.objectId, 'AcrPull', acr.registryId);
    const stranger = principal(double);
    const scope = 'repository:team/app:pull,push';

    const owner = claims(await accessToken(acr, await refreshToken(double, acr, double.deployer.objectId), scope));
    expect(owner).toMatchObject({ grant_type: 'access_token', aud: acr.loginServer, access: [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }] });
    expect(claims(await accessToken(acr, await refreshToken(double, acr, puller.objectId), scope)).access).toEqual([{ type: 'repository', name: 'team/app', actions: ['pull'] }]);
    expect(claims(await accessToken(acr, await refreshToken(double, acr, stranger.objectId), scope)).access).toEqual([]);
    expect(acr.calls('Token').map((c) => [c.principal, c.granted?.[0]?.actions ?? []])).toEqual([
      [double.deployer.objectId, ['pull', 'push']],
      [puller.objectId, ['pull']],
      [stranger.objectId, []],
    ]);
    // AcrPull on another registry's scope gives nothing here.
    const elsewhere = principal(double);
    double.assignRole(elsewhere.objectId, 'AcrPull', `${acr.registryId}x`);
    expect(claims(await accessToken(acr, await refreshToken(double, acr, elsewhere.objectId), scope)).access).toEqual([]);
  });

  it("serves the Docker engine's way: GET /oauth2/token with Basic null GUID + refresh token; refuses any other user", async () => {
    const { arm: double, acr } = await setup();
    const refresh = await refreshToken(double, acr, double.deployer.objectId);
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const url = `${acr.url}oauth2/token?account=${NULL_GUID}&scope=repository%3Aapp%3Apull%2Cpush&service=${encodeURIComponent(acr.loginServer)}`;
    const ok = await fetch(url, { headers: { authorization: basic(NULL_GUID, refresh) } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { access_token: string };
    expect(claims(body.access_token).access).toEqual([{ type: 'repository', name: 'app', actions: ['pull', 'push'] }]);
    // docker login: no scope, an access token that only opens /v2/.
    const login = await fetch(`${acr.url}oauth2/token?account=${NULL_GUID}&client_id=docker&offline_token=true&service=${acr.loginServer}`, { headers: { authorization: basic(NULL_GUID, refresh) } });
    const loginToken = ((await login.json()) as { access_token: string }).access_token;
    expect((await fetch(`${acr.url}v2/`, { headers: { authorization: `Bearer ${loginToken}` } })).status).toBe(200);
    for (const auth of [basic('admin', refresh), basic(NULL_GUID, 'nope'), basic(NULL_GUID, body.access_token)]) {
      const res = await fetch(url, { headers: { authorization: auth } });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
    }
    const password = await post(acr, '/oauth2/token', { grant_type: 'password', username: NULL_GUID, password: refresh, service: acr.loginServer, scope: 'repository:app:pull' });
    expect(claims(password.body.access_token as string).access).toEqual([{ type: 'repository', name: 'app', actions: ['pull'] }]);
  });

  it('fails as told: a throttled token request answers 429 TOOMANYREQUESTS with Retry-After, once', async () => {
    const { arm: double, acr } = await setup();
    const refresh = await refreshToken(double, acr, double.deployer.objectId);
    acr.injectFault({ operation: 'Token', status: 429, retryAfterSeconds: 2 });
    const throttled = await post(acr, '/oauth2/token', { grant_type: 'refresh_token', service: acr.loginServer, scope: 'repository:a:pull', refresh_token: refresh });
    expect(throttled).toMatchObject({ status: 429, body: { errors: [{ code: 'TOOMANYREQUESTS' }] } });
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect(await accessToken(acr, refresh, 'repository:a:pull')).toBeTruthy();
  });
});

describe('ACR registry API through the double', () => {
  /** Pushes a one-layer image blob by blob, as a client does, with the given access token. */
  async function pushImage(acr: AcrDouble, token: string, repo: string, tag: string): Promise<{ status: number; digest?: string; locations: string[] }> {
    const auth = { authorization: `Bearer ${token}` };
    const locations: string[] = [];
    const upload = async (content: Buffer) => {
      const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
      const start = await fetch(`${acr.url}v2/${repo}/blobs/uploads/`, { method: 'POST', headers: auth });
      if (start.status !== 202) return { status: start.status, digest };
      const location = start.headers.get('location')!;
      locations.push(location);
      const target = new URL(location, acr.url);
      target.searchParams.set('digest', digest);
      const put = await fetch(target, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: content });
      return { status: put.status, digest };
    };
    const layer = await upload(Buffer.from(`layer ${randomUUID()}`));
    if (layer.status !== 201) return { status: layer.status, locations };
    const configBody = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const config = await upload(configBody);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: configBody.length, digest: config.digest },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: Buffer.byteLength(`layer `) + 36, digest: layer.digest }],
    });
    const put = await fetch(`${acr.url}v2/${repo}/manifests/${tag}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' }, body: manifest });
    return { status: put.status, digest: put.headers.get('docker-content-digest') ?? undefined, locations };
  }

  it('proxies a push with AcrPush to the real registry, rewriting upload Locations to the double; AcrPull pulls it and cannot push', async () => {
    const { arm: double, acr } = await setup();
    const pusher = principal(double);
    double.assignRole(pusher.objectId, 'AcrPush', acr.registryId);
    const pushToken = await accessToken(acr, await refreshToken(double, acr, pusher.objectId), 'repository:team/app:pull,push');
    const pushed = await pushImage(acr, pushToken, 'team/app', '1');
    expect(pushed.status).toBe(201);
    expect(pushed.locations.length).toBe(2);
    for (const location of pushed.locations) {
      expect(new URL(location, acr.url).host).toBe(acr.loginServer);
      expect(location).not.toContain(acr.backendHost);
    }
    expect(acr.calls('Registry').filter((c) => c.method === 'PUT').every((c) => c.principal === pusher.objectId && c.needed === 'repository:team/app:push')).toBe(true);

    const puller = principal(double);
    double.assignRole(puller.objectId, 'AcrPull', acr.registryId);
    const pullToken = await accessToken(acr, await refreshToken(double, acr, puller.objectId), 'repository:team/app:pull,push');
    const got = await fetch(`${acr.url}v2/team/app/manifests/1`, { headers: { authorization: `Bearer ${pullToken}`, accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    expect(got.status).toBe(200);
    expect(`sha256:${createHash('sha256').update(Buffer.from(await got.arrayBuffer())).digest('hex')}`).toBe(pushed.digest);
    const refused = await fetch(`${acr.url}v2/team/app/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${pullToken}` } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer realm="http://${acr.loginServer}/oauth2/token",service="${acr.loginServer}",scope="repository:team/app:push"`,
    );
    // A token for one repository opens no other.
    expect((await fetch(`${acr.url}v2/other/manifests/1`, { headers: { authorization: `Bearer ${pullToken}` } })).status).toBe(401);

    // Deleting wants AcrDelete (or Contributor/Owner): AcrPush's token gets no delete.
    const deleteScope = 'repository:team/app:delete';
    const byPusher = await accessToken(acr, await refreshToken(double, acr, pusher.objectId), deleteScope);
    expect((await fetch(`${acr.url}v2/team/app/manifests/${pushed.digest}`, { method: 'DELETE', headers: { authorization: `Bearer ${byPusher}` } })).status).toBe(401);
    const deleter = principal(double);
    double.assignRole(deleter.objectId, 'AcrDelete', acr.registryId);
    const byDeleter = await accessToken(acr, await refreshToken(double, acr, deleter.objectId), deleteScope);
    expect((await fetch(`${acr.url}v2/team/app/manifests/${pushed.digest}`, { method: 'DELETE', headers: { authorization: `Bearer ${byDeleter}` } })).status).toBe(202);
    expect((await fetch(`${acr.url}v2/team/app/manifests/1`, { headers: { authorization: `Bearer ${pullToken}` } })).status).toBe(404);
  });
});

describe('Microsoft.ContainerRegistry in the ARM double', () => {
  it('lists and gets the registry an AcrDouble seeded, with the 2023-07-01 shape and its loopback login server', async () => {
    const { arm: double, acr } = await setup();
    const sub = `/subscriptions/${double.subscriptionId}`;
    const list = await arm(double, 'GET', `${sub}/providers/Microsoft.ContainerRegistry/registries?api-version=2023-07-01`);
    expect(list.status).toBe(200);
    expect(list.body!.value).toHaveLength(1);
    const one = await arm(double, 'GET', `${acr.registryId}?api-version=2023-07-01`);
    expect(one).toMatchObject({
      status: 200,
      body: { id: acr.registryId, name: 'rdeploytest', type: 'Microsoft.ContainerRegistry/registries', location: 'westeurope', sku: { name: 'Basic' }, properties: { loginServer: acr.loginServer, adminUserEnabled: false, provisioningState: 'Succeeded' } },
    });
    expect(acr.registryId).toBe(`${sub}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/rdeploytest`);
    expect((await arm(double, 'GET', `${sub}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/nope?api-version=2023-07-01`)).body).toMatchObject({ error: { code: 'ResourceNotFound' } });
    expect((await arm(double, 'GET', `${acr.registryId}?api-version=2099-01-01`)).status).toBe(400);
    const stranger = principal(double);
    expect((await arm(double, 'GET', `${acr.registryId}?api-version=2023-07-01`, undefined, stranger.objectId)).body).toMatchObject({ error: { code: 'AuthorizationFailed' } });
    await acr.stop();
    open.splice(open.indexOf(acr), 1);
    expect((await arm(double, 'GET', `${sub}/providers/Microsoft.ContainerRegistry/registries?api-version=2023-07-01`)).body!.value).toEqual([]);
  });
});

describe('Microsoft.ManagedIdentity userAssignedIdentities', () => {
  const base = (d: ArmDouble) => `/subscriptions/${d.subscriptionId}/resourceGroups/rg-acr/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
  const V = 'api-version=2023-01-31';

  it('creates (201), updates (200, same ids), gets, lists, patches and deletes (200, then 204) through raw REST', async () => {
    const { arm: double } = await setup();
    const created = await arm(double, 'PUT', `${base(double)}/id-pull?${V}`, { location: 'westeurope', tags: { app: 'x' } });
    expect(created).toMatchObject({
      status: 201,
      body: {
        id: `/subscriptions/${double.subscriptionId}/resourcegroups/rg-acr/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-pull`,
        name: 'id-pull',
        type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
        location: 'westeurope',
        tags: { app: 'x' },
        properties: { tenantId: double.tenantId },
      },
    });
    const { principalId, clientId } = created.body!.properties as { principalId: string; clientId: string };
    expect(principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await arm(double, 'PUT', `${base(double)}/id-pull?${V}`, { location: 'westeurope', tags: { app: 'y' } });
    expect(again).toMatchObject({ status: 200, body: { tags: { app: 'y' }, properties: { principalId, clientId } } });
    expect((await arm(double, 'PUT', `${base(double)}/id-pull?${V}`, { location: 'northeurope' })).body).toMatchObject({ error: { code: 'InvalidResourceLocation' } });
    expect((await arm(double, 'PUT', `${base(double)}/id-2?${V}`, { tags: {} })).body).toMatchObject({ error: { code: 'LocationRequired' } });
    expect((await arm(double, 'PATCH', `${base(double)}/id-pull?${V}`, { tags: { z: '1' } })).body).toMatchObject({ tags: { z: '1' } });
    expect((await arm(double, 'GET', `${base(double)}/id-pull?${V}`)).body).toMatchObject({ properties: { principalId } });
    expect((await arm(double, 'GET', `${base(double)}?${V}`)).body!.value).toHaveLength(1);
    expect((await arm(double, 'GET', `/subscriptions/${double.subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?${V}`)).body!.value).toHaveLength(1);
    expect(double.tokenFor(principalId)).toBeTruthy();

    expect((await arm(double, 'DELETE', `${base(double)}/id-pull?${V}`)).status).toBe(200);
    expect((await arm(double, 'DELETE', `${base(double)}/id-pull?${V}`)).status).toBe(204);
    expect(await arm(double, 'GET', `${base(double)}/id-pull?${V}`)).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } });
    expect(() => double.tokenFor(principalId)).toThrow(/no principal/);
  });

  it("registers the identity's principal with a replication delay: a role assignment without principalType is PrincipalNotFound at first", async () => {
    const arm0 = await ArmDouble.start({ resourceGroups: ['rg-acr'], managedIdentity: { replicationDelayMs: 60_000 } });
    open.push(arm0);
    const created = await arm(arm0, 'PUT', `${base(arm0)}/id-new?${V}`, { location: 'westeurope' });
    const principalId = created.body!.properties!.principalId!;
    const scope = `/subscriptions/${arm0.subscriptionId}/resourceGroups/rg-acr`;
    const assignment = (principalType?: string) => ({
      properties: { roleDefinitionId: `/subscriptions/${arm0.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`, principalId, ...(principalType ? { principalType } : {}) },
    });
    const early = await arm(arm0, 'PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, assignment());
    expect(early).toMatchObject({ status: 400, body: { error: { code: 'PrincipalNotFound' } } });
    const typed = await arm(arm0, 'PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`, assignment('ServicePrincipal'));
    expect(typed.status).toBe(201);
  });

  it('checks the RBAC actions: a principal without write is refused with AuthorizationFailed naming userAssignedIdentities/write', async () => {
    const { arm: double } = await setup();
    const reader = principal(double);
    double.assignRole(reader.objectId, 'Reader', `/subscriptions/${double.subscriptionId}`);
    const res = await arm(double, 'PUT', `${base(double)}/id-x?${V}`, { location: 'westeurope' }, reader.objectId);
    expect(res).toMatchObject({ status: 403, body: { error: { code: 'AuthorizationFailed' } } });
    expect(res.body!.error!.message).toContain("action 'Microsoft.ManagedIdentity/userAssignedIdentities/write'");
    expect((await arm(double, 'GET', `${base(double)}?${V}`, undefined, reader.objectId)).status).toBe(200);
  });

  it("lets Managed Identity Operator's */assign/action grant userAssignedIdentities/assign/action, as in Azure", () => {
    expect(actionMatches('Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action')).toBe(true);
    expect(actionMatches('Microsoft.ManagedIdentity/userAssignedIdentities/*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/read')).toBe(true);
    expect(actionMatches('Microsoft.ManagedIdentity/userAssignedIdentities/*/read', 'Microsoft.ManagedIdentity/userAssignedIdentities/write')).toBe(false);
    expect(actionMatches('Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', 'Microsoft.ManagedIdentity/userAssignedIdentitiesX/assign/action')).toBe(false);
    expect(actionMatches('*/read', 'Microsoft.ContainerRegistry/registries/pull/read')).toBe(true);
  });
});

describe('container groups with a user-assigned identity', () => {
  const V = 'api-version=2023-05-01';
  const groupPath = (d: ArmDouble, name: string) => `/subscriptions/${d.subscriptionId}/resourceGroups/rg-acr/providers/Microsoft.ContainerInstance/containerGroups/${name}?${V}`;
  const body = (identityId: string, server: string, credentialIdentity = identityId) => ({
    location: 'westeurope',
    identity: { type: 'UserAssigned', userAssignedIdentities: { [identityId]: {} } },
    properties: {
      osType: 'Linux',
      restartPolicy: 'Never',
      imageRegistryCredentials: [{ server, identity: credentialIdentity }],
      containers: [{ name: 'main', properties: { image: `${server}/app:1`, resources: { requests: { cpu: 1, memoryInGB: 1 } } } }],
    },
  });

  it('wants assign/action on the identity (LinkedAuthorizationFailed otherwise); Managed Identity Operator grants it; GET shows the identity ids', async () => {
    const { arm: double, acr } = await setup();
    const identity = await arm(double, 'PUT', `/subscriptions/${double.subscriptionId}/resourceGroups/rg-acr/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-pull?api-version=2023-01-31`, { location: 'westeurope' });
    const identityId = identity.body!.id as string;
    const deployer = principal(double);
    const groupId = `/subscriptions/${double.subscriptionId}/resourceGroups/rg-acr/providers/Microsoft.ContainerInstance/containerGroups/job`;
    double.assignRole(deployer.objectId, 'Azure Container Instances Contributor Role', `/subscriptions/${double.subscriptionId}/resourceGroups/rg-acr`);

    const refused = await arm(double, 'PUT', groupPath(double, 'job'), body(identityId, acr.loginServer), deployer.objectId);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'LinkedAuthorizationFailed' } } });
    expect(refused.body!.error!.message).toBe(
      `The client '${deployer.clientId}' with object id '${deployer.objectId}' has permission to perform action 'Microsoft.ContainerInstance/containerGroups/write' on scope '${groupId}'; however, it does not have permission to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '${identityId}' or the linked scope(s) are invalid.`,
    );

    double.assignRole(deployer.objectId, 'Managed Identity Operator', identityId);
    const created = await arm(double, 'PUT', groupPath(double, 'job'), body(identityId, acr.loginServer), deployer.objectId);
    expect(created.status).toBe(201);
    const { principalId, clientId } = identity.body!.properties as { principalId: string; clientId: string };
    const got = await arm(double, 'GET', groupPath(double, 'job'), undefined, deployer.objectId);
    expect(got.body).toMatchObject({
      identity: { type: 'UserAssigned', userAssignedIdentities: { [identityId]: { principalId, clientId } } },
      properties: { imageRegistryCredentials: [{ server: acr.loginServer, identity: identityId }] },
    });
  });

  it('refuses a credential naming an identity the group does not list (InvalidImageRegistryIdentity) and an identity that does not exist', async () => {
    const { arm: double, acr } = await setup();
    const sub = double.subscriptionId;
    const id = (name: string) => `/subscriptions/${sub}/resourceGroups/rg-acr/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
    await arm(double, 'PUT', `${id('id-a')}?api-version=2023-01-31`, { location: 'westeurope' });
    const unlisted = await arm(double, 'PUT', groupPath(double, 'job'), body(id('id-a'), acr.loginServer, id('id-b')));
    expect(unlisted).toMatchObject({
      status: 400,
      body: { error: { code: 'InvalidImageRegistryIdentity', message: "The identity in the 'imageRegistryCredentials' of container group 'job' not found in container group identity list" } },
    });
    const missing = await arm(double, 'PUT', groupPath(double, 'job'), body(id('id-none'), acr.loginServer));
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'InvalidUserAssignedIdentity' } } });
    const badType = await arm(double, 'PUT', groupPath(double, 'job'), { ...body(id('id-a'), acr.loginServer), identity: { type: 'Sometimes' } });
    expect(badType).toMatchObject({ status: 400, body: { error: { code: 'InvalidRequestContent' } } });
  });
});
