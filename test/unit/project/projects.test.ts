import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { definesFunction, findProjects, loadProject, UNPINNED_WARNING } from '../../../src/core/project';

const fixtures = path.resolve(__dirname, '../../fixtures/lockfiles');
const fixture = (rel: string) => readFileSync(path.join(fixtures, rel), 'utf8');
const SCORE = 'model <- readRDS("model.rds")\nscore <- function(x) predict(model, x)\n';

let root: string;
const put = async (rel: string, text = '') => {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
};
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'rdeploy-proj-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('findProjects', () => {
  it('finds every kind of root, nested ones too, and none of the decoys', async () => {
    await put('renv-app/renv.lock', '{}');
    await put('renv-app/renv/library/R-4.3/x86_64-pc-linux-gnu/dplyr/DESCRIPTION', 'Package: dplyr');
    await put('renv-app/renv/staging/1/cli/DESCRIPTION', 'Package: cli');
    await put('renv-app/renv/other/DESCRIPTION', 'Package: insideRootRenv');
    await put('packrat-app/packrat/packrat.lock', 'RVersion: 4.3.1');
    await put('packrat-app/packrat/lib-R/x/DESCRIPTION', 'Package: x');
    await put('packrat-app/packrat/src/y/DESCRIPTION', 'Package: y');
    await put('pkg/DESCRIPTION', 'Package: pkg');
    await put('rstudio/analysis.Rproj', 'Version: 1.0');
    await put('plain/score.R', SCORE);
    await put('examples/one/score.R', SCORE);
    await put('examples/two/renv.lock', '{}');
    await put('pkg/inst/examples/demo/score.R', SCORE);
    await put('web/node_modules/some/DESCRIPTION', 'Package: decoy');
    await put('.git/DESCRIPTION', 'decoy');
    await put('.rdeploy/deployments/x/renv.lock', '{}');
    await put('.hidden/score.R', SCORE);
    await put('docs/readme.md', '# not a project');
    await put('loose/renv/library/z/DESCRIPTION', 'Package: z');
    const found = await findProjects(root);
    expect(found.map((p) => path.relative(root, p))).toEqual([
      'examples/one', 'examples/two', 'packrat-app', 'pkg', 'pkg/inst/examples/demo', 'plain', 'renv-app', 'rstudio',
    ]);
    expect(found.every((p) => path.isAbsolute(p))).toBe(true);
  });

  it('includes the folder itself and honours maxDepth', async () => {
    await put('renv.lock', '{}');
    await put('a/b/c/score.R', SCORE);
    expect(await findProjects(root, { maxDepth: 2 })).toEqual([root]);
    expect(await findProjects(root, { maxDepth: 3 })).toEqual([root, path.join(root, 'a/b/c')]);
  });

  it('stops when cancelled', async () => {
    await put('a/score.R', SCORE);
    const controller = new AbortController();
    controller.abort();
    await expect(findProjects(root, { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('reports a folder that does not exist', async () => {
    await expect(findProjects(path.join(root, 'missing'))).rejects.toMatchObject({ code: 'project-not-found' });
  });
});

describe('loadProject', () => {
  it('prefers renv.lock over packrat.lock over DESCRIPTION over scripts', async () => {
    await put('score.R', `library(ranger)\n${SCORE}`);
    expect((await loadProject(root)).kind).toBe('scripts');
    await put('DESCRIPTION', fixture('description/rsconnect.DESCRIPTION'));
    expect((await loadProject(root)).kind).toBe('description');
    await put('packrat/packrat.lock', fixture('packrat/packrat-1.4-bitbucket.lock'));
    expect((await loadProject(root)).kind).toBe('packrat');
    await put('renv.lock', fixture('renv-requirements/renv-1.0-bioc-github.lock'));
    const project = await loadProject(root);
    expect(project).toMatchObject({ kind: 'renv', root, path: path.join(root, 'renv.lock'), rVersion: '4.4.0', handler: 'score.score' });
    expect(project.warnings).toEqual([]);
  });

  it('takes the handler from the argument, then rdeploy.json, then the default', async () => {
    await put('renv.lock', fixture('renv-hash/renv-0.12.lock'));
    await put('api/model.R', 'predict_one <- function(x) x\n');
    await put('rdeploy.json', JSON.stringify({ handler: 'api/model.predict_one' }));
    expect((await loadProject(root)).handler).toBe('api/model.predict_one');
    expect((await loadProject(root)).warnings).toEqual([]);
    const explicit = await loadProject(root, { handler: 'score.score' });
    expect(explicit.handler).toBe('score.score');
    expect(explicit.warnings).toEqual([
      `The handler file score.R does not exist in ${root}: create it with a function score(...) that returns the prediction, or set "handler" in rdeploy.json.`,
    ]);
  });

  it('warns when the handler file does not define the function', async () => {
    await put('score.R', 'model <- readRDS("model.rds")\npredict_it <- function(x) x\n');
    const project = await loadProject(root);
    expect(project.kind).toBe('scripts');
    expect(project.warnings).toEqual([
      UNPINNED_WARNING,
      'score.R does not appear to define the function score: the handler score.score expects `score <- function(...)` in that file.',
    ]);
  });

  it('rejects a malformed handler argument', async () => {
    await put('score.R', SCORE);
    await expect(loadProject(root, { handler: 'score; rm -rf /' })).rejects.toMatchObject({ code: 'usage' });
  });

  it('says clearly when the folder is not an R project', async () => {
    await put('notes.txt', 'hello');
    const error = await loadProject(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('project-not-found');
    expect((error as AppError).message).toBe(
      `${root} is not an R project: no renv.lock, packrat/packrat.lock, DESCRIPTION, *.Rproj or score.R found. Open the folder that holds your model code.`,
    );
  });

  it('passes a lockfile error through unchanged', async () => {
    await put('renv.lock', '{"R": {"Version": "4.3"}, "Packages": []}');
    await expect(loadProject(root)).rejects.toMatchObject({
      code: 'lockfile-invalid',
      message: expect.stringContaining(`${path.join(root, 'renv.lock')}: Packages: must be an object`),
    });
  });

  it('loads an .Rproj-only project from its scripts', async () => {
    await put('analysis.Rproj', 'Version: 1.0');
    await put('train.R', 'library(xgboost)\n');
    const project = await loadProject(root);
    expect(project.packages.map((p) => p.name)).toEqual(['xgboost']);
  });
});

describe('definesFunction', () => {
  it.each([
    ['score <- function(x) x', true],
    ['score = function(x) x', true],
    ['score <<- function(x) x', true],
    ['`score` <- function(x) x', true],
    ['"score" <- function(x) x', true],
    ['score <- \\(x) x', true],
    ['  score <- function(x) x', true],
    ['# score <- function(x) x', false],
    ['my_score <- function(x) x', false],
    ['score <- readRDS("m.rds")', false],
  ])('%s -> %s', (code, expected) => {
    expect(definesFunction(code, 'score')).toBe(expected);
  });
});
