import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkProject } from '../../../src/targets/doctor/projectCheck';

const RENV = JSON.stringify({ R: { Version: '4.3.1', Repositories: [{ Name: 'CRAN', URL: 'https://cloud.r-project.org' }] }, Packages: { jsonlite: { Package: 'jsonlite', Version: '1.8.8', Source: 'Repository', Repository: 'CRAN' } } });
const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-doctor-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('doctor: the project', () => {
  it('renv.lock and a handler that defines its function: both ok', async () => {
    const dir = project({ 'renv.lock': RENV, 'score.R': 'score <- function(x) x\n' });
    const found = await checkProject(dir);
    expect(found.checks).toEqual([
      { id: 'project', title: 'R project', status: 'ok', detail: `${dir}: renv.lock (R 4.3.1, 1 package)` },
      { id: 'handler', title: 'Handler', status: 'ok', detail: 'score.score (function score in score.R)' },
    ]);
    expect(found.project?.rVersion).toBe('4.3.1');
  });

  it('no handler file: a failure that says what to create', async () => {
    const found = await checkProject(project({ 'renv.lock': RENV }));
    expect(found.checks[1]).toMatchObject({ status: 'fail', detail: expect.stringContaining('score.R does not exist'), fix: expect.stringMatching(/^Create score\.R with a function score/) });
  });

  it('a handler file without the function: a warning', async () => {
    const found = await checkProject(project({ 'renv.lock': RENV, 'score.R': 'predict_it <- function(x) x\n' }), 'score.score');
    expect(found.checks[1]).toMatchObject({ status: 'warn', detail: 'score.score: score.R does not appear to define score' });
  });

  it('scripts only: a warning to pin the packages', async () => {
    const found = await checkProject(project({ 'score.R': 'library(jsonlite)\nscore <- function(x) x\n' }));
    expect(found.checks[0]).toMatchObject({ status: 'warn', detail: expect.stringContaining('no lockfile, 1 package found by reading the scripts'), fix: 'Run renv::snapshot() in the project to pin its packages.' });
  });

  it('a broken rdeploy.json or a folder that is no R project: a failure with the config or project sentence', async () => {
    const bad = await checkProject(project({ 'renv.lock': RENV, 'score.R': 'score <- function(x) x\n', 'rdeploy.json': '{"target": "mars"}' }));
    expect(bad.checks[0]).toMatchObject({ id: 'project', status: 'fail', detail: expect.stringContaining('rdeploy.json') });
    expect(bad.checks[1]).toMatchObject({ id: 'handler', status: 'skip' });

    const none = await checkProject(project({ 'notes.txt': 'hello' }));
    expect(none.checks[0]).toMatchObject({ status: 'fail', detail: expect.stringContaining('is not an R project'), fix: 'Open the folder that holds your model code.' });
  });
});
