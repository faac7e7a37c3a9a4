import type { LocationChoice, ResourceGroupChoice, SubscriptionChoice } from '../../clouds/azure/discovery';

// Choices for the Deploy wizard's `subscription`, `resourceGroup` and `location` settings of an
// Azure target, from what Resource Manager lists (src/clouds/azure/discovery.ts). As data, so the
// order and marks are unit-tested; the wording is the editor's (commands/azureSettingEditors.ts).

/** Subscriptions that can take a deployment: Disabled and Deleted ones are read-only. */
const USABLE_STATES = new Set(['Enabled', 'Warned', 'PastDue']);

export interface Choice<T> {
  item: T;
  /** What applies when the setting is unset (the default subscription, the resource group's region). */
  isDefault: boolean;
}

/** Usable subscriptions, the default one (AZURE_SUBSCRIPTION_ID or the Azure CLI's) first, then by name. */
export function subscriptionChoices(subs: readonly SubscriptionChoice[], defaultId: string | undefined): Choice<SubscriptionChoice>[] {
  const id = defaultId?.toLowerCase();
  return subs
    .filter((s) => USABLE_STATES.has(s.state))
    .map((s) => ({ item: s, isDefault: s.id.toLowerCase() === id }))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
}

/** The name of the default subscription when it is one of the list, else its id (one this account cannot see). */
export function subscriptionLabel(subs: readonly SubscriptionChoice[], id: string): string {
  return subs.find((s) => s.id.toLowerCase() === id.toLowerCase())?.name ?? id;
}

/** The resource groups, as listed (by name); none is a default: the setting is required to deploy. */
export function resourceGroupChoices(groups: readonly ResourceGroupChoice[]): Choice<ResourceGroupChoice>[] {
  return groups.map((g) => ({ item: g, isDefault: false }));
}

/**
 * The regions, the resource group's own first (it is what applies when none is set), then the
 * recommended ones and the others as listed. `groupLocation` may be one the list lacks.
 */
export function locationChoices(locations: readonly LocationChoice[], groupLocation: string | undefined): Choice<LocationChoice>[] {
  const own = groupLocation?.toLowerCase();
  const first = own ? locations.filter((l) => l.name === own) : [];
  const missing = own && first.length === 0 ? [{ name: own, displayName: own, recommended: false }] : [];
  return [...missing, ...first, ...locations.filter((l) => l.name !== own)].map((l) => ({ item: l, isDefault: l.name === own }));
}
