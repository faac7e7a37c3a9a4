import * as vscode from 'vscode';
import { resolveCloud } from '../../clouds/azure/clouds';
import { listLocations, listResourceGroups, listSubscriptions, type ArmReader } from '../../clouds/azure/discovery';
import { defaultSubscription } from '../../clouds/azure/subscription';
import { isAppError } from '../../core/errors';
import type { SettingField } from '../deploy/settingsModel';
import { locationChoices, resourceGroupChoices, subscriptionChoices, subscriptionLabel } from '../deploy/azureChoices';
import { vscodeCredential } from '../azure/vscodeCredential';
import { choose, describeChoice, type EditContext, type Edited, type Item } from './settingPrompts';

// The Deploy wizard's pickers for an Azure target's `subscription`, `resourceGroup` and
// `location`: what Resource Manager lists for the account signed in to VS Code, in the cloud the
// `cloud` setting names. A list that cannot be read (no sign-in, no network) leaves "Type
// another…" and the default, with the reason beside.

export async function pickSubscription(field: SettingField, current: unknown, ctx: EditContext): Promise<Edited> {
  const [listed, defaultId] = await Promise.all([fromAzure(ctx, vscode.l10n.t('Listing your Azure subscriptions…'), listSubscriptions), defaultSubscription()]);
  if (listed === 'cancelled') return undefined;
  const subs = listed.ok ? listed.value : [];
  const items: Item[] = subscriptionChoices(subs, defaultId)
    .filter((c) => field.schema.safeParse(c.item.id).success)
    .map(({ item, isDefault }) => ({
      label: item.name,
      description: [item.id, item.state !== 'Enabled' && item.state, describeChoice(item.id === current, isDefault)].filter(Boolean).join(' · '),
      choose: { value: item.id },
    }));
  // What applies when the setting is unset, in the session's order (src/clouds/azure/session.ts).
  const defaultNow = defaultId
    ? vscode.l10n.t('now {0}, from {1}', subscriptionLabel(subs, defaultId), process.env.AZURE_SUBSCRIPTION_ID ? 'AZURE_SUBSCRIPTION_ID' : vscode.l10n.t('the Azure CLI'))
    : vscode.l10n.t('none is set: choose one');
  const placeholder = !listed.ok
    ? vscode.l10n.t('Your subscriptions could not be listed: type a subscription id')
    : items.length
      ? vscode.l10n.t('{0}: a subscription of the account signed in to VS Code', field.title)
      : vscode.l10n.t('The account signed in to VS Code sees no enabled subscription: type a subscription id');
  return choose(field, current, items, ctx, placeholder, defaultNow);
}

export async function pickResourceGroup(field: SettingField, current: unknown, ctx: EditContext): Promise<Edited> {
  const subscription = await subscriptionOf(ctx);
  if (!subscription) return choose(field, current, [], ctx, vscode.l10n.t('No subscription is set: choose one first, or type a resource group name'));
  const listed = await fromAzure(ctx, vscode.l10n.t('Listing the resource groups…'), (reader) => listResourceGroups(reader, subscription));
  if (listed === 'cancelled') return undefined;
  const items: Item[] = resourceGroupChoices(listed.ok ? listed.value : [])
    .filter((c) => field.schema.safeParse(c.item.name).success)
    .map(({ item }) => ({ label: item.name, description: [item.location, describeChoice(item.name === current, false)].filter(Boolean).join(' · '), choose: { value: item.name } }));
  const placeholder = !listed.ok
    ? vscode.l10n.t('The resource groups could not be listed: type a name')
    : items.length
      ? vscode.l10n.t('{0}: an existing resource group of the subscription', field.title)
      : vscode.l10n.t('The subscription has no resource group: create one (az group create), then type its name');
  return choose(field, current, items, ctx, placeholder);
}

export async function pickLocation(field: SettingField, current: unknown, ctx: EditContext): Promise<Edited> {
  const subscription = await subscriptionOf(ctx);
  if (!subscription) return choose(field, current, [], ctx, vscode.l10n.t('No subscription is set: choose one first, or type a region name'));
  const group = typeof ctx.values.resourceGroup === 'string' ? ctx.values.resourceGroup : undefined;
  const listed = await fromAzure(ctx, vscode.l10n.t('Listing the Azure regions…'), async (reader) => {
    // The group's own region is what applies when none is set; without it the list still helps.
    const [locations, groups] = await Promise.all([listLocations(reader, subscription), group ? listResourceGroups(reader, subscription).catch(() => []) : Promise.resolve([])]);
    return { locations, groupLocation: groups.find((g) => g.name.toLowerCase() === group?.toLowerCase())?.location };
  });
  if (listed === 'cancelled') return undefined;
  const { locations, groupLocation } = listed.ok ? listed.value : { locations: [], groupLocation: undefined };
  const items: Item[] = locationChoices(locations, groupLocation)
    .filter((c) => field.schema.safeParse(c.item.name).success)
    .map(({ item, isDefault }) => ({
      label: item.name,
      description: [item.regionalDisplayName ?? item.displayName, isDefault && vscode.l10n.t('location of resource group "{0}"', group ?? ''), describeChoice(item.name === current, false)].filter(Boolean).join(' · '),
      choose: { value: item.name },
    }));
  const defaultNow = groupLocation ? vscode.l10n.t('now {0}, from resource group "{1}"', groupLocation, group ?? '') : undefined;
  const placeholder = listed.ok ? vscode.l10n.t('{0}: where the container runs', field.title) : vscode.l10n.t('The regions could not be listed: type a region name');
  return choose(field, current, items, ctx, placeholder, defaultNow);
}

/** The subscription the lists are read in: the one chosen, else the default one. */
async function subscriptionOf(ctx: EditContext): Promise<string | undefined> {
  return typeof ctx.values.subscription === 'string' ? ctx.values.subscription : defaultSubscription();
}

type Listed<T> = { ok: true; value: T } | { ok: false } | 'cancelled';

/**
 * Signs in (VS Code asks the first time) and lists, in a notification with Cancel. A failure is
 * shown as its one sentence beside the picker, which still offers typing a value.
 */
async function fromAzure<T>(ctx: EditContext, title: string, list: (reader: ArmReader) => Promise<T>): Promise<Listed<T>> {
  try {
    const value = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        const cloud = await resolveCloud(typeof ctx.values.cloud === 'string' ? ctx.values.cloud : undefined, controller.signal);
        const credential = await (ctx.azureCredential ?? vscodeCredential)(cloud);
        return await list({ cloud, credential, signal: controller.signal });
      } finally {
        sub.dispose();
      }
    });
    return { ok: true, value };
  } catch (e) {
    if (isAppError(e) && e.cancelled) return 'cancelled';
    void vscode.window.showWarningMessage(e instanceof Error ? e.message : String(e));
    return { ok: false };
  }
}
