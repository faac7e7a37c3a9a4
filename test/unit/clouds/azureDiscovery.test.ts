import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { knownCloud } from '../../../src/clouds/azure/clouds';
import { listLocations, listResourceGroups, listSubscriptions, type ArmReader } from '../../../src/clouds/azure/discovery';
import { AppError } from '../../../src/core/errors';

/*
 * Discovery through the real core-rest-pipeline (bearer policy, retries, request ids) with the
 * network replaced by ArmLists below: a TEST DOUBLE of the three Resource Manager list operations,
 * answering with the shapes and error bodies of the REST reference (Subscriptions - List
 * 2022-12-01, Resource Groups - List 2021-04-01, Subscriptions - List Locations 2022-12-01). It
 * records every request, pages when told to, and fails when told to.
 */

const SUB = 'a1ffc958-d2c7-493e-9f1e-125a0477f536';
const SUB2 = '291bba3f-e0a5-47bc-a099-3bdcb2a50a05';
const TENANT = '31c75423-32d6-4322-88b7-c478bdde4858';
const cloud = knownCloud('AzureCloud')!;

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

class ArmLists implements HttpClient {
  readonly requests: { url: string; method: string; authorization?: string; accept?: string }[] = [];
  /** Answers by path (without the query), in order; the last one repeats. */
  private readonly replies = new Map<string, Reply[]>();
  /** Pages of `value` per path: the first page links to the next with $skiptoken. */
  private readonly pages = new Map<string, unknown[][]>();

  constructor(readonly host = 'https://management.azure.com') {}

  list(path: string, ...pages: unknown[][]): this {
    this.pages.set(path, pages);
    return this;
  }

  fail(path: string, ...replies: Reply[]): this {
    this.replies.set(path, replies);
    return this;
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const url = new URL(request.url);
    this.requests.push({ url: request.url, method: request.method, authorization: request.headers.get('authorization'), accept: request.headers.get('accept') });
    const reply = this.reply(url);
    const { createHttpHeaders } = await import('@azure/core-rest-pipeline');
    return { request, status: reply.status, headers: createHttpHeaders({ 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': crypto.randomUUID(), ...reply.headers }), bodyAsText: reply.body === undefined ? '' : JSON.stringify(reply.body) };
  }

  private reply(url: URL): Reply {
    const queued = this.replies.get(url.pathname);
    if (queued?.length) return queued.length > 1 ? queued.shift()! : queued[0]!;
    if (!url.searchParams.get('api-version')) return { status: 400, body: { error: { code: 'MissingApiVersionParameter', message: "The api-version query parameter (?api-version=) is required for all requests." } } };
    const pages = this.pages.get(url.pathname);
    if (!pages) return { status: 404, body: { error: { code: 'InvalidResourceType', message: `The resource type could not be found in the namespace for api version '${url.searchParams.get('api-version')}'.` } } };
    const index = Number(url.searchParams.get('$skiptoken') ?? 0);
    const next = index + 1 < pages.length ? `${this.host}${url.pathname}?api-version=${url.searchParams.get('api-version')}&$skiptoken=${index + 1}` : undefined;
    return { status: 200, body: { value: pages[index], ...(next ? { nextLink: next } : {}) } };
  }
}

/** A credential that counts its calls and hands out a token valid for an hour. */
function staticCredential(token = 'eyJ0eXAi.test-token.sig'): TokenCredential & { calls: { scopes: string | string[]; options?: GetTokenOptions }[] } {
  const calls: { scopes: string | string[]; options?: GetTokenOptions }[] = [];
  return {
    calls,
    async getToken(scopes, options): Promise<AccessToken> {
      calls.push({ scopes, options });
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

const subscription = (id: string, displayName: string, state = 'Enabled') => ({
  id: `/subscriptions/${id}`,
  authorizationSource: 'RoleBased',
  managedByTenants: [],
  subscriptionId: id,
  tenantId: TENANT,
  displayName,
  state,
  subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
});
const group = (name: string, location: string, provisioningState = 'Succeeded') => ({
  id: `/subscriptions/${SUB}/resourceGroups/${name}`,
  name,
  type: 'Microsoft.Resources/resourceGroups',
  location,
  properties: { provisioningState },
});
const location = (name: string, displayName: string, regionType: string, regionCategory: string, regional?: string) => ({
  id: `/subscriptions/${SUB}/locations/${name}`,
  name,
  type: 'Region',
  displayName,
  ...(regional ? { regionalDisplayName: regional } : {}),
  metadata: { regionType, regionCategory, geographyGroup: 'Europe' },
});

const reader = (http: HttpClient, extra: Partial<ArmReader> = {}): ArmReader => ({ credential: staticCredential(), cloud, httpClient: http, maxRetries: 1, ...extra });

describe('Azure discovery: lists for the Deploy wizard', () => {
  it('lists subscriptions over every page, sorted by name, with the bearer token of the cloud’s audience', async () => {
    const http = new ArmLists().list('/subscriptions', [subscription(SUB, 'Zeta research')], [subscription(SUB2, 'Alpha prod', 'Warned')]);
    const credential = staticCredential('tok-123');
    const subs = await listSubscriptions(reader(http, { credential }));
    expect(subs).toEqual([
      { id: SUB2, name: 'Alpha prod', state: 'Warned', tenantId: TENANT },
      { id: SUB, name: 'Zeta research', state: 'Enabled', tenantId: TENANT },
    ]);
    expect(http.requests.map((r) => r.url)).toEqual([
      'https://management.azure.com/subscriptions?api-version=2022-12-01',
      'https://management.azure.com/subscriptions?api-version=2022-12-01&$skiptoken=1',
    ]);
    expect(http.requests.every((r) => r.method === 'GET' && r.authorization === 'Bearer tok-123' && r.accept === 'application/json')).toBe(true);
    // The token cycler keeps the token between pages.
    expect(credential.calls.map((c) => c.scopes)).toEqual([['https://management.azure.com/.default']]);
  });

  it('asks a sovereign cloud’s own Resource Manager with its audience', async () => {
    const china = knownCloud('AzureChinaCloud')!;
    const http = new ArmLists('https://management.chinacloudapi.cn').list('/subscriptions', [subscription(SUB, 'cn')]);
    const credential = staticCredential();
    await listSubscriptions(reader(http, { cloud: china, credential }));
    expect(http.requests[0]!.url).toBe('https://management.chinacloudapi.cn/subscriptions?api-version=2022-12-01');
    expect(credential.calls[0]!.scopes).toEqual(['https://management.chinacloudapi.cn/.default']);
  });

  it('lists resource groups with their region, leaving out one being deleted', async () => {
    const http = new ArmLists().list(`/subscriptions/${SUB}/resourcegroups`, [group('rg-models', 'westeurope'), group('Analytics', 'northeurope'), group('old', 'eastus', 'Deleting')]);
    expect(await listResourceGroups(reader(http), SUB)).toEqual([
      { name: 'Analytics', location: 'northeurope', provisioningState: 'Succeeded' },
      { name: 'rg-models', location: 'westeurope', provisioningState: 'Succeeded' },
    ]);
    expect(http.requests[0]!.url).toBe(`https://management.azure.com/subscriptions/${SUB}/resourcegroups?api-version=2021-04-01`);
  });

  it('lists the physical regions, recommended first', async () => {
    const http = new ArmLists().list(`/subscriptions/${SUB}/locations`, [
      location('europe', 'Europe', 'Logical', 'Other'),
      location('francesouth', 'France South', 'Physical', 'Other', '(Europe) France South'),
      location('westeurope', 'West Europe', 'Physical', 'Recommended', '(Europe) West Europe'),
      location('eastus', 'East US', 'Physical', 'Recommended', '(US) East US'),
    ]);
    expect(await listLocations(reader(http), SUB)).toEqual([
      { name: 'eastus', displayName: 'East US', regionalDisplayName: '(US) East US', recommended: true },
      { name: 'westeurope', displayName: 'West Europe', regionalDisplayName: '(Europe) West Europe', recommended: true },
      { name: 'francesouth', displayName: 'France South', regionalDisplayName: '(Europe) France South', recommended: false },
    ]);
  });

  it('says in one sentence what a missing permission needs, from Resource Manager’s own message', async () => {
    const http = new ArmLists().fail(`/subscriptions/${SUB}/resourcegroups`, {
      status: 403,
      body: {
        error: {
          code: 'AuthorizationFailed',
          message: `The client 'ana@contoso.com' with object id '0b1f6471-1bf0-4dda-aec3-cb9272f09590' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope '/subscriptions/${SUB}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        },
      },
    });
    const e = await listResourceGroups(reader(http), SUB).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).message).toMatch(/^Listing the resource groups of subscription a1ffc958-.*: your Azure identity lacks a permission \(The client 'ana@contoso.com' .* or the scope is invalid\.\)/);
    expect((e as AppError).message).not.toContain('\n');
  });

  it('turns an unknown subscription and a refused token into what to do', async () => {
    const missing = new ArmLists().fail(`/subscriptions/${SUB}/locations`, { status: 404, body: { error: { code: 'SubscriptionNotFound', message: `The subscription '${SUB}' could not be found.` } } });
    await expect(listLocations(reader(missing), SUB)).rejects.toThrow(/could not be found\. Check the subscription setting/);
    const refused = new ArmLists().fail('/subscriptions', { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } } });
    await expect(listSubscriptions(reader(refused))).rejects.toThrow(/Azure did not accept the token \(InvalidAuthenticationToken\)/);
  });

  it('waits out throttling (429 with Retry-After) and then reads the list', async () => {
    const http = new ArmLists()
      .fail('/subscriptions', { status: 429, headers: { 'retry-after': '0' }, body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } } }, { status: 200, body: { value: [subscription(SUB, 'one')] } });
    expect((await listSubscriptions(reader(http))).map((s) => s.id)).toEqual([SUB]);
    expect(http.requests).toHaveLength(2);
  });

  it('never sends the token to another host, nor follows a nextLink that repeats', async () => {
    const elsewhere = new ArmLists().fail('/subscriptions', { status: 200, body: { value: [], nextLink: 'https://evil.example.com/subscriptions?api-version=2022-12-01&$skiptoken=1' } });
    await expect(listSubscriptions(reader(elsewhere))).rejects.toThrow(/next page on another host \(https:\/\/evil\.example\.com\); it was not followed/);
    expect(elsewhere.requests.map((r) => new URL(r.url).host)).toEqual(['management.azure.com']);
    const loop = new ArmLists().fail('/subscriptions', { status: 200, body: { value: [], nextLink: 'https://management.azure.com/subscriptions?api-version=2022-12-01' } });
    await expect(listSubscriptions(reader(loop))).rejects.toThrow(/kept sending more pages/);
  });

  it('refuses an answer that is not in the documented shape instead of guessing', async () => {
    const http = new ArmLists().fail('/subscriptions', { status: 200, body: { value: [{ displayName: 'no id' }] } });
    await expect(listSubscriptions(reader(http))).rejects.toThrow(/not in the documented shape \(subscriptionId:/);
  });

  it('passes a sign-in failure of the credential on as it is, and a cancellation as cancelled', async () => {
    const signIn = new AppError('config-invalid', 'You did not sign in with Microsoft.');
    const http = new ArmLists().list('/subscriptions', []);
    const refusing: TokenCredential = { getToken: () => Promise.reject(signIn) };
    await expect(listSubscriptions(reader(http, { credential: refusing }))).rejects.toBe(signIn);
    expect(http.requests).toHaveLength(0);

    const controller = new AbortController();
    controller.abort();
    const e = await listSubscriptions(reader(http, { signal: controller.signal })).catch((x: unknown) => x);
    expect((e as AppError).code).toBe('cancelled');
  });
});
