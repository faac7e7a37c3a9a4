import * as vscode from 'vscode';
import { effectiveProfile, readAwsProfiles, regionChoices } from '../deploy/awsProfiles';
import { checkValue, formatValue, parseFieldInput, type FieldAnswer, type SettingField } from '../deploy/settingsModel';
import type { MultiStepInput } from '../ui/MultiStepInput';

/** The step the editor is asked in (same title and number as the settings list), and what it may know. */
export interface EditContext {
  input: MultiStepInput;
  step: { title: string; step: number; totalSteps: number };
  /** The target needs cloud credentials: `profile` and `region` are offered from the AWS config file. */
  credentials: boolean;
  /** Every setting as it stands now (to find the profile whose region applies). */
  values: Readonly<Record<string, unknown>>;
}

/** A new value (`undefined`: back to the default), or nothing when the user went Back. */
export type Edited = { value: unknown } | undefined;

type Item = vscode.QuickPickItem & { choose?: { value: unknown }; type?: true };

/** Asks for one setting's new value, the way its schema says: a list for an enum, a checked input box otherwise. */
export async function editSetting(field: SettingField, current: unknown, ctx: EditContext): Promise<Edited> {
  // Keyed on the setting's name so that no target is named here: every target that needs
  // credentials and has a `profile` or `region` setting gets the same pickers.
  if (ctx.credentials && field.kind === 'string' && field.key === 'profile') return pickProfile(field, current, ctx);
  if (ctx.credentials && field.kind === 'string' && field.key === 'region') return pickRegion(field, current, ctx);
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

/** A list of values, then "use the default" and "type another…"; typing goes through the schema like any answer. */
async function choose(field: SettingField, current: unknown, values: Item[], ctx: EditContext, placeholder: string, defaultNow?: string): Promise<Edited> {
  const unsettable = field.schema.safeParse(undefined).success;
  const useDefault: Item = {
    label: `$(discard) ${vscode.l10n.t('Use the default')}`,
    description: [describeChoice(current === undefined, false), defaultNow].filter(Boolean).join(' · ') || undefined,
    detail: field.defaultText ? vscode.l10n.t('Default: {0}', field.defaultText) : undefined,
    choose: { value: undefined },
  };
  const typeAnother: Item = { label: `$(edit) ${vscode.l10n.t('Type another…')}`, type: true };
  const items: Item[] = [...values, ...(values.length ? [{ label: '', kind: vscode.QuickPickItemKind.Separator } as Item] : []), ...(unsettable ? [useDefault] : [])];
  if (!field.options) items.push(typeAnother);
  const active = values.find((i) => i.choose?.value === current) ?? (current === undefined && unsettable ? useDefault : values[0]);
  for (;;) {
    const picked = await ctx.input.nested(() => ctx.input.showQuickPick({ ...ctx.step, back: true, items, active, placeholder }));
    if (!picked) return undefined;
    if (picked.choose) {
      const answer = checkValue(field, picked.choose.value);
      if (answer.ok) return { value: answer.value };
      void vscode.window.showWarningMessage(answerMessage(answer));
      continue;
    }
    // "Type another…": Back returns to this list.
    const typed = await ctx.input.nested(() => typeValue(field, current, ctx));
    if (typed) return typed;
  }
}

/** An input box checked on every keystroke by the field's own schema; empty text is the default. */
async function typeValue(field: SettingField, current: unknown, ctx: EditContext): Promise<{ value: unknown }> {
  const text = await ctx.input.showInputBox({
    ...ctx.step,
    back: true,
    value: current === undefined ? '' : formatValue(current),
    prompt: field.description || field.title,
    placeholder: field.defaultText ? vscode.l10n.t('{0} — empty for the default: {1}', field.title, field.defaultText) : field.title,
    validate: (v) => {
      const answer = parseFieldInput(field, v);
      return answer.ok ? undefined : answerMessage(answer);
    },
  });
  const answer = parseFieldInput(field, text);
  // validate() refused anything else, so this is always ok.
  return { value: answer.ok ? answer.value : current };
}

/** The refusal in the user's language where it is ours; the schema's message otherwise. */
export function answerMessage(answer: Extract<FieldAnswer, { ok: false }>): string {
  switch (answer.expected) {
    case 'value':
      return vscode.l10n.t('A value is required.');
    case 'integer':
      return vscode.l10n.t('Type a whole number.');
    case 'number':
      return vscode.l10n.t('Type a number.');
    case 'boolean':
      return vscode.l10n.t('Type true or false.');
    default:
      return answer.message;
  }
}

function describeChoice(isCurrent: boolean, isDefault: boolean): string {
  return [isCurrent && vscode.l10n.t('current'), isDefault && vscode.l10n.t('default')].filter(Boolean).join(' · ');
}
