import * as vscode from 'vscode';
import type { CredentialFactory } from '../../clouds/azure/session';
import { checkValue, formatValue, parseFieldInput, type FieldAnswer, type SettingField } from '../deploy/settingsModel';
import type { MultiStepInput } from '../ui/MultiStepInput';

// The questions every setting editor asks (deploySettingEditors.ts, azureSettingEditors.ts): a
// list of values with "Use the default" and "Type another…", and an input box checked by the
// setting's own schema.

/** The step the editor is asked in (same title and number as the settings list), and what it may know. */
export interface EditContext {
  input: MultiStepInput;
  step: { title: string; step: number; totalSteps: number };
  /**
   * The target needs cloud credentials: `profile` and `region` are offered from the AWS config
   * file; `subscription`, `resourceGroup` and `location` from what Azure lists.
   */
  credentials: boolean;
  /** Every setting as it stands now (the profile whose region applies; the cloud, subscription and resource group to list in). */
  values: Readonly<Record<string, unknown>>;
  /** How Azure is signed in to for the subscription, resource group and location lists; default: VS Code's Microsoft account. */
  azureCredential?: CredentialFactory;
}

/** A new value (`undefined`: back to the default), or nothing when the user went Back. */
export type Edited = { value: unknown } | undefined;

export type Item = vscode.QuickPickItem & { choose?: { value: unknown }; type?: true };

/** A list of values, then "use the default" and "type another…"; typing goes through the schema like any answer. */
export async function choose(field: SettingField, current: unknown, values: Item[], ctx: EditContext, placeholder: string, defaultNow?: string): Promise<Edited> {
  const unsettable = field.schema.safeParse(undefined).success;
  const useDefault: Item = {
    label: `$(discard) ${vscode.l10n.t('Use the default')}`,
    description: [describeChoice(current === undefined, false), defaultNow].filter(Boolean).join(' · ') || undefined,
    detail: field.defaultText ? vscode.l10n.t('Default: {0}', field.defaultText) : undefined,
    choose: { value: undefined },
  };
  const typeAnother: Item = { label: `$(edit) ${vscode.l10n.t('Type another…')}`, type: true };
  const items: Item[] = [...values, ...(values.length ? [{ label: '', kind: vscode.QuickPickItemKind.Separator } as Item] : []), ...(unsettable ? [useDefault] : [])];
  // An enum or a boolean takes its values only; text may be any (its names are suggestions).
  if (field.kind !== 'enum' && field.kind !== 'boolean') items.push(typeAnother);
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
export async function typeValue(field: SettingField, current: unknown, ctx: EditContext): Promise<{ value: unknown }> {
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

export function describeChoice(isCurrent: boolean, isDefault: boolean): string {
  return [isCurrent && vscode.l10n.t('current'), isDefault && vscode.l10n.t('default')].filter(Boolean).join(' · ');
}
