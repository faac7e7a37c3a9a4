import type { GroupSpec } from './spec';

/** One Container Instances event, as instanceView.events shows it. */
export interface AciEvent {
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  name: string;
  message: string;
  type: 'Normal' | 'Warning';
}

/** The group's `identity` as GET shows it, resolved when the group was saved. */
export interface GroupIdentityView {
  type: 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned, UserAssigned';
  principalId?: string;
  tenantId?: string;
  userAssignedIdentities?: Record<string, { principalId: string; clientId: string }>;
}

/** A container group the double holds: the spec it was given and where its lifecycle is. */
export interface GroupRecord {
  id: string;
  name: string;
  resourceGroup: string;
  spec: GroupSpec;
  identity?: GroupIdentityView;
  /** properties.provisioningState. */
  provisioning: 'Pending' | 'Creating' | 'Succeeded' | 'Failed' | 'Deleting';
  stopped: boolean;
  /** Set when the group's creation failed: the operation's error. */
  failure?: { code: string; message: string };
  /** Docker container id per container name, once created. */
  dockerIds: Map<string, string>;
  events: Map<string, AciEvent[]>;
  groupEvents: AciEvent[];
  /** Set once the group is being deleted or replaced: its provisioning stops where it is. */
  cancelled: boolean;
  /** Aborts the provisioning's waits when cancelled. */
  abort: AbortController;
  /** Resolves when its provisioning has finished (or stopped). */
  settled: Promise<void>;
}

export function addEvent(list: AciEvent[], name: string, message: string, type: AciEvent['type'] = 'Normal'): void {
  const now = new Date().toISOString();
  list.push({ count: 1, firstTimestamp: now, lastTimestamp: now, name, message, type });
}
