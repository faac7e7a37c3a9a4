import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors';

/** `rdeploy.json` at the R project root. Optional; every field has a default. */
export const CONFIG_FILE = 'rdeploy.json';

/** `file.function`: an R file name (without .R) and an R function name. */
export const HANDLER = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\.[A-Za-z.][A-Za-z0-9._]*$/;

export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and "-", at most 63').optional(),
    handler: z.string().regex(HANDLER, 'like "score.score": the R file (without .R) and the function name').optional(),
    target: z.enum(['local', 'lambda', 'aci', 'batch']).optional(),
    baseImage: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    /** Files and folders (gitignore patterns) left out of the image, besides the defaults. */
    exclude: z.array(z.string()).optional(),
  })
  .strict();
export type Config = z.infer<typeof ConfigSchema>;

/** Reads `rdeploy.json`; a missing file is an empty config, a bad one a clear error. */
export async function readConfig(root: string): Promise<Config> {
  const file = path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new AppError('config-invalid', `Cannot read ${file}: ${(e as Error).message}.`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AppError('config-invalid', `${file} is not valid JSON (${(e as Error).message}). Fix the file or delete it to use the defaults.`, { cause: e });
  }
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `"${issue.path.join('.')}"` : 'the top level';
    throw new AppError('config-invalid', `${file}: ${where} is invalid: ${issue.message}.`);
  }
  return parsed.data;
}
