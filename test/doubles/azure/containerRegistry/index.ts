import type { ArmDouble } from '../ArmDouble';
import { resourceNotFound } from '../errors';

/**
 * Microsoft.ContainerRegistry/registries, read-only: the registries an AcrDouble seeds (its
 * loginServer is 127.0.0.1:PORT, not NAME.azurecr.io), listed by subscription and by resource
 * group and read one by one, with the 2023-07-01 shape (Basic SKU, admin user disabled). Creating,
 * updating or deleting a registry through ARM is not served (405/404): a test starts an AcrDouble.
 */
export const CONTAINER_REGISTRY_API_VERSIONS = [
  '2017-10-01',
  '2019-05-01',
  '2019-12-01-preview',
  '2020-11-01-preview',
  '2021-06-01-preview',
  '2021-08-01-preview',
  '2021-09-01',
  '2021-12-01-preview',
  '2022-02-01-preview',
  '2022-12-01',
  '2023-01-01-preview',
  '2023-06-01-preview',
  '2023-07-01',
  '2023-08-01-preview',
  '2023-11-01-preview',
  '2024-11-01-preview',
  '2025-03-01-preview',
  '2025-04-01',
  '2025-05-01-preview',
  '2025-06-01-preview',
  '2025-11-01',
];

export interface RegistryRecord {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  loginServer: string;
  tags: Record<string, string>;
  creationDate: string;
}

export class ContainerRegistries {
  private readonly records = new Map<string, RegistryRecord>();

  constructor(private readonly arm: ArmDouble) {}

  /** Makes a registry resource exist (what AcrDouble.start() does); its resource group is created if missing. */
  seed(input: { name: string; resourceGroup: string; loginServer: string; location?: string; tags?: Record<string, string> }): RegistryRecord {
    if (!/^[A-Za-z0-9]{5,50}$/.test(input.name)) throw new Error(`registry name '${input.name}': 5-50 letters and digits, as ACR requires`);
    this.arm.addResourceGroup(input.resourceGroup);
    const record: RegistryRecord = {
      id: `/subscriptions/${this.arm.subscriptionId}/resourceGroups/${input.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${input.name}`,
      name: input.name,
      resourceGroup: input.resourceGroup,
      location: input.location ?? this.arm.location,
      loginServer: input.loginServer,
      tags: { ...input.tags },
      creationDate: new Date().toISOString(),
    };
    this.records.set(record.id.toLowerCase(), record);
    return record;
  }

  remove(id: string): void {
    this.records.delete(id.toLowerCase());
  }

  get(id: string): RegistryRecord | undefined {
    return this.records.get(id.toLowerCase());
  }

  /** The registry whose login server is `server` (host:port), if one was seeded. */
  byLoginServer(server: string): RegistryRecord | undefined {
    return [...this.records.values()].find((r) => r.loginServer.toLowerCase() === server.toLowerCase());
  }

  list(resourceGroup?: string): RegistryRecord[] {
    return [...this.records.values()].filter((r) => resourceGroup === undefined || r.resourceGroup.toLowerCase() === resourceGroup.toLowerCase());
  }
}

/** A registry as the service returns it (RegistryGet.json, 2023-07-01). */
export function registryView(r: RegistryRecord): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    type: 'Microsoft.ContainerRegistry/registries',
    location: r.location,
    tags: r.tags,
    sku: { name: 'Basic', tier: 'Basic' },
    properties: {
      loginServer: r.loginServer,
      creationDate: r.creationDate,
      provisioningState: 'Succeeded',
      adminUserEnabled: false,
      policies: {
        quarantinePolicy: { status: 'disabled' },
        trustPolicy: { type: 'Notary', status: 'disabled' },
        retentionPolicy: { days: 7, lastUpdatedTime: r.creationDate, status: 'disabled' },
        exportPolicy: { status: 'enabled' },
        azureADAuthenticationAsArmPolicy: { status: 'enabled' },
        softDeletePolicy: { retentionDays: 7, lastUpdatedTime: r.creationDate, status: 'disabled' },
      },
      encryption: { status: 'disabled' },
      status: null,
      dataEndpointEnabled: false,
      dataEndpointHostNames: [],
      privateEndpointConnections: [],
      publicNetworkAccess: 'Enabled',
      networkRuleBypassOptions: 'AzureServices',
      zoneRedundancy: 'Disabled',
      anonymousPullEnabled: false,
    },
  };
}

const NS = 'providers/Microsoft\\.ContainerRegistry/registries';
const ACTION = 'Microsoft.ContainerRegistry/registries';

export function registerContainerRegistry(double: ArmDouble): ContainerRegistries {
  double.registerApiVersions('Microsoft.ContainerRegistry', CONTAINER_REGISTRY_API_VERSIONS);
  const store = new ContainerRegistries(double);
  double.route(
    'GET',
    new RegExp(`^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/${NS}/(?<name>[^/]+)$`),
    (r) => {
      const record = store.list(r.params.rg!).find((x) => x.name.toLowerCase() === r.params.name!.toLowerCase());
      if (!record) throw resourceNotFound('Microsoft.ContainerRegistry/registries', r.params.name!, r.params.rg!);
      return { status: 200, body: registryView(record) };
    },
    { operation: 'Registries_Get', action: `${ACTION}/read` },
  );
  double.route(
    'GET',
    new RegExp(`^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/${NS}$`),
    (r) => ({ status: 200, body: { value: store.list(r.params.rg!).map(registryView) } }),
    { operation: 'Registries_ListByResourceGroup', action: `${ACTION}/read` },
  );
  double.route('GET', new RegExp(`^/subscriptions/(?<sub>[^/]+)/${NS}$`), () => ({ status: 200, body: { value: store.list().map(registryView) } }), {
    operation: 'Registries_List',
    action: `${ACTION}/read`,
  });
  return store;
}
