import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDescription, parsePackratLock, parseRenvLock, UNPINNED_WARNING, writeRenvLock, type Lockfile } from '../../../src/core/project';

const dir = path.resolve(__dirname, '../../fixtures/lockfiles');
const read = (rel: string) => ({ text: readFileSync(path.join(dir, rel), 'utf8'), file: path.join(dir, rel) });
const renv = (rel: string) => {
  const { text, file } = read(rel);
  return parseRenvLock(text, file);
};
const packrat = (rel: string) => {
  const { text, file } = read(rel);
  return parsePackratLock(text, file);
};
const pkg = (lock: Lockfile, name: string) => lock.packages.find((p) => p.name === name);

describe('real renv.lock files', () => {
  it('renv 0.12 (Hash only): R, Bioconductor version, repositories, CRAN packages', () => {
    const lock = renv('renv-hash/renv-0.12.lock');
    expect(lock.kind).toBe('renv');
    expect(lock.rVersion).toBe('4.0.3');
    expect(lock.bioconductorVersion).toBe('3.12');
    expect(lock.repositories).toEqual([{ name: 'CRAN', url: 'https://cran.rstudio.com' }]);
    expect(lock.packages).toHaveLength(8);
    expect(pkg(lock, 'BH')).toEqual({
      name: 'BH', version: '1.75.0-0', source: 'repository', repository: 'CRAN', hash: 'e4c04affc2cac20c8fec18385cd14691',
    });
    expect(lock.packages.every((p) => p.requirements === undefined)).toBe(true);
  });

  it('renv 0.14 with Bioconductor and a Local package', () => {
    const lock = renv('renv-hash/renv-0.14-bioconductor.lock');
    expect(lock.rVersion).toBe('4.1.2');
    expect(lock.bioconductorVersion).toBe('3.13');
    expect(pkg(lock, 'limma')).toMatchObject({ version: '3.50.0', source: 'bioconductor', hash: '25679c54c2737e06835c5484682990b5' });
    expect(pkg(lock, 'limma')?.remote).toBeUndefined();
    expect(pkg(lock, 'renv')).toMatchObject({ version: '0.14.0-69', source: 'local', remote: { type: 'local', url: '~/r/pkg/renv' } });
  });

  it('renv 0.16 (Requirements): GitHub remote, r-universe repository by URL, "standard" remotes', () => {
    const lock = renv('renv-requirements/renv-0.16-github-universe.lock');
    expect(lock.repositories.map((r) => r.name)).toEqual(['RLIB', 'CRAN']);
    expect(lock.packages).toHaveLength(9);
    expect(pkg(lock, 'withr')).toMatchObject({
      source: 'github',
      remote: { type: 'github', host: 'api.github.com', username: 'r-lib', repo: 'withr', ref: 'main', sha: '3b01a2bef7b17bf2f82d94be58a2d4287827fa21' },
      requirements: [],
    });
    expect(pkg(lock, 'R6')).toMatchObject({ source: 'repository', repository: 'https://r-lib.r-universe.dev', remote: { type: 'standard', url: 'https://github.com/r-lib/r6' } });
    expect(pkg(lock, 'cli')?.remote).toMatchObject({ type: 'standard', sha: '3.6.0' });
    expect(pkg(lock, 'desc')?.requirements).toEqual(['R6', 'cli', 'rprojroot']);
    expect(pkg(lock, 'Biobase')).toMatchObject({ source: 'bioconductor', requirements: ['BiocGenerics'] });
  });

  it('renv 1.0 (Requirements): Bioconductor 3.19 repositories, GitHub package, "R" dropped from requirements', () => {
    const lock = renv('renv-requirements/renv-1.0-bioc-github.lock');
    expect(lock.rVersion).toBe('4.4.0');
    expect(lock.bioconductorVersion).toBe('3.19');
    expect(lock.repositories).toHaveLength(6);
    expect(lock.repositories[0]).toEqual({ name: 'BioCsoft', url: 'https://bioconductor.org/packages/3.19/bioc' });
    expect(pkg(lock, 'BRCmap')).toMatchObject({
      source: 'github',
      remote: { username: 'colinharrower', repo: 'BRCmap', ref: 'HEAD', sha: 'e6e117ded80a7417048d80adde3b16d767f731e2' },
      requirements: ['sf'],
    });
    expect(pkg(lock, 'BiocVersion')).toMatchObject({ source: 'bioconductor', repository: 'Bioconductor 3.19', requirements: [] });
    expect(pkg(lock, 'MASS')?.requirements).toEqual(['grDevices', 'graphics', 'methods', 'stats', 'utils']);
    expect(pkg(lock, 'corrplot')?.requirements).toBeUndefined();
  });

  it('renv 1.1 (DESCRIPTION fields, no Hash): requirements from Depends/Imports', () => {
    const lock = renv('renv-description/renv-1.1.lock');
    expect(lock.rVersion).toBe('4.5.1');
    expect(lock.bioconductorVersion).toBeUndefined();
    expect(lock.packages.map((p) => p.name)).toEqual(['DBI', 'MASS', 'R6', 'RColorBrewer', 'askpass', 'bit64']);
    expect(lock.packages.every((p) => p.hash === undefined)).toBe(true);
    expect(pkg(lock, 'bit64')).toMatchObject({ version: '4.6.0-1', repository: 'CRAN', requirements: ['bit', 'graphics', 'methods', 'stats', 'utils'] });
    expect(pkg(lock, 'askpass')?.requirements).toEqual(['sys']);
    expect(pkg(lock, 'R6')?.requirements).toEqual([]);
    expect(pkg(lock, 'DBI')?.requirements).toEqual(['methods']);
  });
});

describe('real packrat.lock files', () => {
  it('rsconnect: 78 packages, GitHub remotes, folded Requires, custom repository source', () => {
    const lock = packrat('packrat/packrat-1.4-rsconnect.lock');
    expect(lock.kind).toBe('packrat');
    expect(lock.rVersion).toBe('4.2.1');
    expect(lock.repositories).toEqual([{ name: 'CRAN', url: 'https://cran.rstudio.com' }]);
    expect(lock.packages).toHaveLength(78);
    expect(lock.packages.filter((p) => p.source === 'github').map((p) => p.name)).toEqual(['lifecycle', 'testthat']);
    expect(pkg(lock, 'testthat')).toMatchObject({
      version: '3.1.6.9000',
      remote: { type: 'github', host: 'api.github.com', username: 'r-lib', repo: 'testthat', ref: 'HEAD', sha: '9cd6e01be008376b1f7f2d8d528d725b87c0d01e' },
    });
    expect(pkg(lock, 'testthat')?.requirements).toHaveLength(18);
    expect(pkg(lock, 'shiny')?.requirements).toEqual([
      'R6', 'bslib', 'cachem', 'commonmark', 'crayon', 'ellipsis', 'fastmap', 'fontawesome', 'glue', 'htmltools',
      'httpuv', 'jsonlite', 'later', 'lifecycle', 'mime', 'promises', 'rlang', 'withr', 'sourcetools', 'xtable',
    ]);
    expect(pkg(lock, 'rlang')).toMatchObject({ source: 'repository', repository: 'CustomCRANLikeRepository' });
    expect(pkg(lock, 'plumber')?.hash).toBeUndefined();
    expect(pkg(lock, 'MASS')).toMatchObject({ source: 'repository', repository: 'CRAN', hash: '89f815a43b39a7443c3c84d0c6778f2a' });
  });

  it('packrat 0.1: unnamed folded Repos get names, a "source" package is local', () => {
    const lock = packrat('packrat/packrat-0.1-unnamed-repos.lock');
    expect(lock.rVersion).toBe('3.2.0');
    expect(lock.repositories.map((r) => r.name)).toEqual(['repo1', 'repo2', 'repo3', 'repo4', 'repo5']);
    expect(lock.repositories[1]!.url).toBe('http://bioconductor.org/packages/3.0/bioc');
    expect(lock.packages).toHaveLength(9);
    expect(pkg(lock, 'knitr')?.requirements).toEqual(['evaluate', 'digest', 'formatR', 'highr', 'markdown', 'stringr']);
    expect(pkg(lock, 'packrat')).toMatchObject({ source: 'local', remote: { type: 'local', url: '/Users/kevin/git/packrat' } });
  });

  it('packrat 0.5: Bitbucket remote', () => {
    const lock = packrat('packrat/packrat-1.4-bitbucket.lock');
    expect(pkg(lock, 'skeleton')).toMatchObject({
      source: 'bitbucket',
      remote: { type: 'bitbucket', host: 'api.bitbucket.org/2.0', username: 'kevinushey', repo: 'skeleton', ref: 'master' },
    });
  });

  it('converts to an renv.lock that renv::restore() understands', () => {
    const lock = packrat('packrat/packrat-1.4-rsconnect.lock');
    const json = JSON.parse(writeRenvLock(lock));
    expect(json.R).toEqual({ Version: '4.2.1', Repositories: [{ Name: 'CRAN', URL: 'https://cran.rstudio.com' }] });
    expect(json.Packages.MASS).toEqual({
      Package: 'MASS', Version: '7.3-58.2', Source: 'Repository', Repository: 'CRAN', Hash: '89f815a43b39a7443c3c84d0c6778f2a',
    });
    expect(json.Packages.lifecycle).toMatchObject({
      Source: 'GitHub', RemoteType: 'github', RemoteHost: 'api.github.com', RemoteUsername: 'r-lib', RemoteRepo: 'lifecycle',
      RemoteRef: 'HEAD', RemoteSha: '80a1e521f995671d062a338856110198b3cdd5e3', Requirements: ['cli', 'glue', 'rlang'],
    });
    expect(Object.keys(json.Packages)).toHaveLength(78);
    // and the result is itself a valid renv.lock
    expect(parseRenvLock(writeRenvLock(lock), '/x/renv.lock').packages).toHaveLength(78);
  });
});

describe('real DESCRIPTION file', () => {
  it('rsconnect: Imports without versions, base packages and R dropped, warning added', () => {
    const { text, file } = read('description/rsconnect.DESCRIPTION');
    const lock = parseDescription(text, file);
    expect(lock.kind).toBe('description');
    expect(lock.rVersion).toBeUndefined();
    expect(lock.packages.map((p) => p.name)).toEqual([
      'cli', 'curl', 'digest', 'jsonlite', 'lifecycle', 'openssl', 'packrat', 'renv', 'rlang', 'rstudioapi', 'yaml',
    ]);
    expect(lock.packages.every((p) => p.version === undefined && p.source === 'repository')).toBe(true);
    expect(lock.warnings).toEqual([UNPINNED_WARNING]);
  });
});
