import { AppError } from '../../core/errors';
import type { AzureCloudName } from './settings';

/**
 * The endpoints of an Azure cloud. The three public sovereign clouds are known by name (the
 * Azure CLI's names and endpoints); a custom cloud (Azure Stack Hub, our tests' double) is
 * described by its Resource Manager's metadata endpoint, the way `az cloud register
 * --endpoint-resource-manager` learns it.
 */
export interface AzureCloud {
  /** "AzureCloud", …, or the custom cloud's Resource Manager URL. */
  readonly name: string;
  /** Resource Manager, with a trailing slash. */
  readonly resourceManager: string;
  /** Entra ID's authority host, with a trailing slash. */
  readonly authorityHost: string;
  /** The token audience for Resource Manager (scope = audience + ".default"). */
  readonly audience: string;
  /** Azure Container Registry's login server suffix ("azurecr.io"). */
  readonly acrSuffix: string;
  readonly custom: boolean;
}

const KNOWN: Record<AzureCloudName, AzureCloud> = {
  AzureCloud: { name: 'AzureCloud', resourceManager: 'https://management.azure.com/', authorityHost: 'https://login.microsoftonline.com/', audience: 'https://management.azure.com/', acrSuffix: 'azurecr.io', custom: false },
  AzureChinaCloud: { name: 'AzureChinaCloud', resourceManager: 'https://management.chinacloudapi.cn/', authorityHost: 'https://login.chinacloudapi.cn/', audience: 'https://management.chinacloudapi.cn/', acrSuffix: 'azurecr.cn', custom: false },
  AzureUSGovernment: { name: 'AzureUSGovernment', resourceManager: 'https://management.usgovcloudapi.net/', authorityHost: 'https://login.microsoftonline.us/', audience: 'https://management.usgovcloudapi.net/', acrSuffix: 'azurecr.us', custom: false },
};

const slash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/** A known cloud without any network; undefined for a custom one (see resolveCloud). */
export function knownCloud(setting: string | undefined): AzureCloud | undefined {
  return KNOWN[(setting ?? 'AzureCloud') as AzureCloudName];
}

/** What a plan shows before anything is asked: a custom cloud's endpoints are known at deploy. */
export function plannedCloud(setting: string | undefined): AzureCloud {
  return knownCloud(setting) ?? { name: setting!, resourceManager: slash(setting!), authorityHost: '<from the cloud\'s metadata>', audience: slash(setting!), acrSuffix: '<from the cloud\'s metadata>', custom: true };
}

interface Metadata {
  name?: string;
  resourceManager?: string;
  authentication?: { loginEndpoint?: string; audiences?: string[] };
  suffixes?: { acrLoginServer?: string };
}

/** The cloud's endpoints: by name, or from the custom Resource Manager's metadata (10 s at most). */
export async function resolveCloud(setting: string | undefined, signal?: AbortSignal): Promise<AzureCloud> {
  const known = knownCloud(setting);
  if (known) return known;
  const arm = slash(setting!);
  const url = `${arm}metadata/endpoints?api-version=2022-09-01`;
  let body: unknown;
  try {
    const res = await fetch(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(10_000)]) : AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.json();
  } catch (e) {
    const why = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new AppError('config-invalid', `The custom Azure cloud at ${arm} did not describe itself (GET metadata/endpoints: ${why}). Check the "cloud" setting: it is AzureCloud, AzureChinaCloud, AzureUSGovernment, or the Resource Manager URL of an Azure Stack Hub.`, { cause: e });
  }
  // 2022-09-01 answers a list of clouds; older versions one object.
  const list = (Array.isArray(body) ? body : [body]) as Metadata[];
  const m = list.find((c) => c.resourceManager && slash(c.resourceManager) === arm) ?? list[0];
  const login = m?.authentication?.loginEndpoint;
  const audience = m?.authentication?.audiences?.[0];
  if (!login || !audience) throw new AppError('config-invalid', `The custom Azure cloud at ${arm} answered its metadata without a login endpoint or audience; it cannot be used.`);
  return { name: arm, resourceManager: arm, authorityHost: slash(login), audience: slash(audience), acrSuffix: m.suffixes?.acrLoginServer?.replace(/^\./, '') ?? 'azurecr.io', custom: true };
}
