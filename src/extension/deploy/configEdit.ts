import { AppError } from '../../core/errors';
import { CONFIG_FILE } from '../../core/config';
import { ConfigSchema } from '../../targets/config';

/**
 * The text of `rdeploy.json` with `targets.<kind>` replaced by `settings`, everything else kept:
 * the other keys and their order, the section's key order (new keys go last), the indentation,
 * the line endings and the final newline. An unset setting (`undefined`) is removed from the
 * section, an emptied section too. `text` undefined: there is no file yet. The result is checked
 * by the rdeploy.json schema, so a file that would no longer load is never written.
 */
export function withTargetSettings(text: string | undefined, kind: string, settings: Readonly<Record<string, unknown>>): string {
  let json: unknown = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new AppError('config-invalid', `${CONFIG_FILE} is not valid JSON (${(e as Error).message}): fix it first, then save the settings again.`, { cause: e });
    }
  }
  if (!isObject(json)) throw new AppError('config-invalid', `${CONFIG_FILE} does not hold a JSON object: fix it first, then save the settings again.`);

  const targets = json.targets === undefined ? {} : json.targets;
  if (!isObject(targets)) throw new AppError('config-invalid', `"targets" in ${CONFIG_FILE} is not an object: fix it first, then save the settings again.`);
  const before = targets[kind];
  const section: Record<string, unknown> = {};
  if (isObject(before)) for (const k of Object.keys(before)) if (settings[k] !== undefined) section[k] = settings[k];
  for (const [k, v] of Object.entries(settings)) if (v !== undefined) section[k] = v;

  const hadTargets = Object.keys(targets).length > 0;
  if (Object.keys(section).length) targets[kind] = section;
  else delete targets[kind];
  if (Object.keys(targets).length || (json.targets !== undefined && !hadTargets)) json.targets = targets;
  else delete json.targets;

  const checked = ConfigSchema.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new AppError('config-invalid', `${CONFIG_FILE} would be invalid ("${issue.path.join('.')}": ${issue.message}), so it was not changed.`);
  }
  return format(json, text);
}

/** JSON in the file's own style: its indentation (2 spaces for a new file), line endings and final newline. */
function format(json: unknown, original: string | undefined): string {
  if (original !== undefined && original.trim() !== '' && !original.trim().includes('\n')) {
    // A one-line file stays one line.
    return JSON.stringify(json) + (/\r?\n$/.test(original) ? (original.endsWith('\r\n') ? '\r\n' : '\n') : '');
  }
  const indent = original === undefined ? '  ' : (/^([ \t]+)\S/m.exec(original)?.[1] ?? '  ');
  const eol = original?.includes('\r\n') ? '\r\n' : '\n';
  const finalNewline = original === undefined || original.trim() === '' || /\n$/.test(original);
  return JSON.stringify(json, null, indent).replace(/\n/g, eol) + (finalNewline ? eol : '');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
