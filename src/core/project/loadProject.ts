import type { Dirent } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { HANDLER, readCommonConfig } from '../config';
import { AppError } from '../errors';
import { credentialWarning, findCredentialFiles } from './credentials';
import { lockfileWarnings } from './lockWarnings';
import { DEFAULT_HANDLER, type Lockfile, type RProject } from './model';
import { parseDescription } from './description';
import { parsePackratLock } from './packratLock';
import { parseRenvLock } from './renvLock';
import { scanScripts } from './scanScripts';
import { listDir } from './walk';

export interface LoadProjectOptions {
  /** `file.function`; default: rdeploy.json's handler, else `score.score`. */
  handler?: string;
}

/**
 * Reads an R project: its packages from the most precise source available
 * (renv.lock > packrat/packrat.lock > DESCRIPTION > the scripts themselves) and its handler.
 */
export async function loadProject(root: string, options: LoadProjectOptions = {}): Promise<RProject> {
  const dir = path.resolve(root);
  const config = await readCommonConfig(dir);
  const handler = options.handler ?? config.handler ?? DEFAULT_HANDLER;
  if (!HANDLER.test(handler)) {
    throw new AppError('usage', `Handler ${JSON.stringify(handler)} is not like "score.score": the R file (without .R) and the function name.`);
  }
  const { file: handlerFile, fn } = splitHandler(handler);
  const entries = await listDir(dir);

  // The runtime also accepts score.r (runtime/handler.R), so a lower-case extension is no error.
  const handlerText = (await readText(path.join(dir, handlerFile))) ?? (await readText(path.join(dir, handlerFile.replace(/\.R$/, '.r'))));
  const lock = await readLockfile(dir, entries, handlerFile, handlerText !== undefined);
  const warnings = [...lock.warnings, ...lockfileWarnings(lock)];
  if (handlerText === undefined) {
    // Kept as a warning too: `rdeploy inspect` and the extension's log show it; a plan refuses
    // the project (generateDockerfile), before any image is built.
    warnings.push(`The handler file ${handlerFile} does not exist in ${dir}: create it with a function ${fn}(...) that returns the prediction, or set "handler" in rdeploy.json.`);
  } else if (!definesFunction(handlerText, fn)) {
    warnings.push(`${handlerFile} does not appear to define the function ${fn}: the handler ${handler} expects \`${fn} <- function(...)\` in that file.`);
  }
  const credentials = credentialWarning(await findCredentialFiles(dir, config.exclude));
  if (credentials) warnings.push(credentials);
  return { ...lock, warnings, root: dir, handler, ...(handlerText === undefined ? { missingHandlerFile: handlerFile } : {}) };
}

async function readLockfile(dir: string, entries: Dirent[], handlerFile: string, hasHandler: boolean): Promise<Lockfile> {
  const names = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  const renv = path.join(dir, 'renv.lock');
  // Skipping it would silently deploy without the user's pinned versions.
  if (entries.some((e) => e.name === 'renv.lock' && e.isDirectory())) {
    throw new AppError('lockfile-invalid', `${renv} is a folder, not a file: replace it with the lockfile renv::snapshot() writes.`);
  }
  const packrat = path.join(dir, 'packrat', 'packrat.lock');
  const description = path.join(dir, 'DESCRIPTION');
  if (names.has('renv.lock')) return parseRenvLock(await mustRead(renv), renv);
  const packratText = await readText(packrat);
  if (packratText !== undefined) return parsePackratLock(packratText, packrat);
  if (names.has('DESCRIPTION')) return parseDescription(await mustRead(description), description);
  const hasRproj = [...names].some((n) => n.endsWith('.Rproj'));
  if (hasRproj || hasHandler) return scanScripts(dir);
  throw new AppError(
    'project-not-found',
    `${dir} is not an R project: no renv.lock, packrat/packrat.lock, DESCRIPTION, *.Rproj or ${handlerFile} found. Open the folder that holds your model code.`,
  );
}

/** `score.score` -> score.R and score; `api/model.predict.v2` -> api/model.R and predict.v2. */
export function splitHandler(handler: string): { file: string; fn: string } {
  const dot = handler.indexOf('.');
  return { file: `${handler.slice(0, dot)}.R`, fn: handler.slice(dot + 1) };
}

/** A top-level `fn <- function(`, `fn = function(`, `fn <- \(x)` (names may be quoted). */
export function definesFunction(code: string, fn: string): boolean {
  const name = fn.replace(/[.]/g, '\\.');
  const pattern = new RegExp(`^\\s*([\`"']?)${name}\\1\\s*(<<?-|=)\\s*(function\\b|\\\\\\s*\\()`, 'm');
  return pattern.test(code);
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw new AppError('lockfile-invalid', `Cannot read ${file} (${code ?? 'error'}). Check the file's permissions.`, { cause: e });
  }
}

async function mustRead(file: string): Promise<string> {
  const text = await readText(file);
  if (text === undefined) throw new AppError('project-not-found', `${file} disappeared while it was being read. Try again.`);
  return text;
}
