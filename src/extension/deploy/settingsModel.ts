import { z } from 'zod';

// The Deploy wizard's settings step, as data: which settings a target has (from its zod schema in
// the catalogue, never from the target's own files), what a typed answer means, and the settings
// a deploy gets. No `vscode` here, so the rules are unit-tested (test/unit/extension).

export type FieldKind = 'enum' | 'boolean' | 'integer' | 'number' | 'string' | 'other';

export interface SettingField {
  key: string;
  /** The schema's `title` meta, else the key. */
  title: string;
  /** The schema's plain-text `description` meta. */
  description: string;
  kind: FieldKind;
  /**
   * The values to choose from: an enum's; for text that may also be one of some names (the
   * Azure `cloud`: a cloud's name or a Resource Manager URL), those names, with typing still open.
   */
  options?: readonly string[];
  /** What applies when it is not set: the description's "Default: …" sentence. */
  defaultText?: string;
  /** The field's own schema (optional and all): what every answer is checked with. */
  schema: z.ZodType;
}

/** One setting per key of the target's settings schema, in the schema's order. */
export function settingFields(settings: z.ZodObject): SettingField[] {
  return Object.entries(settings.shape).map(([key, schema]) => {
    const field = schema as z.ZodType;
    const meta = field.meta() as { title?: unknown; description?: unknown } | undefined;
    const description = typeof meta?.description === 'string' ? meta.description : '';
    const inner = unwrap(field);
    const defaultText = defaultOf(description);
    return {
      key,
      title: typeof meta?.title === 'string' ? meta.title : key,
      description,
      ...describeType(inner),
      ...(defaultText ? { defaultText } : {}),
      schema: field,
    };
  });
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s;
}

function describeType(s: z.ZodType): { kind: FieldKind; options?: readonly string[] } {
  if (s instanceof z.ZodEnum) return { kind: 'enum', options: s.options.map(String) };
  if (s instanceof z.ZodBoolean) return { kind: 'boolean', options: ['true', 'false'] };
  if (s instanceof z.ZodNumber) return { kind: s.format?.includes('int') ? 'integer' : 'number' };
  // z.uuid(), z.email() and the other string formats are strings too, each with its own check.
  if (s instanceof z.ZodString || s instanceof z.ZodStringFormat) return { kind: 'string' };
  // A name or a text (an enum or a URL): text, with the names offered.
  if (s instanceof z.ZodUnion) {
    const members = (s.options as z.ZodType[]).map(unwrap);
    if (members.every((m) => m instanceof z.ZodEnum || m instanceof z.ZodString || m instanceof z.ZodStringFormat)) {
      const names = members.flatMap((m) => (m instanceof z.ZodEnum ? m.options.map(String) : []));
      return { kind: 'string', ...(names.length ? { options: names } : {}) };
    }
  }
  return { kind: 'other' };
}

/**
 * "Default: 1024." → "1024"; "Default (or `0`): the previous port…" → "the previous port…".
 * The descriptions are written for the JSON Schema; this sentence is what the wizard shows for
 * a setting left unset, so the default is written once, beside the field.
 */
export function defaultOf(description: string): string | undefined {
  const m = /\bDefault(?: \([^)]*\))?:\s*(.+?)(?:\.(?=\s|$)|$)/.exec(description);
  return m?.[1]?.replace(/`/g, '').trim() || undefined;
}

/**
 * The answer to one setting: a value (`undefined`: unset, the default applies), or why it is
 * refused — the schema's own message, or what kind of text the field takes (`expected`, which
 * the wizard words in the user's language).
 */
export type FieldAnswer = { ok: true; value: unknown } | { ok: false; expected?: 'value' | 'integer' | 'number' | 'boolean'; message: string };

/**
 * What typed text means for a field, checked by the field's own schema: empty text unsets it,
 * a number field takes a number, an enum one of its values; the refusal is the schema's message.
 */
export function parseFieldInput(field: SettingField, text: string): FieldAnswer {
  const trimmed = text.trim();
  if (trimmed === '') return field.schema.safeParse(undefined).success ? { ok: true, value: undefined } : { ok: false, expected: 'value', message: 'A value is required.' };
  let value: unknown = trimmed;
  if (field.kind === 'integer' || field.kind === 'number') {
    // Number('') is 0 and Number('0x10') is 16: only plain decimal text is a number here.
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) {
      return field.kind === 'integer' ? { ok: false, expected: 'integer', message: 'Type a whole number.' } : { ok: false, expected: 'number', message: 'Type a number.' };
    }
    value = Number(trimmed);
  } else if (field.kind === 'boolean') {
    if (trimmed !== 'true' && trimmed !== 'false') return { ok: false, expected: 'boolean', message: 'Type true or false.' };
    value = trimmed === 'true';
  }
  return checkValue(field, value);
}

/** A value chosen from a list (an enum's, a profile from ~/.aws/config), checked the same way. */
export function checkValue(field: SettingField, value: unknown): FieldAnswer {
  const parsed = field.schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, message: sentence(parsed.error.issues[0]?.message ?? 'Invalid value') };
}

function sentence(message: string): string {
  const m = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(m) ? m : `${m}.`;
}

/** How a value reads in the list and an input box: text as it is, anything else as JSON. */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The wizard's changes: a key set to a value, or to `undefined` to drop the configured one. */
export type SettingEdits = Readonly<Record<string, unknown>>;

/** The configured settings with the wizard's changes on top; an unset key is left out. */
export function mergeSettings(configured: Readonly<Record<string, unknown>>, edits: SettingEdits): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...configured, ...edits };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return merged;
}

/** The settings a deploy gets, checked by the whole schema (a wizard answer can never bypass it). */
export function deploySettings(
  settings: z.ZodObject,
  configured: Readonly<Record<string, unknown>>,
  edits: SettingEdits,
): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  const parsed = settings.safeParse(mergeSettings(configured, edits));
  if (parsed.success) return { ok: true, value: parsed.data as Record<string, unknown> };
  const issue = parsed.error.issues[0];
  const key = issue?.path.join('.');
  const message = sentence(issue?.message ?? 'invalid settings');
  return { ok: false, message: key ? `${key}: ${message}` : message };
}

/** Whether the edits change anything: the keys whose value differs from the configured one. */
export function changedKeys(configured: Readonly<Record<string, unknown>>, edits: SettingEdits): string[] {
  return Object.keys(edits).filter((k) => JSON.stringify(edits[k]) !== JSON.stringify(configured[k]));
}

/** One row of the settings list: the value that applies, where it comes from, and whether it changed. */
export interface SettingRow {
  field: SettingField;
  /** The value set (rdeploy.json, an argument, or this wizard); undefined when the default applies. */
  value: unknown;
  /** "eu-west-1", or "default: 1024" when unset. */
  shown: string;
  changed: boolean;
}

export function settingRows(fields: readonly SettingField[], configured: Readonly<Record<string, unknown>>, edits: SettingEdits): SettingRow[] {
  const merged = mergeSettings(configured, edits);
  const changed = new Set(changedKeys(configured, edits));
  return fields.map((field) => {
    const value = merged[field.key];
    const shown = value !== undefined ? formatValue(value) : field.defaultText ? `default: ${field.defaultText}` : 'default';
    return { field, value, shown, changed: changed.has(field.key) };
  });
}
