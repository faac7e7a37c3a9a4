// The ARM double's framework and Microsoft.Authorization contract, driven through the real
// @azure/identity ClientSecretCredential and @azure/arm-authorization client (HTTPS on
// 127.0.0.1, trusted through NODE_EXTRA_CA_CERTS, see vitest.config.mts), plus raw requests
// where a client would hide what is asserted. No Docker: nothing here creates a container group.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthorizationManagementClient, RoleAssignment } from '@azure/arm-authorization';
import type { TokenCredential } from '@azure/core-auth';
import { ArmDouble, type ArmDoubleOptions, type ServicePrincipal } from '../../doubles/azure';
import { doubleCredential, doubleClientOptions } from '../../doubles/azure/clients';

// Typed from the dynamic import itself: `typeof import(…)` would resolve the CommonJS typings.
const loadAuthorization = () => import('@azure/arm-authorization');
let authz: Awaited<ReturnType<typeof loadAuthorization>>;
beforeAll(async () => {
  authz = await loadAuthorization();
});

const open: ArmDouble[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.stop()));
});

async function start(opts: ArmDoubleOptions = {}): Promise<ArmDouble> {
  const double = await ArmDouble.start({ resourceGroups: ['rg-test'], ...opts });
  open.push(double);
  return double;
}

function credential(double: ArmDouble, sp: Pick<ServicePrincipal, 'clientId' | 'clientSecret'> = double.deployer): TokenCredential {
  return doubleCredential(double, sp);
}

function authorization(double: ArmDouble, cred: TokenCredential = credential(double)): AuthorizationManagementClient {
  return new authz.AuthorizationManagementClient(cred, double.subscriptionId, doubleClientOptions(double));
}

/** A service principal that can sign in, with no role anywhere. */
function servicePrincipal(double: ArmDouble): ServicePrincipal {
  const sp = { clientId: randomUUID(), clientSecret: `s-${randomUUID()}`, objectId: randomUUID() };
  double.registerPrincipal(sp.objectId, { clientId: sp.clientId, clientSecret: sp.clientSecret });
  return sp;
}

async function failure(call: Promise<unknown>): Promise<Error & { statusCode?: number; code?: string }> {
  try {
    await call;
  } catch (e) {
    return e as Error & { statusCode?: number; code?: string };
  }
  throw new Error('expected the call to fail');
}

async function raw(double: ArmDouble, path: string, init: RequestInit & { token?: string | null } = {}) {
  const { token, ...rest } = init;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token ?? double.tokenFor(double.deployer.objectId)}`;
  const res = await fetch(new URL(path.replace(/^\//, ''), double.url), { ...rest, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const SUB = (d: ArmDouble) => `/subscriptions/${d.subscriptionId}`;
const RG = (d: ArmDouble) => `${SUB(d)}/resourceGroups/rg-test`;
const ACI_CONTRIBUTOR = '5d977122-f97e-4b4d-a52f-6b43003ddb4d';

describe('Entra ID', () => {
  it('gives the real ClientSecretCredential a token for the double, and refuses a wrong secret with AADSTS7000215', async () => {
    const double = await start();
    const token = await credential(double).getToken(`${double.url}.default`);
    expect(token?.token.split('.')).toHaveLength(3);
    expect(double.calls('Entra_Token').at(-1)?.status).toBe(200);

    const wrong = await failure(credential(double, { clientId: double.deployer.clientId, clientSecret: 'nope' }).getToken(`${double.url}.default`));
    expect(wrong.message).toContain('AADSTS7000215: Invalid client secret provided.');
    const unknown = await failure(credential(double, { clientId: randomUUID(), clientSecret: 'x' }).getToken(`${double.url}.default`));
    expect(unknown.message).toContain('AADSTS700016');
  });

  it('serves cloud metadata that points a custom cloud at the double', async () => {
    const double = await start();
    const res = await raw(double, '/metadata/endpoints?api-version=2022-09-01', { token: null });
    expect(res.status).toBe(200);
    const [cloud] = res.body as unknown as Array<Record<string, unknown>>;
    expect(cloud).toMatchObject({
      resourceManager: double.url,
      authentication: { loginEndpoint: double.url.replace(/\/$/, ''), audiences: [double.url] },
      suffixes: { acrLoginServer: 'azurecr.io' },
    });
  });
});

describe('ARM checks', () => {
  it('wants a token it minted itself, for its own audience', async () => {
    const double = await start();
    const other = await start();
    const path = `${SUB(double)}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`;
    const none = await raw(double, path, { token: null });
    expect(none).toMatchObject({ status: 401, body: { error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." } } });
    const foreign = await raw(double, path, { token: other.tokenFor(other.deployer.objectId, double.url) });
    expect(foreign).toMatchObject({ status: 401, body: { error: { code: 'InvalidAuthenticationToken' } } });
    const audience = await raw(double, path, { token: double.tokenFor(double.deployer.objectId, 'https://vault.azure.net') });
    expect(audience).toMatchObject({ status: 401, body: { error: { code: 'InvalidAuthenticationTokenAudience' } } });
    expect((audience.body as { error: { message: string } }).error.message).toContain("The access token has been obtained for wrong audience or resource 'https://vault.azure.net'.");
    const ok = await raw(double, path);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers.get('x-ms-correlation-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('wants an api-version, one the provider serves', async () => {
    const double = await start();
    const path = `${SUB(double)}/providers/Microsoft.Authorization/roleDefinitions`;
    expect(await raw(double, path)).toMatchObject({
      status: 400,
      body: { error: { code: 'MissingApiVersionParameter', message: 'The api-version query parameter (?api-version=) is required for all requests.' } },
    });
    const bad = await raw(double, `${path}?api-version=2099-01-01`);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'InvalidResourceType' } } });
    expect((bad.body as { error: { message: string } }).error.message).toMatch(
      /^The resource type 'roleDefinitions' could not be found in the namespace 'Microsoft.Authorization' for api version '2099-01-01'. The supported api-versions are '.*2022-04-01.*'.$/,
    );
  });

  it("answers 404 for a resource group or subscription that does not exist, with ARM's text", async () => {
    const double = await start();
    const err = await failure(authorization(double).roleAssignments.listForResourceGroup('rg-missing').next());
    expect(err).toMatchObject({ statusCode: 404, code: 'ResourceGroupNotFound', message: "Resource group 'rg-missing' could not be found." });
    const sub = await raw(double, `/subscriptions/${randomUUID()}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`);
    expect(sub).toMatchObject({ status: 404, body: { error: { code: 'SubscriptionNotFound' } } });
  });

  it('refuses a principal without a role with AuthorizationFailed, and lets a role assigned at a parent scope through', async () => {
    const double = await start();
    const sp = servicePrincipal(double);
    const client = authorization(double, credential(double, sp));
    const denied = await failure(client.roleAssignments.listForScope(RG(double)).next());
    expect(denied).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
    expect(denied.message).toBe(
      `The client '${sp.clientId}' with object id '${sp.objectId}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '${RG(double)}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );

    double.assignRole(sp.objectId, 'Reader', SUB(double));
    expect((await client.roleAssignments.listForScope(RG(double)).next()).done).toBe(false);
    // Reader reads, and writes nothing.
    const write = await failure(
      client.roleAssignments.create(RG(double), randomUUID(), { roleDefinitionId: `${SUB(double)}/providers/Microsoft.Authorization/roleDefinitions/${ACI_CONTRIBUTOR}`, principalId: sp.objectId }),
    );
    expect(write).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
    expect(write.message).toContain("perform action 'Microsoft.Authorization/roleAssignments/write'");
  });

  it('lets a test serve in-process requests as a principal, through the same checks', async () => {
    const double = await start();
    const mi = randomUUID();
    double.registerPrincipal(mi);
    const path = `${RG(double)}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`;
    expect((await double.invoke(mi, 'GET', path)).status).toBe(403);
    double.assignRole(mi, 'Reader', RG(double));
    expect((await double.invoke(mi, 'GET', path)).status).toBe(200);
    expect(double.calls('RoleAssignments_ListForScope').map((c) => [c.principal, c.status])).toEqual([
      [mi, 403],
      [mi, 200],
    ]);
  });
});

describe('role definitions', () => {
  it('lists the built-ins by name with their real ids and actions', async () => {
    const double = await start();
    const client = authorization(double);
    const found = [];
    for await (const r of client.roleDefinitions.list(RG(double), { filter: "roleName eq 'Azure Container Instances Contributor Role'" })) found.push(r);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      id: `${SUB(double)}/providers/Microsoft.Authorization/roleDefinitions/${ACI_CONTRIBUTOR}`,
      name: ACI_CONTRIBUTOR,
      roleType: 'BuiltInRole',
    });
    expect(found[0]!.permissions?.[0]?.actions).toContain('Microsoft.ContainerInstance/containerGroups/*');
    const names = [];
    for await (const r of client.roleDefinitions.list(SUB(double))) names.push(r.roleName);
    expect(names).toEqual(expect.arrayContaining(['Owner', 'Contributor', 'Reader', 'Managed Identity Operator', 'AcrPull', 'AcrPush']));
    const owner = await client.roleDefinitions.get(SUB(double), '8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
    expect(owner.roleName).toBe('Owner');
  });
});

describe('role assignments', () => {
  const roleId = (d: ArmDouble, guid: string) => `${SUB(d)}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

  it('creates, refuses a duplicate with RoleAssignmentExists, lists by scope and principal, and deletes', async () => {
    const double = await start();
    const client = authorization(double);
    const sp = servicePrincipal(double);
    const name = randomUUID();
    const created = await client.roleAssignments.create(RG(double), name, { roleDefinitionId: roleId(double, ACI_CONTRIBUTOR), principalId: sp.objectId, principalType: 'ServicePrincipal' });
    expect(created).toMatchObject({ name, scope: RG(double), principalId: sp.objectId, principalType: 'ServicePrincipal', roleDefinitionId: roleId(double, ACI_CONTRIBUTOR) });
    expect(created.id).toBe(`${RG(double)}/providers/Microsoft.Authorization/roleAssignments/${name}`);

    const dup = await failure(client.roleAssignments.create(RG(double), randomUUID(), { roleDefinitionId: roleId(double, ACI_CONTRIBUTOR), principalId: sp.objectId }));
    expect(dup).toMatchObject({ statusCode: 409, code: 'RoleAssignmentExists', message: 'The role assignment already exists.' });

    expect((await client.roleAssignments.get(RG(double), name)).principalId).toBe(sp.objectId);
    const mine: RoleAssignment[] = [];
    for await (const a of client.roleAssignments.listForScope(RG(double), { filter: `principalId eq '${sp.objectId}'` })) mine.push(a);
    expect(mine.map((a) => a.name)).toEqual([name]);
    // atScope(): at the scope and above — the deployer's Owner on the subscription, and this one.
    const atScope: RoleAssignment[] = [];
    for await (const a of client.roleAssignments.listForScope(RG(double), { filter: 'atScope()' })) atScope.push(a);
    expect(atScope.map((a) => a.principalId).sort()).toEqual([double.deployer.objectId, sp.objectId].sort());
    // …but not those below a subscription-level listing's atScope().
    const subAtScope: RoleAssignment[] = [];
    for await (const a of client.roleAssignments.listForScope(SUB(double), { filter: 'atScope()' })) subAtScope.push(a);
    expect(subAtScope.map((a) => a.principalId)).toEqual([double.deployer.objectId]);

    const deleted = await client.roleAssignments.delete(RG(double), name);
    expect(deleted.name).toBe(name);
    expect(double.roleAssignments().some((a) => a.name === name)).toBe(false);
    const again = await raw(double, `${RG(double)}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, { method: 'DELETE' });
    expect(again.status).toBe(204);
  });

  it('answers PrincipalNotFound while a new principal replicates, and assigns it afterwards', async () => {
    const double = await start();
    const client = authorization(double);
    const mi = randomUUID();
    double.registerPrincipal(mi, { replicationDelayMs: 400 });
    const early = await failure(client.roleAssignments.create(RG(double), randomUUID(), { roleDefinitionId: roleId(double, ACI_CONTRIBUTOR), principalId: mi }));
    expect(early).toMatchObject({ statusCode: 400, code: 'PrincipalNotFound' });
    expect(early.message).toBe(
      `Principal ${mi.replace(/-/g, '')} does not exist in the directory ${double.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
    await new Promise((r) => setTimeout(r, 450));
    const later = await client.roleAssignments.create(RG(double), randomUUID(), { roleDefinitionId: roleId(double, ACI_CONTRIBUTOR), principalId: mi });
    expect(later.principalId).toBe(mi);
    expect(double.roleAssignments().filter((a) => a.principalId === mi).map((a) => a.roleName)).toEqual(['Azure Container Instances Contributor Role']);
  });

  it('with principalType set, assigns a principal that has not replicated yet (as Microsoft advises)', async () => {
    const double = await start();
    const mi = randomUUID();
    double.registerPrincipal(mi, { replicationDelayMs: 60_000 });
    const a = await authorization(double).roleAssignments.create(RG(double), randomUUID(), { roleDefinitionId: roleId(double, ACI_CONTRIBUTOR), principalId: mi, principalType: 'ServicePrincipal' });
    expect(a.principalId).toBe(mi);
    const unknown = await failure(
      authorization(double).roleAssignments.create(RG(double), randomUUID(), { roleDefinitionId: roleId(double, ACI_CONTRIBUTOR), principalId: randomUUID(), principalType: 'ServicePrincipal' }),
    );
    expect(unknown.code).toBe('PrincipalNotFound');
  });

  it('refuses a role definition that does not exist', async () => {
    const double = await start();
    const sp = servicePrincipal(double);
    const missing = randomUUID();
    const err = await failure(authorization(double).roleAssignments.create(RG(double), randomUUID(), { roleDefinitionId: roleId(double, missing), principalId: sp.objectId }));
    expect(err).toMatchObject({ statusCode: 400, code: 'RoleDefinitionDoesNotExist', message: `The specified role definition with ID '${missing}' does not exist.` });
  });
});

describe('recording and faults', () => {
  it('records each call with its operation, api-version, body and caller, until reset', async () => {
    const double = await start();
    const sp = servicePrincipal(double);
    const name = randomUUID();
    await authorization(double).roleAssignments.create(RG(double), name, { roleDefinitionId: roleId(double), principalId: sp.objectId });
    const [call] = double.calls('RoleAssignments_Create');
    expect(call).toMatchObject({
      method: 'PUT',
      path: `${RG(double)}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      apiVersion: '2022-04-01',
      principal: double.deployer.objectId,
      status: 201,
      body: { properties: { roleDefinitionId: roleId(double), principalId: sp.objectId } },
    });
    expect(double.calls({ method: 'put' })).toHaveLength(1);
    double.resetCalls();
    expect(double.calls()).toEqual([]);

    function roleId(d: ArmDouble) {
      return `${SUB(d)}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
    }
  });

  it('throttles with 429 and Retry-After, which the real SDK waits out and retries', async () => {
    const double = await start();
    double.injectFault({ operation: 'RoleDefinitions_List', kind: 'throttle', retryAfterSeconds: 1 });
    const started = Date.now();
    const found = [];
    for await (const r of authorization(double).roleDefinitions.list(SUB(double), { filter: "roleName eq 'Reader'" })) found.push(r);
    expect(found.map((r) => r.roleName)).toEqual(['Reader']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(double.calls('RoleDefinitions_List').map((c) => c.status)).toEqual([429, 200]);
    const throttled = await (async () => {
      double.injectFault({ operation: '*', kind: 'throttle', retryAfterSeconds: 7 });
      return raw(double, `${SUB(double)}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`);
    })();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect(throttled.body).toMatchObject({ error: { code: 'SubscriptionRequestsThrottled' } });
  });

  it('answers an injected error as many times as asked, then serves again', async () => {
    const double = await start();
    double.injectFault({ operation: 'RoleAssignments_Get', kind: 'error', status: 400, code: 'BadRequest', message: 'injected' }, 2);
    const client = authorization(double);
    const name = double.roleAssignments()[0]!.name;
    for (let i = 0; i < 2; i++) expect(await failure(client.roleAssignments.get(SUB(double), name))).toMatchObject({ statusCode: 400, code: 'BadRequest', message: 'injected' });
    expect((await client.roleAssignments.get(SUB(double), name)).principalId).toBe(double.deployer.objectId);
  });
});

describe('framework', () => {
  it('serves a registered provider route with a long-running operation that clients poll to the end', async () => {
    const double = await start();
    double.registerApiVersions('Contoso.Widgets', ['2024-01-01']);
    let done = false;
    double.route(
      'PUT',
      /^\/subscriptions\/[^/]+\/resourceGroups\/(?<rg>[^/]+)\/providers\/Contoso\.Widgets\/widgets\/(?<name>[^/]+)$/,
      (r) => double.longRunning(r, { kind: 'PUT', body: { name: r.params.name, properties: { provisioningState: 'Creating' } }, poll: () => (done ? { status: 'Succeeded' } : { status: 'InProgress' }) }),
      { operation: 'Widgets_Create', action: 'Contoso.Widgets/widgets/write' },
    );
    const put = await raw(double, `${RG(double)}/providers/Contoso.Widgets/widgets/w1?api-version=2024-01-01`, { method: 'PUT', body: '{}' });
    expect(put).toMatchObject({ status: 201, body: { name: 'w1' } });
    const status = new URL(put.headers.get('azure-asyncoperation')!);
    expect(status.origin + '/').toBe(double.url);
    expect(put.headers.get('location')).toContain('/operationResults/');
    expect((await raw(double, status.pathname + status.search)).body).toMatchObject({ status: 'InProgress' });
    done = true;
    expect((await raw(double, status.pathname + status.search)).body).toMatchObject({ status: 'Succeeded' });
    // An api-version the provider does not serve never reaches the route.
    expect((await raw(double, `${RG(double)}/providers/Contoso.Widgets/widgets/w1?api-version=2023-01-01`, { method: 'PUT', body: '{}' })).body).toMatchObject({
      error: { code: 'NoRegisteredProviderFound' },
    });
  });
});

describe('Microsoft.Resources reads', () => {
  it('lists the subscription to a caller with a role in it, its resource groups and its location', async () => {
    const double = await start({ resourceGroups: ['rg-a', 'rg-b'] });
    const subs = await raw(double, '/subscriptions?api-version=2022-12-01');
    expect(subs.body).toMatchObject({ value: [{ subscriptionId: double.subscriptionId, tenantId: double.tenantId, state: 'Enabled' }] });
    const stranger = servicePrincipal(double);
    expect((await raw(double, '/subscriptions?api-version=2022-12-01', { token: double.tokenFor(stranger.objectId) })).body).toMatchObject({ value: [] });
    const groups = await raw(double, `${SUB(double)}/resourcegroups?api-version=2021-04-01`);
    expect((groups.body as { value: Array<{ name: string }> }).value.map((g) => g.name)).toEqual(['rg-a', 'rg-b']);
    expect(await raw(double, `${SUB(double)}/resourcegroups/RG-A?api-version=2021-04-01`)).toMatchObject({ status: 200, body: { name: 'rg-a', properties: { provisioningState: 'Succeeded' } } });
    expect(await raw(double, `${SUB(double)}/resourcegroups/rg-c?api-version=2021-04-01`)).toMatchObject({ status: 404, body: { error: { code: 'ResourceGroupNotFound' } } });
    expect((await raw(double, `${SUB(double)}/locations?api-version=2022-12-01`)).body).toMatchObject({ value: [{ name: 'westeurope' }] });
  });
});
