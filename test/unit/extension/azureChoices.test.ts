import { describe, expect, it } from 'vitest';
import type { LocationChoice, SubscriptionChoice } from '../../../src/clouds/azure/discovery';
import { locationChoices, resourceGroupChoices, subscriptionChoices, subscriptionLabel } from '../../../src/extension/deploy/azureChoices';
import { settingFields } from '../../../src/extension/deploy/settingsModel';
import { catalogueEntry } from '../../../src/targets/catalogue';

const sub = (id: string, name: string, state = 'Enabled'): SubscriptionChoice => ({ id, name, state });
// Subscription ids are random GUIDs (version 4), as z.uuid() in the settings requires.
const A = 'a1ffc958-d2c7-493e-9f1e-125a0477f536';
const B = '291bba3f-e0a5-47bc-a099-3bdcb2a50a05';
const C = '6a3f8e2b-4c1d-4e5f-8a9b-0c1d2e3f4a5b';
const D = 'd3b07384-d9a0-4c9b-8f1e-2a3b4c5d6e7f';

describe('the Deploy wizard’s Azure choices', () => {
  it('offers the usable subscriptions, the default one first (matched whatever its case)', () => {
    const subs = [sub(A, 'Alpha'), sub(B, 'Beta', 'Disabled'), sub(C, 'Gamma', 'PastDue'), sub(D, 'Delta', 'Deleted')];
    expect(subscriptionChoices(subs, C.toUpperCase()).map((c) => [c.item.name, c.isDefault])).toEqual([
      ['Gamma', true],
      ['Alpha', false],
    ]);
    expect(subscriptionChoices(subs, undefined).map((c) => c.item.name)).toEqual(['Alpha', 'Gamma']);
  });

  it('names the default subscription when the account sees it, else by its id', () => {
    expect(subscriptionLabel([sub(A, 'Alpha')], A)).toBe('Alpha');
    expect(subscriptionLabel([sub(A, 'Alpha')], B)).toBe(B);
  });

  it('offers the resource groups as listed, none as a default (the setting is required to deploy)', () => {
    expect(resourceGroupChoices([{ name: 'rg', location: 'westeurope' }])).toEqual([{ item: { name: 'rg', location: 'westeurope' }, isDefault: false }]);
  });

  it('puts the resource group’s region first, as the default, even one the list lacks', () => {
    const regions: LocationChoice[] = [
      { name: 'eastus', displayName: 'East US', recommended: true },
      { name: 'westeurope', displayName: 'West Europe', recommended: true },
      { name: 'francesouth', displayName: 'France South', recommended: false },
    ];
    expect(locationChoices(regions, 'WestEurope').map((c) => [c.item.name, c.isDefault])).toEqual([
      ['westeurope', true],
      ['eastus', false],
      ['francesouth', false],
    ]);
    expect(locationChoices(regions, 'newregion')[0]).toEqual({ item: { name: 'newregion', displayName: 'newregion', recommended: false }, isDefault: true });
    expect(locationChoices(regions, undefined).map((c) => c.item.name)).toEqual(['eastus', 'westeurope', 'francesouth']);
  });

  it('applies to the aci target’s settings, whose keys and kinds the pickers are chosen by', () => {
    const entry = catalogueEntry('aci');
    expect(entry.capabilities.credentials).toBe(true);
    const fields = Object.fromEntries(settingFields(entry.settings).map((f) => [f.key, f]));
    for (const key of ['subscription', 'resourceGroup', 'location']) expect(fields[key]?.kind, key).toBe('string');
    // What the lists offer passes the settings' own checks.
    expect(fields.subscription!.schema.safeParse(A).success).toBe(true);
    expect(fields.location!.schema.safeParse('westeurope').success).toBe(true);
    expect(fields.resourceGroup!.schema.safeParse('rg-models.prod_1').success).toBe(true);
  });
});
