import * as vscode from 'vscode';
import { effectiveProfile, readAwsProfiles, regionChoices } from '../deploy/awsProfiles';
import { formatValue, type SettingField } from '../deploy/settingsModel';
import { pickLocation, pickResourceGroup, pickSubscription } from './azureSettingEditors';
import { choose, describeChoice, typeValue, type EditContext, type Edited, type Item } from './settingPrompts';

export type { EditContext, Edited } from './settingPrompts';

/** Asks for one setting's new value, the way its schema says: a list for an enum, a checked input box otherwise. */
export async function editSetting(field: SettingField, current: unknown, ctx: EditContext): Promise<Edited> {
  // Keyed on the setting's name so that no target is named here: every target that needs
  // credentials and has a `profile` or `region` setting (AWS), or a `subscription`,
  // `resourceGroup` or `location` setting (Azure), gets the same pickers.
  if (ctx.credentials && field.kind === 'string' && field.key === 'profile') return pickProfile(field, current, ctx);
  if (ctx.credentials && field.kind === 'string' && field.key === 'region') return pickRegion(field, current, ctx);
  if (ctx.credentials && field.kind === 'string' && field.key === 'subscription') return pickSubscription(field, current, ctx);
  if (ctx.credentials && field.kind === 'string' && field.key === 'resourceGroup') return pickResourceGroup(field, current, ctx);
  if (ctx.credentials && field.kind === 'string' && field.key === 'location') return pickLocation(field, current, ctx);
  if (field.options) return pickOption(field, current, ctx);
  if (field.kind === 'other') {
    void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" is set in rdeploy.json: the wizard cannot edit it.', field.title));
    return undefined;
  }
  return typeValue(field, current, ctx);
}

async function pickOption(field: SettingField, current: unknown, ctx: EditContext): Promise<Edited> {
  const items: Item[] = field.options!.map((o) => ({ label: o, description: describeChoice(o === formatValue(current), o === field.defaultText), choose: { value: o } }));
  return choose(field, current, items, ctx, field.title);
}

async function pickProfile(field: SettingField, current: unknown, ctx: EditContext): Promise<Edited> {
  const { file, profiles, problem } = await readAwsProfiles();
  // Only names the setting accepts: a profile with a space in its name cannot be passed on.
  const usable = profiles.filter((p) => field.schema.safeParse(p.name).success);
  const items: Item[] = usable.map((p) => ({
    label: p.name,
    description: [p.region && vscode.l10n.t('region {0}', p.region), describeChoice(p.name === current, false)].filter(Boolean).join(' · '),
    choose: { value: p.name },
  }));
  const placeholder = problem
    ? vscode.l10n.t('{0} cannot be read ({1}): type a profile name', file, problem)
    : usable.length
      ? vscode.l10n.t('{0}: a profile of {1}', field.title, file)
      : vscode.l10n.t('No profiles in {0}: type a profile name, or use the default', file);
  return choose(field, current, items, ctx, placeholder);
}

async function pickRegion(field: SettingField, current: unknown, ctx: EditContext): Promise<Edited> {
  const configured = ctx.values.profile;
  const profile = effectiveProfile(typeof configured === 'string' ? configured : undefined);
  const profileRegion = (await readAwsProfiles()).profiles.find((p) => p.name === profile)?.region;
  // What applies when the setting is unset, in the SDK's order (src/clouds/aws/session.ts).
  const envRegion = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  const defaultNow = envRegion
    ? vscode.l10n.t('now {0}, from AWS_REGION', envRegion)
    : profileRegion
      ? vscode.l10n.t('now {0}, from profile "{1}"', profileRegion, profile)
      : vscode.l10n.t('none is set: choose one');
  const items: Item[] = regionChoices(profileRegion)
    .filter((r) => field.schema.safeParse(r.id).success)
    .map((r) => ({
      label: r.id,
      description: [r.name, r.fromProfile && vscode.l10n.t('region of profile "{0}"', profile), describeChoice(r.id === current, false)].filter(Boolean).join(' · '),
      choose: { value: r.id },
    }));
  return choose(field, current, items, ctx, vscode.l10n.t('{0}: where the function runs', field.title), defaultNow);
}
