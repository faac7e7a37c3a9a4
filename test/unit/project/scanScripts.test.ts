import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { extractRChunks, findPackageUses, scanScripts, UNPINNED_WARNING } from '../../../src/core/project';

describe('findPackageUses', () => {
  it.each([
    ['library(dplyr)', ['dplyr']],
    ['library("ggplot2")', ['ggplot2']],
    ["require('data.table')", ['data.table']],
    ['requireNamespace("ranger", quietly = TRUE)', ['ranger']],
    ['x <- jsonlite::toJSON(y)', ['jsonlite']],
    ['stats:::predict.glm(m)', ['stats']],
    ['suppressPackageStartupMessages(library(caret))', ['caret']],
    ['library(package = xgboost)', ['xgboost']],
    ['library(`randomForest`)', ['randomForest']],
    ['base::library(glmnet)', ['base', 'glmnet']],
    ['loadNamespace("e1071")', ['e1071']],
  ])('%s', (code, expected) => {
    expect(findPackageUses(code)).toEqual(expected);
  });

  it('ignores comments, strings and look-alikes', () => {
    const code = [
      '# library(commented)',
      'msg <- "library(inString) and pkg::inString"',
      "other <- 'requireNamespace(\"single\")'",
      'raw <- r"(library(rawString))"',
      'obj$library(notAPackage)',
      'pkgs <- c("a", "b"); for (p in pkgs) library(p, character.only = TRUE)',
      'requireNamespace(pkgVariable)',
      'x <- 1.5e3; y <- .5',
      'library(real) # library(afterCode)',
    ].join('\n');
    expect(findPackageUses(code)).toEqual(['real']);
  });

  it('keeps first-use order without duplicates', () => {
    expect(findPackageUses('library(b)\nlibrary(a)\nb::f()\nrequire(a)')).toEqual(['b', 'a']);
  });
});

describe('extractRChunks', () => {
  it('keeps only R chunks of R Markdown / Quarto', () => {
    const doc = [
      '---', 'title: "x"', '---',
      'Text mentioning library(prose).',
      '```{r setup, include=FALSE}', 'library(knitr)', '```',
      '```{python}', 'import pandas', '```',
      '```{r}', 'tidyr::pivot_longer(d)', '```',
      '```', 'library(plainFence)', '```',
    ].join('\n');
    expect(findPackageUses(extractRChunks(doc))).toEqual(['knitr', 'tidyr']);
  });
});

describe('scanScripts', () => {
  let root: string;
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('collects packages from .R/.r/.Rmd/.qmd files, skipping renv, packrat, node_modules and hidden folders', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rdeploy-scan-'));
    const put = async (rel: string, text: string) => {
      await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await writeFile(path.join(root, rel), text);
    };
    await put('score.R', 'library(ranger)\nmodel <- readRDS("model.rds")\nscore <- function(x) stats::predict(model, x)\n');
    await put('R/helpers.r', 'requireNamespace("jsonlite")\nutils::head(1)\nlibrary(methods)\n');
    await put('report.Rmd', '```{r}\nlibrary(ggplot2)\n```\n');
    await put('notes.qmd', '```{r}\ndplyr::filter(d)\n```\n');
    await put('renv/activate.R', 'library(renvInternal)\n');
    await put('packrat/init.R', 'library(packratInternal)\n');
    await put('node_modules/x/y.R', 'library(nodeDecoy)\n');
    await put('.Rproj.user/cache.R', 'library(hiddenDecoy)\n');
    await put('data.csv', 'library(notCode)\n');
    const lock = await scanScripts(root);
    expect(lock.kind).toBe('scripts');
    expect(lock.path).toBe(root);
    expect(lock.packages.map((p) => p.name)).toEqual(['dplyr', 'ggplot2', 'jsonlite', 'ranger']);
    expect(lock.packages.every((p) => p.source === 'repository' && p.version === undefined)).toBe(true);
    expect(lock.warnings).toEqual([UNPINNED_WARNING]);
  });

  it('warns that versions are not pinned and says how to fix it', () => {
    expect(UNPINNED_WARNING).toMatch(/not pinned/);
    expect(UNPINNED_WARNING).toMatch(/not reproducible/);
    expect(UNPINNED_WARNING).toMatch(/renv::init\(\)/);
    expect(UNPINNED_WARNING).toMatch(/renv::snapshot\(\)/);
    expect(UNPINNED_WARNING).toMatch(/renv\.lock/);
  });
});
