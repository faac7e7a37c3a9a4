import { randomUUID } from 'node:crypto';
import type { ArmDouble } from '../ArmDouble';
import { ArmError, invalidRequestContent } from '../errors';

/**
 * User-assigned managed identities (Microsoft.ManagedIdentity 2023-01-31): each one is a service
 * principal in the double's directory, registered with a replication delay (a new identity is
 * not yet known to role assignments, PrincipalNotFound, unless principalType is given), whose
 * tokens the double mints with tokenFor(principalId). Deleting one removes its principal:
 * no more tokens, and its role assignments stay behind as orphans, as in Azure.
 */
export interface UserAssignedIdentityRecord {
  /** As the service writes it: `/subscriptions/…/resourcegroups/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/NAME`. */
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  principalId: string;
  clientId: string;
  tenantId: string;
}

export interface ManagedIdentityOptions {
  /** How long a new identity stays unknown to role assignments. Default 30 s × timeScale. */
  replicationDelayMs?: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/;

export class UserAssignedIdentities {
  private readonly records = new Map<string, UserAssignedIdentityRecord>();
  replicationDelayMs: number;

  constructor(
    private readonly arm: ArmDouble,
    options: ManagedIdentityOptions = {},
  ) {
    this.replicationDelayMs = options.replicationDelayMs ?? 30_000 * arm.timeScale;
  }

  idOf(resourceGroup: string, name: string): string {
    // The service answers with 'resourcegroups' in lower case (its REST examples, and real answers).
    return `/subscriptions/${this.arm.subscriptionId}/resourcegroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
  }

  /** By its resource id, in any letter case and with either spelling of resourceGroups. */
  get(id: string): UserAssignedIdentityRecord | undefined {
    return this.records.get(id.toLowerCase());
  }

  byPrincipalId(principalId: string): UserAssignedIdentityRecord | undefined {
    return [...this.records.values()].find((r) => r.principalId === principalId.toLowerCase());
  }

  list(resourceGroup?: string): UserAssignedIdentityRecord[] {
    return [...this.records.values()].filter((r) => resourceGroup === undefined || r.resourceGroup.toLowerCase() === resourceGroup.toLowerCase());
  }

  /** PUT: creates (principal and client ids fresh) or updates the tags of an existing identity. */
  put(resourceGroup: string, name: string, body: unknown): { record: UserAssignedIdentityRecord; created: boolean } {
    if (!NAME.test(name)) throw invalidName(name);
    const input = isObject(body) ? body : undefined;
    if (!input) throw invalidRequestContent("Required property 'location' not found in JSON. Path '', line 1, position 2.");
    if (typeof input.location !== 'string' || input.location === '') throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
    const tags = isObject(input.tags) ? (Object.fromEntries(Object.entries(input.tags).map(([k, v]) => [k, String(v)])) as Record<string, string>) : {};
    const existing = this.get(this.idOf(resourceGroup, name));
    if (existing) {
      if (norm(existing.location) !== norm(input.location)) throw invalidLocation(existing.name, existing.location, resourceGroup, input.location);
      existing.tags = tags;
      return { record: existing, created: false };
    }
    const record: UserAssignedIdentityRecord = {
      id: this.idOf(resourceGroup, name),
      name,
      resourceGroup,
      location: input.location,
      tags,
      principalId: randomUUID(),
      clientId: randomUUID(),
      tenantId: this.arm.tenantId,
    };
    this.arm.registerPrincipal(record.principalId, { clientId: record.clientId, replicationDelayMs: this.replicationDelayMs, principalType: 'ServicePrincipal' });
    this.records.set(record.id.toLowerCase(), record);
    return { record, created: true };
  }

  /** PATCH: tags only (location cannot change). */
  patch(record: UserAssignedIdentityRecord, body: unknown): UserAssignedIdentityRecord {
    const input = isObject(body) ? body : {};
    if (isObject(input.tags)) record.tags = Object.fromEntries(Object.entries(input.tags).map(([k, v]) => [k, String(v)])) as Record<string, string>;
    return record;
  }

  delete(record: UserAssignedIdentityRecord): void {
    this.records.delete(record.id.toLowerCase());
    this.arm.directory.remove(record.principalId);
  }
}

/** The resource as the service returns it (2023-01-31 examples). */
export function identityView(r: UserAssignedIdentityRecord): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    location: r.location,
    tags: r.tags,
    properties: { tenantId: r.tenantId, principalId: r.principalId, clientId: r.clientId },
  };
}

/** (unverified wording) */
const invalidName = (name: string) =>
  new ArmError(
    400,
    'InvalidResourceName',
    `Resource name '${name}' is invalid. The name can contain only letters, numbers, underscores and hyphens, must start with a letter or number, and must be 3 to 128 characters long.`,
  );

/** ARM's own check (verified: the text users quote for any resource type). */
const invalidLocation = (name: string, existing: string, rg: string, wanted: string) =>
  new ArmError(
    400,
    'InvalidResourceLocation',
    `The resource '${name}' already exists in location '${existing}' in resource group '${rg}'. A resource with the same name cannot be created in location '${wanted}'. Please select a new resource name.`,
  );

const norm = (location: string) => location.replace(/\s+/g, '').toLowerCase();

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
