import { z } from 'zod';
import { CommonConfigSchema, CONFIG_FILE, readConfigJson } from '../core/config';
import { AppError } from '../core/errors';
import { portNumber } from '../core/schemas';
import { doc } from '../core/schemaDoc';
import { CATALOGUE, catalogueEntry, TARGET_KINDS, type CatalogueEntry, type TargetKind } from './catalogue';

/**
 * `rdeploy.json`: the common keys (src/core/config.ts), the default `target`, and one section per
 * target under `targets`, each validated by that target's own settings schema from the catalogue.
 * The JSON Schema shipped in schemas/rdeploy.schema.json is generated from this one.
 */
export const ConfigSchema = CommonConfigSchema.extend({
  target: z
    .enum(TARGET_KINDS)
    .optional()
    .meta(doc('Target', `Where to deploy by default: ${CATALOGUE.map((e) => `\`${e.kind}\` (${e.label})`).join(', ')}.`)),
  targets: z
    .object(Object.fromEntries(CATALOGUE.map((e) => [e.kind, e.settings.optional()])) as unknown as Record<TargetKind, z.ZodOptional<z.ZodObject>>)
    .strict()
    .optional()
    .meta(doc('Target settings', 'Settings of each target, e.g. `{"local": {"port": 8080}}`. Any of them can also be given with `--set KEY=VALUE`.')),
  port: portNumber()
    .optional()
    .meta({ ...doc('Port (deprecated)', 'Deprecated: use `targets.local.port`.'), deprecated: true }),
})
  .strict()
  .meta(doc('R Deploy configuration', 'Settings of `rdeploy.json`, at the root of an R project. Every field is optional.'));
export type Config = z.infer<typeof ConfigSchema>;

export interface LoadedConfig {
  config: Config;
  /** Remarks for the user (deprecated keys), one sentence each. */
  notes: string[];
}

/** Reads and checks `rdeploy.json`; a missing file is an empty config, a bad one a clear error with the fix. */
export async function readConfig(root: string): Promise<LoadedConfig> {
  const read = await readConfigJson(root);
  if (!read) return { config: {}, notes: [] };
  const parsed = ConfigSchema.safeParse(read.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('config-invalid', `${read.file}: ${describeIssue(issue)} ${fixFor(issue)}`);
  }
  const notes = parsed.data.port !== undefined ? [`${CONFIG_FILE}: the top-level "port" is deprecated; move it to "targets": {"local": {"port": ${parsed.data.port}}}.`] : [];
  return { config: parsed.data, notes };
}

/**
 * The settings of one target: rdeploy.json's section (and the deprecated top-level port for
 * local), then each `--set KEY=VALUE` on top, checked by the target's schema. Values are JSON
 * when they parse as JSON (numbers, booleans), text otherwise.
 */
export function resolveSettings(kind: string, config: Config, sets: readonly string[] = []): Record<string, unknown> {
  const entry: CatalogueEntry = catalogueEntry(kind);
  const base: Record<string, unknown> = { ...(config.targets?.[entry.kind as TargetKind] ?? {}) };
  if (kind === 'local' && config.port !== undefined && base.port === undefined) base.port = config.port;
  const known = Object.keys(entry.settings.shape);
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new AppError('usage', `--set ${set}: write it as KEY=VALUE, e.g. --set ${known[0] ?? 'key'}=…`);
    const key = set.slice(0, eq);
    if (!known.includes(key)) {
      throw new AppError('usage', `--set ${key}: the ${kind} target has no setting "${key}". Its settings: ${known.join(', ') || 'none'}.`);
    }
    const text = set.slice(eq + 1);
    // A text setting keeps the text as typed: --set glibcMax=2.30 is "2.30", not the number 2.3.
    base[key] = expectsText(entry.settings.shape[key]) ? text : parseValue(text);
  }
  const parsed = entry.settings.safeParse(base);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    throw new AppError('usage', `The ${kind} setting "${key}" is invalid: ${issue.message}. Fix it in ${CONFIG_FILE} ("targets": {"${kind}": …}) or with --set ${key}=…`);
  }
  return parsed.data as Record<string, unknown>;
}

/** Whether a setting's schema takes text (a string or one of some strings), under optional/default. */
function expectsText(schema: unknown): boolean {
  let def = (schema as { def?: { type?: string; innerType?: unknown } } | undefined)?.def;
  while (def && (def.type === 'optional' || def.type === 'default' || def.type === 'nullable')) {
    def = (def.innerType as { def?: typeof def } | undefined)?.def;
  }
  return def?.type === 'string' || def?.type === 'enum';
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? `"${issue.path.join('.')}"` : 'the top level';
  if (issue.code === 'unrecognized_keys') return `${where} has an unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}.`;
  return `${where} is invalid: ${issue.message}.`;
}

/** What to do about it: the JSON Schema in the editor shows every key, and the README documents them. */
function fixFor(issue: z.core.$ZodIssue): string {
  if (issue.path[0] === 'targets' && issue.path.length === 1 && issue.code === 'unrecognized_keys') return `Targets are ${TARGET_KINDS.join(', ')}.`;
  if (issue.path[0] === 'targets' && issue.path.length >= 1) {
    const kind = String(issue.path[1] ?? '');
    const entry = CATALOGUE.find((e) => e.kind === kind) as CatalogueEntry | undefined;
    if (entry) return `Settings of ${kind}: ${Object.keys(entry.settings.shape).join(', ')}.`;
  }
  if (issue.code === 'unrecognized_keys') return `Known keys: ${Object.keys(ConfigSchema.shape).filter((k) => k !== '$schema').join(', ')}.`;
  return `Fix that value, or remove it to use the default (open ${CONFIG_FILE} in VS Code: its schema lists every key).`;
}
