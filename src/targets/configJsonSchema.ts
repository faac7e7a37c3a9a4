import { z } from 'zod';
import { ConfigSchema } from './config';

/**
 * The JSON Schema of `rdeploy.json`, generated from the zod `ConfigSchema` so the two cannot
 * disagree. Draft-07: understood by VS Code's JSON language service and most other tools.
 * Written to schemas/rdeploy.schema.json by `node scripts/gen-schema.mjs`; a unit test fails
 * when the committed file is stale.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ConfigSchema, { target: 'draft-07', io: 'input' }) as Record<string, unknown>;
  const { $schema, title, description, markdownDescription, ...rest } = generated;
  return { $schema, title, description, markdownDescription, ...rest };
}

/** The file's text: two-space JSON and a final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
