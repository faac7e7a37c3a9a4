import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors';
import { doc } from './schemaDoc';

/** `rdeploy.json` at the R project root. Optional; every field has a default. */
export const CONFIG_FILE = 'rdeploy.json';

/** `file.function`: an R file name (without .R) and an R function name. */
export const HANDLER = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\.[A-Za-z.][A-Za-z0-9._]*$/;

// `.meta()` only adds documentation for the JSON Schema in schemas/rdeploy.schema.json
// (`node scripts/gen-schema.mjs`); validation is unchanged.
/**
 * The keys every target shares. The full schema — with `target` and the per-target `targets`
 * sections, which only the target catalogue knows — is composed in src/targets/config.ts.
 */
export const CommonConfigSchema = z
  .object({
    $schema: z.string().optional().meta(doc('JSON Schema', 'The JSON Schema of this file, for editors.')),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and "-", at most 63')
      .optional()
      .meta(doc('Deployment name', 'Default name of the deployment: lower-case letters, digits and `-`, at most 63 characters. Default: derived from the project folder name.')),
    handler: z
      .string()
      .regex(HANDLER, 'like "score.score": the R file (without .R) and the function name')
      .optional()
      .meta(
        doc(
          'Handler',
          'The R function that scores a payload, as `file.function`: `score.score` is the function `score` in `score.R`; `models/churn.predict` is `predict` in `models/churn.R`. Default: `score.score`.',
        ),
      ),
    baseImage: z
      .string()
      .optional()
      .meta(doc('Base image', 'The Docker image the model image starts `FROM`. Default: `rocker/r-ver:<R version of the lockfile>`.')),
    /** Files and folders (gitignore patterns) left out of the image, besides the defaults. */
    exclude: z
      .array(z.string())
      .optional()
      .meta(doc('Exclude', 'Files and folders left out of the image, as `.dockerignore` patterns relative to the project root, besides the defaults (`.git`, `.rdeploy`, package libraries, secrets such as `.Renviron` or `.aws/` at any depth). A `!pattern` keeps a file in deliberately, and silences the warning about a file that looks like a credential.')),
  });
export type CommonConfig = z.infer<typeof CommonConfigSchema>;

/**
 * Reads `rdeploy.json` as JSON: undefined when there is none, a clear error when it cannot be
 * read or parsed. Its schema is checked by the caller (src/targets/config.ts).
 */
export async function readConfigJson(root: string): Promise<{ file: string; json: unknown } | undefined> {
  const file = path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('config-invalid', `Cannot read ${file}: ${(e as Error).message}.`, { cause: e });
  }
  try {
    return { file, json: JSON.parse(text) };
  } catch (e) {
    throw new AppError('config-invalid', `${file} is not valid JSON (${(e as Error).message}). Fix the file or delete it to use the defaults.`, { cause: e });
  }
}

/**
 * The common keys of `rdeploy.json` (name, handler, base image, exclude), checked; the keys of
 * targets are left to src/targets/config.ts, which checks the whole file.
 */
export async function readCommonConfig(root: string): Promise<CommonConfig> {
  const read = await readConfigJson(root);
  if (!read) return {};
  const parsed = CommonConfigSchema.loose().safeParse(read.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `"${issue.path.join('.')}"` : 'the top level';
    throw new AppError('config-invalid', `${read.file}: ${where} is invalid: ${issue.message}. Fix that value, or remove it to use the default.`);
  }
  return parsed.data;
}
