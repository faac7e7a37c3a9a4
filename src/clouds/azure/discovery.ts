import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient, Pipeline, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { z } from 'zod';
import { AppError, cancelledError } from '../../core/errors';
import type { AzureCloud } from './clouds';
import { azureFailure } from './failure';

/*
 * What a person can choose from before anything is deployed: their subscriptions, a
 * subscription's resource groups and regions. Three GETs on Resource Manager through
 * @azure/core-rest-pipeline (the management SDKs for these, @azure/arm-resources and
 * @azure/arm-subscriptions, need Node 22 in their current releases). The answers are parsed
 * with the documented shapes; every page is read (nextLink).
 */

/** Who asks, and where. `httpClient` replaces the network (tests); the default is core-rest-pipeline's. */
export interface ArmReader {
  credential: TokenCredential;
  cloud: Pick<AzureCloud, 'resourceManager' | 'audience'>;
  signal?: AbortSignal;
  httpClient?: HttpClient;
  /** Retries on throttling (429 with Retry-After) and server errors; default 3. */
  maxRetries?: number;
}

export interface SubscriptionChoice {
  id: string;
  name: string;
  /** Enabled, Warned, PastDue, Disabled, Deleted. */
  state: string;
  tenantId?: string;
}

export interface ResourceGroupChoice {
  name: string;
  location: string;
  provisioningState?: string;
}

export interface LocationChoice {
  name: string;
  displayName: string;
  /** "(Europe) West Europe". */
  regionalDisplayName?: string;
  /** Microsoft's "Recommended" regions (the ones the portal lists first). */
  recommended: boolean;
}

const SUBSCRIPTIONS_API = '2022-12-01';
const RESOURCE_GROUPS_API = '2021-04-01';
const LOCATIONS_API = '2022-12-01';
/** More pages than any account has: a nextLink that never ends is a broken server, not more data. */
const MAX_PAGES = 100;

const Subscription = z.object({
  subscriptionId: z.string(),
  displayName: z.string().optional(),
  state: z.string().optional(),
  tenantId: z.string().optional(),
});
const ResourceGroup = z.object({
  name: z.string(),
  location: z.string(),
  properties: z.object({ provisioningState: z.string().optional() }).optional(),
});
const Location = z.object({
  name: z.string(),
  displayName: z.string().optional(),
  regionalDisplayName: z.string().optional(),
  type: z.string().optional(),
  metadata: z.object({ regionType: z.string().optional(), regionCategory: z.string().optional() }).optional(),
});

/** The subscriptions the credential can see, by name. */
export async function listSubscriptions(reader: ArmReader): Promise<SubscriptionChoice[]> {
  const items = await listAll(reader, `subscriptions?api-version=${SUBSCRIPTIONS_API}`, Subscription, 'Listing your Azure subscriptions');
  return items
    .map((s) => ({ id: s.subscriptionId, name: s.displayName ?? s.subscriptionId, state: s.state ?? 'Enabled', ...(s.tenantId ? { tenantId: s.tenantId } : {}) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A subscription's resource groups, by name; one being deleted is left out. */
export async function listResourceGroups(reader: ArmReader, subscription: string): Promise<ResourceGroupChoice[]> {
  const path = `subscriptions/${encodeURIComponent(subscription)}/resourcegroups?api-version=${RESOURCE_GROUPS_API}`;
  const items = await listAll(reader, path, ResourceGroup, `Listing the resource groups of subscription ${subscription}`);
  return items
    .filter((g) => g.properties?.provisioningState !== 'Deleting')
    .map((g) => ({ name: g.name, location: g.location, ...(g.properties?.provisioningState ? { provisioningState: g.properties.provisioningState } : {}) }))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
}

/**
 * The regions resources can go in (physical regions, not the "global" or geography entries of
 * the list), recommended ones first, then by display name. Each resource provider serves a
 * subset of them: a region here may still refuse a container group.
 */
export async function listLocations(reader: ArmReader, subscription: string): Promise<LocationChoice[]> {
  const path = `subscriptions/${encodeURIComponent(subscription)}/locations?api-version=${LOCATIONS_API}`;
  const items = await listAll(reader, path, Location, `Listing the regions of subscription ${subscription}`);
  return items
    .filter((l) => (l.type ?? 'Region') === 'Region' && (l.metadata?.regionType ?? 'Physical') === 'Physical')
    .map((l) => ({
      name: l.name,
      displayName: l.displayName ?? l.name,
      ...(l.regionalDisplayName ? { regionalDisplayName: l.regionalDisplayName } : {}),
      recommended: l.metadata?.regionCategory === 'Recommended',
    }))
    .sort((a, b) => Number(b.recommended) - Number(a.recommended) || a.displayName.localeCompare(b.displayName));
}

const Page = z.object({ value: z.array(z.unknown()), nextLink: z.string().nullish() });

/** Every item of a Resource Manager list, page by page; an item that does not parse is an error, not skipped. */
async function listAll<T extends z.ZodType>(reader: ArmReader, path: string, item: T, what: string): Promise<z.infer<T>[]> {
  const arm = new URL(reader.cloud.resourceManager);
  const { pipeline, client, request } = await armPipeline(reader);
  const out: z.infer<T>[] = [];
  let url: string | undefined = new URL(path, arm).toString();
  const seen = new Set<string>();
  try {
    for (let page = 0; url; page++) {
      // The bearer token goes with each page: never to a host other than this cloud's Resource Manager.
      if (new URL(url).origin !== arm.origin) throw new AppError('deploy-failed', `${what}: Resource Manager sent a next page on another host (${new URL(url).origin}); it was not followed.`);
      if (seen.has(url) || page >= MAX_PAGES) throw new AppError('deploy-failed', `${what}: Resource Manager kept sending more pages (${page} read); stopped.`);
      seen.add(url);
      const res = await pipeline.sendRequest(client, request(url));
      if (res.status !== 200) throw await armError(res);
      const body = Page.safeParse(parseJson(res.bodyAsText));
      if (!body.success) throw new AppError('deploy-failed', `${what}: Resource Manager answered ${url.split('?')[0]} with something other than a list.`);
      for (const v of body.data.value) {
        const parsed = item.safeParse(v);
        if (!parsed.success) throw new AppError('deploy-failed', `${what}: an item of the list is not in the documented shape (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`);
        out.push(parsed.data);
      }
      url = body.data.nextLink ?? undefined;
    }
  } catch (e) {
    if (reader.signal?.aborted) throw cancelledError();
    throw azureFailure(what, e);
  }
  return out;
}

/** A pipeline with core-rest-pipeline's defaults (retries that honour Retry-After, proxy from the environment) and the bearer token. */
async function armPipeline(reader: ArmReader): Promise<{ pipeline: Pipeline; client: HttpClient; request: (url: string) => PipelineRequest }> {
  const p = await import('@azure/core-rest-pipeline');
  const pipeline = p.createPipelineFromOptions({ retryOptions: { maxRetries: reader.maxRetries ?? 3 }, userAgentOptions: { userAgentPrefix: 'rdeploy' } });
  pipeline.addPolicy(p.bearerTokenAuthenticationPolicy({ credential: reader.credential, scopes: `${reader.cloud.audience}.default` }));
  const client = reader.httpClient ?? p.createDefaultHttpClient();
  const request = (url: string) =>
    p.createPipelineRequest({ url, method: 'GET', headers: p.createHttpHeaders({ accept: 'application/json' }), ...(reader.signal ? { abortSignal: reader.signal } : {}) });
  return { pipeline, client, request };
}

/** Resource Manager's error body (`{ error: { code, message } }`) as the RestError azureFailure reads. */
async function armError(res: PipelineResponse): Promise<Error> {
  const { RestError } = await import('@azure/core-rest-pipeline');
  const body = parseJson(res.bodyAsText) as { error?: { code?: unknown; message?: unknown } } | undefined;
  const code = typeof body?.error?.code === 'string' ? body.error.code : undefined;
  const message = typeof body?.error?.message === 'string' ? body.error.message : `HTTP ${res.status}`;
  return new RestError(message, { statusCode: res.status, request: res.request, response: res, ...(code ? { code } : {}) });
}

function parseJson(text: string | null | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
