import { chmod, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../../core/config';
import { AppError } from '../../core/errors';
import { catalogueEntry, type CatalogueEntry } from '../../targets/catalogue';
import { readConfig, resolveSettings } from '../../targets/config';
import { withTargetSettings } from '../deploy/configEdit';
import { changedKeys, deploySettings, mergeSettings, settingFields, settingRows, type SettingEdits } from '../deploy/settingsModel';
import type { MultiStepInput } from '../ui/MultiStepInput';
import { editSetting } from './deploySettingEditors';

export interface SettingsStepOptions {
  root: string;
  kind: string;
  /** `KEY=VALUE` settings the caller passed (automation `set`), on top of rdeploy.json. */
  sets: readonly string[];
  /** The wizard's changes so far, kept across Back; this step updates it in place. */
  edits: Record<string, unknown>;
  step: { title: string; step: number; totalSteps: number };
}

/** Whether a target has settings to show (a step of its own in the wizard). */
export function hasSettings(kind: string): boolean {
  return Object.keys(catalogueEntry(kind).settings.shape).length > 0;
}

type Item = vscode.QuickPickItem & { action?: 'continue' | 'save'; key?: string };

/**
 * The Deploy wizard's settings of the chosen target, from its schema in the catalogue: each
 * setting with the value that applies (rdeploy.json, else its default), Continue first. Picking
 * one edits it; the values go to this deploy only, unless the user picks "Save to rdeploy.json".
 * Answers the settings for the plan.
 */
export async function settingsStep(input: MultiStepInput, o: SettingsStepOptions): Promise<Record<string, unknown>> {
  const entry: CatalogueEntry = catalogueEntry(o.kind);
  const fields = settingFields(entry.settings);
  let lastKey: string | undefined;
  for (;;) {
    // Read each time: a save (here or in the editor) changes what the file says.
    const { config } = await readConfig(o.root);
    const inFile = resolveSettings(o.kind, config);
    const configured = resolveSettings(o.kind, config, o.sets);
    const rows = settingRows(fields, configured, o.edits);
    const shown = mergeSettings(configured, o.edits);
    const unsaved = changedKeys(inFile, Object.fromEntries(fields.map((f) => [f.key, shown[f.key]])));
    const changed = rows.filter((r) => r.changed).length;

    const go: Item = {
      label: `$(arrow-right) ${vscode.l10n.t('Continue')}`,
      description: changed ? vscode.l10n.t('{0} changed for this deploy only', changed) : vscode.l10n.t('with these settings'),
      action: 'continue',
    };
    const items: Item[] = [go, { label: vscode.l10n.t('{0} settings', entry.label), kind: vscode.QuickPickItemKind.Separator }];
    for (const row of rows) {
      items.push({
        label: `$(${row.changed ? 'edit' : 'settings-gear'}) ${row.field.title}`,
        description: row.changed ? vscode.l10n.t('{0} · changed', row.shown) : row.shown,
        detail: row.field.description,
        key: row.field.key,
      });
    }
    if (unsaved.length) {
      items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
      items.push({
        label: `$(save) ${vscode.l10n.t('Save to {0}', CONFIG_FILE)}`,
        description: vscode.l10n.t('and continue: "targets" → "{0}"; the other keys stay as they are', o.kind),
        action: 'save',
      });
    }
    const active = items.find((i) => i.key !== undefined && i.key === lastKey) ?? go;
    const picked = await input.showQuickPick({ ...o.step, items, active, placeholder: vscode.l10n.t('Settings of {0}: pick one to change it, or Continue', entry.label) });

    if (picked.action === 'continue' || picked.action === 'save') {
      const settings = deploySettings(entry.settings, configured, o.edits);
      if (!settings.ok) {
        void vscode.window.showErrorMessage(settings.message);
        continue;
      }
      if (picked.action === 'save') {
        try {
          await saveTargetSettings(o.root, o.kind, Object.fromEntries(fields.map((f) => [f.key, settings.value[f.key]])));
        } catch (e) {
          void vscode.window.showErrorMessage(e instanceof AppError ? e.message : vscode.l10n.t('Could not save {0}: {1}', CONFIG_FILE, (e as Error).message));
          continue;
        }
        void vscode.window.showInformationMessage(vscode.l10n.t('Saved the {0} settings to {1}.', entry.label, path.join(o.root, CONFIG_FILE)));
      }
      return settings.value;
    }
    const field = fields.find((f) => f.key === picked.key)!;
    lastKey = field.key;
    // Back in the editor returns to this list, not to the step before it.
    const edited = await input.nested(() => editSetting(field, shown[field.key], { input, step: o.step, credentials: entry.capabilities.credentials, values: shown }));
    if (edited) o.edits[field.key] = edited.value;
  }
}

/**
 * Writes `targets.<kind>` of rdeploy.json, keeping the rest of the file. An open editor of the
 * file is edited in place and saved (its undo history stays); one with unsaved changes is left
 * alone, with one sentence saying why, rather than overwritten or saved half-finished.
 */
export async function saveTargetSettings(root: string, kind: string, settings: SettingEdits): Promise<void> {
  const file = path.join(root, CONFIG_FILE);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === path.resolve(file));
  if (open?.isDirty) {
    throw new AppError('usage', vscode.l10n.t('{0} has unsaved changes in the editor: save or revert them, then save the settings again.', CONFIG_FILE));
  }
  if (open) {
    const next = withTargetSettings(open.getText(), kind, settings);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(open.uri, new vscode.Range(open.positionAt(0), open.positionAt(open.getText().length)), next);
    if (!(await vscode.workspace.applyEdit(edit)) || !(await open.save())) {
      throw new AppError('config-invalid', vscode.l10n.t('{0} could not be saved from its editor.', file));
    }
    return;
  }
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new AppError('config-invalid', vscode.l10n.t('Cannot read {0}: {1}', file, e.message), { cause: e });
  });
  const next = withTargetSettings(text, kind, settings);
  // Written beside it and renamed over it: a crash mid-write never leaves half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, next, 'utf8');
    const mode = await stat(file).then((s) => s.mode, () => undefined);
    if (mode !== undefined) await chmod(tmp, mode);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new AppError('config-invalid', vscode.l10n.t('Cannot write {0}: {1}', file, (e as Error).message), { cause: e });
  }
}
