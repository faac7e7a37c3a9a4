import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors';

/** `rdeploy.json` at the R project root. Optional; every field has a default. */
export const CONFIG_FILE = 'rdeploy.json';

/** `file.function`: an R file name (without .R) and an R function name. */
export const HANDLER = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\.[A-Za-z.][A-Za-z0-9._]*$/;

// `.meta()` only adds documentation (title, description, VS Code's markdownDescription) for the
// JSON Schema in schemas/rdeploy.schema.json (`node scripts/gen-schema.mjs`); validation is unchanged.
const doc = (title: string, markdownDescription: string) => ({
  title,
  description: markdownDescription.replace(/`/g, ''),
  markdownDescription,
});

export const ConfigSchema = z
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
    target: z
      .enum(['local', 'lambda', 'aci', 'batch'])
      .optional()
      .meta(doc('Target', 'Where to deploy: `local` (Docker on this machine), `lambda` (AWS Lambda), `aci` (Azure Container Instances) or `batch` (Azure Batch).')),
    baseImage: z
      .string()
      .optional()
      .meta(doc('Base image', 'The Docker image the model image starts `FROM`. Default: `rocker/r-ver:<R version of the lockfile>`.')),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .optional()
      .meta(doc('Port', 'Port on 127.0.0.1 of a `local` deployment. Default (or `0`): the previous deployment\'s port when it is free, else a free one.')),
    /** Files and folders (gitignore patterns) left out of the image, besides the defaults. */
    exclude: z
      .array(z.string())
      .optional()
      .meta(doc('Exclude', 'Files and folders left out of the image, as `.dockerignore` patterns relative to the project root, besides the defaults (`.git`, `.rdeploy`, package libraries, secrets such as `.Renviron`).')),
  })
  .strict()
  .meta(doc('R Deploy configuration', 'Settings of `rdeploy.json`, at the root of an R project. Every field is optional.'));
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
