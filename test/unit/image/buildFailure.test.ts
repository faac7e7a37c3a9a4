import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stripAnsi, writeLogFile } from '../../../src/core/logFile';
import { explainBuildFailure } from '../../../src/targets/image/buildFailure';

describe('explainBuildFailure: the cause of a failed restore in one phrase', () => {
  it('a download the repository cannot serve (the restore script diagnosis)', () => {
    expect(explainBuildFailure(['rdeploy-restore-failed\tjsonlite\t1.8.4\thttps://cloud.r-project.org\t404\t404\t2.0.0'])).toBe(
      'jsonlite 1.8.4 could not be downloaded from https://cloud.r-project.org (HTTP 404; this repository serves jsonlite 2.0.0 and no archived versions)',
    );
    expect(explainBuildFailure(['rdeploy-restore-failed\tfoo\t1.0\thttps://r.example.org\tNA\tNA\tNA'])).toBe('foo 1.0 could not be downloaded from https://r.example.org (the repository did not answer)');
    expect(explainBuildFailure(['rdeploy-restore-failed\tfoo\t1.0\thttps://r.example.org\t403\t403\tNA'])).toBe('foo 1.0 could not be downloaded from https://r.example.org (HTTP 403)');
  });

  it('a package that downloaded but did not compile: the compiler line, not the traceback', () => {
    const out = [
      "* installing *source* package ‘xml2’ ...",
      'Package libxml-2.0 was not found in the pkg-config search path.',
      'ERROR: configuration failed for package ‘xml2’',
      'rdeploy-restore-failed\txml2\t1.3.6\thttps://cloud.r-project.org\t200\t404\t1.3.6',
      "Error: failed to install 'xml2'",
      'Execution halted',
    ];
    expect(explainBuildFailure(out)).toBe('xml2 failed to compile (Package libxml-2.0 was not found in the pkg-config search path.)');
    expect(explainBuildFailure(['g++ -c a.cpp', 'a.cpp:1:10: fatal error: Rcpp.h: No such file or directory', 'ERROR: compilation failed for package ‘foo’'])).toBe(
      'foo failed to compile (fatal error: Rcpp.h: No such file or directory)',
    );
  });

  it("falls back to renv's summary, then to a missing package, then gives up", () => {
    expect(explainBuildFailure(['The following package(s) were not installed successfully:', '- [jsonlite]: failed to download', 'You may need to...'])).toBe(
      'jsonlite could not be installed (renv: failed to download)',
    );
    expect(explainBuildFailure(['Error in loadNamespace(x) : there is no package called ‘stringr’'])).toBe('R could not load the package stringr');
    expect(explainBuildFailure(['something else went wrong'])).toBeUndefined();
  });
});

describe('build and start logs', () => {
  it('go to <project>/.rdeploy/logs without ANSI codes, ten of a kind at most', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'rdeploy-log-'));
    try {
      let last: string | undefined;
      for (let i = 0; i < 12; i++) last = await writeLogFile(root, 'build', 'my model', '\u001b[91mError\u001b[0m\n', new Date(Date.UTC(2026, 0, 1, 0, 0, i)));
      expect(last).toBe(path.join(root, '.rdeploy', 'logs', 'build-my-model-20260101T000011Z.log'));
      expect(readFileSync(last!, 'utf8')).toBe('Error\n');
      expect(readdirSync(path.join(root, '.rdeploy', 'logs'))).toHaveLength(10);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    expect(stripAnsi('\u001b[?25l\u001b[91mx\u001b[0m')).toBe('x');
  });
});
