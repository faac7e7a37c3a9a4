import type { AccountState } from '../model/Account';

/**
 * A Batch account as the management plane shows it (BatchAccount, 2023-11-01): its
 * accountEndpoint is the data plane's host (no scheme, as the service writes it), and its quotas
 * are the ones the double enforces.
 */
export function accountView(a: AccountState): Record<string, unknown> {
  return {
    id: a.armId,
    name: a.name,
    type: 'Microsoft.Batch/batchAccounts',
    location: a.location,
    ...(Object.keys(a.tags).length ? { tags: a.tags } : {}),
    identity: { type: 'None' },
    properties: {
      accountEndpoint: a.host,
      nodeManagementEndpoint: `${a.name}.nodes.${a.location}.double.invalid`,
      provisioningState: 'Succeeded',
      poolAllocationMode: a.poolAllocationMode,
      dedicatedCoreQuota: a.settings.dedicatedCoreQuota,
      lowPriorityCoreQuota: a.settings.lowPriorityCoreQuota,
      dedicatedCoreQuotaPerVMFamilyEnforced: false,
      poolQuota: a.settings.poolQuota,
      activeJobAndJobScheduleQuota: a.settings.activeJobAndJobScheduleQuota,
      publicNetworkAccess: 'Enabled',
      allowedAuthenticationModes: ['SharedKey', 'AAD', 'TaskAuthenticationToken'],
    },
  };
}
