import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { AppError } from '../../core/errors';
import { definesFunction, loadProject, splitHandler } from '../../core/project/loadProject';
import type { RProject } from '../../core/project/model';
import { readConfig, type Config } from '../config';
import { notOk, ok, splitMessage, type CheckResult } from './types';

export interface ProjectFindings {
  checks: CheckResult[];
  project?: RProject;
  config?: Config;
}

const PROJECT = 'R project';
const HANDLER = 'Handler';

const LOCKFILE_NAMES = { renv: 'renv.lock', packrat: 'packrat/packrat.lock', description: 'DESCRIPTION', scripts: 'no lockfile' } as const;

/** The project a deploy would build: its config, its lockfile, and the handler file and function. */
export async function checkProject(root: string, handler?: string): Promise<ProjectFindings> {
  let config: Config;
  let project: RProject;
  try {
    config = (await readConfig(root)).config;
    project = await loadProject(root, { handler });
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const { detail, fix } = splitMessage(e.message);
    return { checks: [notOk('fail', 'project', PROJECT, detail, fix ?? 'Fix it, then run rdeploy doctor again.'), notOk('skip', 'handler', HANDLER, 'not checked: the project could not be read')] };
  }
  return { checks: [lockfileCheck(project), await handlerCheck(project)], project, config };
}

function lockfileCheck(p: RProject): CheckResult {
  const count = `${p.packages.length} package${p.packages.length === 1 ? '' : 's'}`;
  if (p.kind === 'scripts') {
    return notOk('warn', 'project', PROJECT, `${p.root}: no lockfile, ${count} found by reading the scripts (latest versions will be installed)`, 'Run renv::snapshot() in the project to pin its packages.');
  }
  const r = p.rVersion ? `R ${p.rVersion}` : 'R version not pinned';
  return ok('project', PROJECT, `${p.root}: ${LOCKFILE_NAMES[p.kind]} (${r}, ${count})`);
}

async function handlerCheck(p: RProject): Promise<CheckResult> {
  const { file, fn } = splitHandler(p.handler);
  const text = await readFile(path.join(p.root, file), 'utf8').catch(() => undefined);
  if (text === undefined) {
    return notOk('fail', 'handler', HANDLER, `${p.handler}: ${file} does not exist in ${p.root}`, `Create ${file} with a function ${fn}(...) that returns the prediction, or set "handler" in rdeploy.json.`);
  }
  if (!definesFunction(text, fn)) {
    return notOk('warn', 'handler', HANDLER, `${p.handler}: ${file} does not appear to define ${fn}`, `Define \`${fn} <- function(...)\` at the top level of ${file}.`);
  }
  return ok('handler', HANDLER, `${p.handler} (function ${fn} in ${file})`);
}
