// readHandlerFormals with the host's real R (4.2.2 here), its TypeScript fallback, and
// payloadTemplate. The R answer is the reference the fallback parser is held to.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { payloadTemplate, readHandlerFormals } from '../../../src/core/handlerFormals';
import { findFormals } from '../../../src/core/rHeader';

const FIXTURES = path.resolve(__dirname, '../../fixtures/formals');
const HEADERS = path.join(FIXTURES, 'headers');
const NO_R = { rPath: '/nonexistent/R/bin/R' };
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-formals-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const names = (args: { name: string }[]) => args.map((a) => a.name);

describe('readHandlerFormals with R', () => {
  it('reads names and defaults of a multi-line header with comments, nested calls and strings', async () => {
    const res = await readHandlerFormals(HEADERS, 'score.score');
    expect(res.via).toBe('R');
    expect(names(res.args)).toEqual(['wt', 'hp', 'label', 'quote', 'flag', 'nothing', 'count', 'ratio', 'big', 'hex', 'mixed', 'na', 'f', 'call', '...']);
    expect(res.args[0]).toEqual({ name: 'wt' });
    expect(res.args.find((a) => a.name === 'label')).toEqual({ name: 'label', default: '"a,b (c)"' });
    expect(res.args.find((a) => a.name === 'f')).toEqual({ name: 'f', default: 'function(x, y = 2) x + y' });
    expect(res.args.at(-1)).toEqual({ name: '...' });
  });

  it.each([
    ['lam', ['x', 'threshold']],
    ['eq', ['a', 'b']],
    ['quoted', ['q']],
    ['dotted.name', ['first', 'second']],
    ['noargs', []],
    ['raw', ['pattern', 'other']],
    ['redefined', ['new', 'newer']],
    ['spaced', ['x', 'y']],
    ['multi_line_default', ['weights', 'z']],
    ['accents', ['café', '日本', 'emoji']],
  ])('score.%s has arguments %j', async (fn, expected) => {
    const res = await readHandlerFormals(HEADERS, `score.${fn}`);
    expect(res).toMatchObject({ via: 'R' });
    expect(names(res.args)).toEqual(expected);
  });

  it('carries non-ASCII names and defaults through its hand-written JSON', async () => {
    const res = await readHandlerFormals(HEADERS, 'score.accents');
    expect(JSON.parse(payloadTemplate(res.args))).toEqual({ café: 'crème', 日本: 1, emoji: '\u{1F600}' });
  });

  it('never runs the file: top-level code that writes a file and fails stays unrun', async () => {
    const marker = path.join(tmp, 'side-effects');
    rmSync(marker, { recursive: true, force: true });
    mkdirSync(marker, { recursive: true });
    const previous = process.env.RDEPLOY_FORMALS_MARKER_DIR;
    process.env.RDEPLOY_FORMALS_MARKER_DIR = marker;
    try {
      const res = await readHandlerFormals(path.join(FIXTURES, 'side-effects'), 'score.score');
      expect(res).toEqual({ via: 'R', args: [{ name: 'wt' }, { name: 'hp', default: '110' }] });
      expect(existsSync(path.join(marker, 'ran.txt'))).toBe(false);
      // The fixture does what it says when it IS sourced, so the check above can fail.
      try {
        execFileSync('Rscript', ['--vanilla', '-e', 'source("score.R")'], { cwd: path.join(FIXTURES, 'side-effects'), stdio: 'ignore' });
      } catch {
        // it stops on the missing model, after writing the marker
      }
      expect(readFileSync(path.join(marker, 'ran.txt'), 'utf8')).toContain('top-level code ran');
    } finally {
      if (previous === undefined) delete process.env.RDEPLOY_FORMALS_MARKER_DIR;
      else process.env.RDEPLOY_FORMALS_MARKER_DIR = previous;
    }
  });

  it('needs only base R: works with no site library (no jsonlite)', async () => {
    const emptyLib = mkdtempSync(path.join(tmp, 'lib-'));
    const saved = { site: process.env.R_LIBS_SITE, user: process.env.R_LIBS_USER, libs: process.env.R_LIBS };
    Object.assign(process.env, { R_LIBS_SITE: emptyLib, R_LIBS_USER: emptyLib, R_LIBS: emptyLib });
    try {
      const proof = execFileSync('Rscript', ['--vanilla', '-e', 'cat(requireNamespace("jsonlite", quietly = TRUE))'], { encoding: 'utf8' });
      expect(proof).toBe('FALSE');
      expect(await readHandlerFormals(HEADERS, 'score.lam')).toEqual({ via: 'R', args: [{ name: 'x' }, { name: 'threshold', default: '0.5' }] });
    } finally {
      for (const [k, v] of [['R_LIBS_SITE', saved.site], ['R_LIBS_USER', saved.user], ['R_LIBS', saved.libs]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('uses the Rscript beside the given rPath', async () => {
    const rPath = execFileSync('Rscript', ['-e', 'cat(file.path(R.home("bin"), "R"))'], { encoding: 'utf8' });
    expect(await readHandlerFormals(HEADERS, 'score.eq', { rPath })).toMatchObject({ via: 'R' });
  });

  it('finds a lower-case .r file, as the runtime does', async () => {
    expect(await readHandlerFormals(path.join(FIXTURES, 'lower'), 'model.predict_it')).toEqual({
      via: 'R',
      args: [{ name: 'newdata' }, { name: 'type', default: '"response"' }],
    });
  });
});

describe('readHandlerFormals falls back to the TypeScript parser', () => {
  it('when R is missing, with the same names and the same template as R', async () => {
    for (const fn of ['score', 'lam', 'eq', 'quoted', 'dotted.name', 'noargs', 'raw', 'redefined', 'spaced', 'multi_line_default', 'accents']) {
      const withR = await readHandlerFormals(HEADERS, `score.${fn}`);
      const without = await readHandlerFormals(HEADERS, `score.${fn}`, NO_R);
      expect(without.via, fn).toBe('parse');
      expect(names(without.args), fn).toEqual(names(withR.args));
      expect(payloadTemplate(without.args), fn).toBe(payloadTemplate(withR.args));
    }
  });

  it.each([
    ['mtcars-glm', 'score.score', '{\n  "wt": null,\n  "hp": null\n}'],
    ['iris-rpart', 'predict.classify', '{\n  "flowers": null\n}'],
  ])('on examples/%s (%s), R and the parser give the same template', async (example, handler, template) => {
    const root = path.resolve(__dirname, '../../../examples', example);
    const withR = await readHandlerFormals(root, handler);
    const without = await readHandlerFormals(root, handler, NO_R);
    expect([withR.via, without.via]).toEqual(['R', 'parse']);
    expect(without.args).toEqual(withR.args);
    expect(payloadTemplate(withR.args)).toBe(template);
  });

  it('when the file does not parse (the user is typing): the header above the error is read', async () => {
    const res = await readHandlerFormals(path.join(FIXTURES, 'syntax-error'), 'score.score');
    expect(res).toEqual({ via: 'parse', args: [{ name: 'x' }, { name: 'y', default: '"default"' }] });
  });

  it('with useR: false, never starts R, not even the Rscript on PATH (untrusted workspaces)', async () => {
    const bin = mkdtempSync(path.join(tmp, 'bin-'));
    const marker = path.join(bin, 'ran');
    writeFileSync(path.join(bin, 'Rscript'), `#!/bin/sh\necho ran > '${marker}'\nexit 1\n`, { mode: 0o755 });
    const previous = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${previous ?? ''}`;
    try {
      const res = await readHandlerFormals(HEADERS, 'score.lam', { useR: false });
      expect(res).toEqual({ via: 'parse', args: [{ name: 'x' }, { name: 'threshold', default: '0.5' }] });
      expect(existsSync(marker)).toBe(false);
      // The fake is what an undefined rPath runs, so the check above can fail.
      await readHandlerFormals(HEADERS, 'score.lam', { rPath: undefined });
      expect(existsSync(marker)).toBe(true);
    } finally {
      process.env.PATH = previous;
    }
  });

  it('when R does not answer in time', async () => {
    const res = await readHandlerFormals(HEADERS, 'score.lam', { timeoutMs: 1 });
    expect(res).toEqual({ via: 'parse', args: [{ name: 'x' }, { name: 'threshold', default: '0.5' }] });
  });
});

describe('readHandlerFormals errors', () => {
  it.each([
    ['score.inner_only', 'defined only inside another function'],
    ['score.in_block', 'defined only inside an if block'],
    ['score.not_a_function', 'not a function'],
    ['score.missing', 'not defined at all'],
  ])('%s (%s) is not-found, with R and without', async (handler) => {
    for (const opts of [{}, NO_R]) {
      const err = await readHandlerFormals(HEADERS, handler, opts).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'not-found', message: expect.stringContaining('at the top level') });
    }
  });

  it('a missing handler file is not-found; a malformed handler is a usage error', async () => {
    await expect(readHandlerFormals(HEADERS, 'nofile.score')).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('nofile.R') });
    await expect(readHandlerFormals(HEADERS, '../score.score')).rejects.toMatchObject({ code: 'usage' });
  });

  it('is cancelled by the signal, before and while R runs', async () => {
    await expect(readHandlerFormals(HEADERS, 'score.score', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(readHandlerFormals(HEADERS, 'score.score', { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('findFormals (the fallback parser) on its own', () => {
  const code = readFileSync(path.join(HEADERS, 'score.R'), 'utf8');

  it('reads backticked names, folds multi-line defaults and drops comments', () => {
    expect(findFormals(code, 'back ticked')).toEqual([{ name: 'odd name', default: '1' }, { name: 'normal' }]);
    expect(findFormals(code, 'multi_line_default')).toEqual([{ name: 'weights', default: 'c(1, 2)' }, { name: 'z' }]);
    expect(findFormals(code, 'score')?.[1]).toEqual({ name: 'hp', default: 'c(110, 175)' });
  });

  it('ignores look-alikes: in strings, comments, nested functions and after a non-assignment', () => {
    const tricky = [
      'x <- "score <- function(wrong) 1"',
      '# score <- function(commented) 1',
      'f <- function() { score <- function(inner) 1 }',
      'print(score <- 1)',
      'score == function(compare) 1',
      'score <- function(right, n = 2) NULL',
    ].join('\n');
    expect(findFormals(tricky, 'score')).toEqual([{ name: 'right' }, { name: 'n', default: '2' }]);
  });

  it('accepts a line break after the arrow and before the parenthesis, `<<-` and a semicolon', () => {
    expect(findFormals('a <- 1; score <<-\n  function\n(x) x', 'score')).toEqual([{ name: 'x' }]);
  });

  it('gives up on an unterminated header rather than guessing', () => {
    expect(findFormals('score <- function(x, y = c(1,', 'score')).toBeUndefined();
  });
});

describe('payloadTemplate', () => {
  it('one key per argument except ..., simple literal defaults as JSON, null otherwise', async () => {
    const { args } = await readHandlerFormals(HEADERS, 'score.score');
    expect(JSON.parse(payloadTemplate(args))).toEqual({
      wt: null,
      hp: [110, 175],
      label: 'a,b (c)',
      quote: "it's",
      flag: true,
      nothing: null,
      count: 3,
      ratio: -0.5,
      big: 1e6,
      hex: 16,
      mixed: null, // R would coerce to character: not guessed
      na: null,
      f: null,
      call: null,
    });
  });

  it('is pretty: one argument per line, short arrays inline; {} without arguments', () => {
    expect(payloadTemplate([{ name: 'wt' }, { name: 'hp', default: 'c(110, 175)' }, { name: '...' }])).toBe('{\n  "wt": null,\n  "hp": [110, 175]\n}');
    expect(payloadTemplate([])).toBe('{}');
    expect(payloadTemplate([{ name: '...' }])).toBe('{}');
  });

  it.each([
    ['1L', 1],
    ['-2.5e-1', -0.25],
    ['.5', 0.5],
    ['0x1F', 31],
    ["'single'", 'single'],
    ['"esc\\"aped\\n"', 'esc"aped\n'],
    ['"\\u00e9"', 'é'],
    ['r"[raw, \\text]"', 'raw, \\text'],
    ['FALSE', false],
    ['T', true],
    ['NULL', null],
    ['c()', null],
    ['c(1, NULL, 2)', [1, 2]],
    ['c(c(1, 2), 3)', [1, 2, 3]],
    ['c("a", "b")', ['a', 'b']],
    ['c(-1, +2)', [-1, 2]],
    ['NA', null],
    ['Inf', null],
    ['1i', null],
    ['c(a = 1)', null],
    ['c(TRUE, 1)', null],
    ['1 + 1', null],
    ['x', null],
    ['list(1)', null],
  ])('default %s gives %j', (text, value) => {
    expect(JSON.parse(payloadTemplate([{ name: 'v', default: text }]))).toEqual({ v: value });
  });
});
