import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildContextFiles, renderDockerfile } from '../../../src/core/docker';
import { loadProject } from '../../../src/core/project';
import { RUNTIME, dockerfileOf } from './projects';

/**
 * Layer-order property, end to end from a real project folder: the project is read by the real
 * loader, so anything code-derived that leaked into the Dockerfile or the restore inputs (file
 * lists, hashes, the handler's text) would show up here.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const RENV_LOCK = JSON.stringify({
  R: { Version: '4.2.2', Repositories: [{ Name: 'CRAN', URL: 'https://cloud.r-project.org' }] },
  Packages: { jsonlite: { Package: 'jsonlite', Version: '1.8.8', Source: 'Repository', Repository: 'CRAN' } },
}, null, 2);
const PACKRAT_LOCK = 'PackratFormat: 1.4\nPackratVersion: 0.9.2\nRVersion: 4.2.2\nRepos: CRAN=https://cloud.r-project.org\n\nPackage: rpart\nSource: CRAN\nVersion: 4.1.19\n';

function writeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rdeploy-layers-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** Everything the build depends on except the user's code: the Dockerfile and generated files. */
async function buildInputs(files: Record<string, string>): Promise<string> {
  const dir = writeProject(files);
  const project = await loadProject(dir);
  const spec = dockerfileOf(project, { name: 'model' });
  // The folder differs per run; the rest must not.
  const context = buildContextFiles(project, spec, RUNTIME).map((f) => ({ ...f, source: f.source?.replace(dir, '<root>') }));
  return JSON.stringify({ spec, dockerfile: renderDockerfile(spec), context });
}

const code = fc.record({
  body: fc.string({ maxLength: 200 }).map((s) => s.replace(/\b(library|require|requireNamespace|loadNamespace)\b|::/g, '')),
  model: fc.string({ maxLength: 50 }),
  extra: fc.boolean(),
});

const scoreR = (c: { body: string }, uses = '') => `${uses}score <- function(x) {\n  # ${c.body.replace(/\n/g, ' ')}\n  x\n}\n`;
const codeFiles = (c: { body: string; model: string; extra: boolean }, uses = '') => ({
  'score.R': scoreR(c, uses),
  'model.rds': c.model,
  ...(c.extra ? { 'R/helpers.R': `helper <- function() ${JSON.stringify(c.body)}\n`, 'data/sample.csv': 'a,b\n1,2\n' } : {}),
});

describe('changing only the user code changes nothing before the code layer', () => {
  for (const [kind, lockfiles] of [
    ['renv', { 'renv.lock': RENV_LOCK }],
    ['packrat', { 'packrat/packrat.lock': PACKRAT_LOCK }],
  ] as const) {
    it(`${kind} project`, async () => {
      const baseline = await buildInputs({ ...lockfiles, ...codeFiles({ body: '', model: 'v1', extra: false }) });
      await fc.assert(
        fc.asyncProperty(code, async (c) => (await buildInputs({ ...lockfiles, ...codeFiles(c) })) === baseline),
        { numRuns: 15 },
      );
    });
  }

  it('scripts project: code edits that use the same packages', async () => {
    const uses = 'library(ranger)\n';
    const baseline = await buildInputs(codeFiles({ body: '', model: 'v1', extra: false }, uses));
    await fc.assert(
      fc.asyncProperty(code, async (c) => (await buildInputs(codeFiles(c, uses))) === baseline),
      { numRuns: 15 },
    );
  });

  it('control: a lockfile change does change the restore inputs', async () => {
    const a = await buildInputs({ 'packrat/packrat.lock': PACKRAT_LOCK, 'score.R': scoreR({ body: '' }) });
    const b = await buildInputs({ 'packrat/packrat.lock': PACKRAT_LOCK.replace('4.1.19', '4.1.23'), 'score.R': scoreR({ body: '' }) });
    expect(a).not.toBe(b);
  });
});
