import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors';
import { parseDescription, parsePackratLock, parseRenvLock } from '../../../src/core/project';

const RENV = '/p/renv.lock';
const PACKRAT = '/p/packrat/packrat.lock';
const DESC = '/p/DESCRIPTION';
const RENV_HINT = 'Fix the entry, or run renv::snapshot() in the project to rewrite renv.lock.';
const PACKRAT_HINT = 'Fix the entry, or run packrat::snapshot() in the project to rewrite packrat.lock.';
const DESC_HINT = 'Fix the DESCRIPTION file.';

/** A valid renv.lock with one package, edited per case (loosely typed on purpose: cases break it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
function renvLock(edit: (lock: Loose) => void = () => {}): string {
  const lock: Loose = {
    R: { Version: '4.3.1', Repositories: [{ Name: 'CRAN', URL: 'https://cloud.r-project.org' }] },
    Packages: { ggplot2: { Package: 'ggplot2', Version: '3.4.4', Source: 'Repository', Repository: 'CRAN' } },
  };
  edit(lock);
  return JSON.stringify(lock, null, 2);
}

const PACKRAT_HEADER = 'PackratFormat: 1.4\nPackratVersion: 0.9.2\nRVersion: 4.3.1\nRepos: CRAN=https://cran.rstudio.com/\n';

type Case = [name: string, parse: (text: string, path: string) => unknown, path: string, text: string, message: string];

const cases: Case[] = [
  // renv.lock
  ['invalid JSON', parseRenvLock, RENV, '{\n  "R": {\n    "Version": "4.3.1",\n  }\n}', ''],
  ['JSON cut short', parseRenvLock, RENV, '{\n  "R": {', ''],
  ['top level not an object', parseRenvLock, RENV, '[1, 2]', `${RENV}: must be a JSON object, not a list. ${RENV_HINT}`],
  ['missing R section', parseRenvLock, RENV, renvLock((l) => delete l.R), `${RENV}: R: is missing (renv.lock needs an "R" section with the R version). ${RENV_HINT}`],
  ['missing R version', parseRenvLock, RENV, renvLock((l) => delete l.R.Version), `${RENV}: R.Version: is missing. ${RENV_HINT}`],
  ['R version with shell', parseRenvLock, RENV, renvLock((l) => (l.R.Version = '4.3; rm -rf /')), `${RENV}: R.Version: "4.3; rm -rf /" is not an R version like 4.3.1. ${RENV_HINT}`],
  ['repository URL not http', parseRenvLock, RENV, renvLock((l) => (l.R.Repositories[0].URL = 'ftp://cran.example.org')), `${RENV}: R.Repositories.0.URL: "ftp://cran.example.org" is not an http(s) URL. ${RENV_HINT}`],
  ['repository URL with a quote', parseRenvLock, RENV, renvLock((l) => (l.R.Repositories[0].URL = 'https://x.org/"; curl evil')), `${RENV}: R.Repositories.0.URL: "https://x.org/\\"; curl evil" is not a usable repository URL (it contains spaces, quotes or shell characters). ${RENV_HINT}`],
  ['repository URL with credentials', parseRenvLock, RENV, renvLock((l) => (l.R.Repositories[0].URL = 'https://me:secret@rspm.example.com/cran')), `${RENV}: R.Repositories.0.URL: the repository URL must not contain a user name or password; configure credentials outside the lockfile. ${RENV_HINT}`],
  ['Repositories not a list', parseRenvLock, RENV, renvLock((l) => (l.R.Repositories = 'CRAN')), `${RENV}: R.Repositories: must be a list of {"Name", "URL"} objects, not string "CRAN". ${RENV_HINT}`],
  ['Packages not an object', parseRenvLock, RENV, renvLock((l) => (l.Packages = ['ggplot2'])), `${RENV}: Packages: must be an object mapping package names to records, not a list. ${RENV_HINT}`],
  ['record key differs from Package', parseRenvLock, RENV, renvLock((l) => (l.Packages.ggplot2.Package = 'ggplot')), `${RENV}: Packages.ggplot2.Package: "ggplot" does not match its key "ggplot2". ${RENV_HINT}`],
  ['missing Version', parseRenvLock, RENV, renvLock((l) => delete l.Packages.ggplot2.Version), `${RENV}: Packages.ggplot2.Version: is missing. ${RENV_HINT}`],
  ['Version is a number', parseRenvLock, RENV, renvLock((l) => (l.Packages.ggplot2.Version = 3.4)), `${RENV}: Packages.ggplot2.Version: must be a string, not number 3.4. ${RENV_HINT}`],
  ['version not like 1.2.3', parseRenvLock, RENV, renvLock((l) => (l.Packages.ggplot2.Version = 'latest')), `${RENV}: Packages.ggplot2.Version: "latest" is not a package version like 1.2.3 or 1.2-3. ${RENV_HINT}`],
  ['package name with newline', parseRenvLock, RENV, renvLock((l) => (l.Packages = { 'gg\nplot': { Package: 'gg\nplot', Version: '1.0', Source: 'Repository' } })), `${RENV}: Packages.gg\nplot.Package: "gg\\nplot" is not a valid R package name (letters, digits and dots, starting with a letter, not ending with a dot, at least 2 characters). ${RENV_HINT}`],
  ['package name with semicolon', parseRenvLock, RENV, renvLock((l) => (l.Packages = { 'a;b': { Package: 'a;b', Version: '1.0', Source: 'Repository' } })), `${RENV}: Packages.a;b.Package: "a;b" is not a valid R package name (letters, digits and dots, starting with a letter, not ending with a dot, at least 2 characters). ${RENV_HINT}`],
  ['unknown Source', parseRenvLock, RENV, renvLock((l) => (l.Packages.ggplot2.Source = 'Conda')), `${RENV}: Packages.ggplot2.Source: "Conda" is not a known source (Repository, CRAN, Bioconductor, GitHub, GitLab, Bitbucket, git, URL, Local or unknown). ${RENV_HINT}`],
  ['missing Source', parseRenvLock, RENV, renvLock((l) => delete l.Packages.ggplot2.Source), `${RENV}: Packages.ggplot2.Source: is missing. ${RENV_HINT}`],
  ['git ref with shell', parseRenvLock, RENV, renvLock((l) => Object.assign(l.Packages.ggplot2, { Source: 'GitHub', RemoteType: 'github', RemoteRef: 'main && curl x' })), `${RENV}: Packages.ggplot2.RemoteRef: "main && curl x" contains characters that are not allowed here (letters, digits, ".", "_", "-", "/", "+" only). ${RENV_HINT}`],
  ['sha that looks like an option', parseRenvLock, RENV, renvLock((l) => Object.assign(l.Packages.ggplot2, { Source: 'GitHub', RemoteSha: '--upload-pack=evil' })), `${RENV}: Packages.ggplot2.RemoteSha: "--upload-pack=evil" contains characters that are not allowed here (letters, digits, ".", "_", "-", "/", "+" only). ${RENV_HINT}`],
  ['requirement that is not a name', parseRenvLock, RENV, renvLock((l) => (l.Packages.ggplot2.Requirements = ['rlang', 'x y'])), `${RENV}: Packages.ggplot2.Requirements.1: "x y" is not a valid R package name (letters, digits and dots, starting with a letter, not ending with a dot, at least 2 characters). ${RENV_HINT}`],
  ['renv 1.1 Imports with a bad name', parseRenvLock, RENV, renvLock((l) => (l.Packages.ggplot2.Imports = ['cli', 'rlang;'])), `${RENV}: Packages.ggplot2.Imports: dependency "rlang;" is not a valid R package name (letters, digits and dots, starting with a letter, not ending with a dot, at least 2 characters). ${RENV_HINT}`],
  ['Bioconductor version malformed', parseRenvLock, RENV, renvLock((l) => (l.Bioconductor = { Version: 'devel' })), `${RENV}: Bioconductor.Version: "devel" is not a Bioconductor version like 3.18. ${RENV_HINT}`],
  // packrat.lock
  ['DCF line without a colon', parsePackratLock, PACKRAT, `${PACKRAT_HEADER}\nPackage digest\nSource: CRAN\n`, `${PACKRAT}: line 6: "Package digest" has no colon; every line must be "Field: value" or continue the previous field with leading spaces. ${PACKRAT_HINT}`],
  ['continuation before any field', parsePackratLock, PACKRAT, '  PackratFormat: 1.4\n', `${PACKRAT}: line 1: a continuation line (starting with a space) comes before any field. ${PACKRAT_HINT}`],
  ['duplicate field in one block', parsePackratLock, PACKRAT, `${PACKRAT_HEADER}\nPackage: digest\nSource: CRAN\nVersion: 0.6.4\nVersion: 0.6.5\n`, `${PACKRAT}: line 9: field "Version" appears twice in one record (first on line 8). ${PACKRAT_HINT}`],
  ['duplicate package', parsePackratLock, PACKRAT, `${PACKRAT_HEADER}\nPackage: digest\nSource: CRAN\nVersion: 0.6.4\n\nPackage: digest\nSource: CRAN\nVersion: 0.6.5\n`, `${PACKRAT}: line 10: package digest is listed twice (first on line 6). ${PACKRAT_HINT}`],
  ['block without Package', parsePackratLock, PACKRAT, `${PACKRAT_HEADER}\nSource: CRAN\nVersion: 0.6.4\n`, `${PACKRAT}: line 6: this record has no Package field. ${PACKRAT_HINT}`],
  ['block without Version', parsePackratLock, PACKRAT, `${PACKRAT_HEADER}\nPackage: digest\nSource: CRAN\n`, `${PACKRAT}: line 6: package digest has no Version field. ${PACKRAT_HINT}`],
  ['RVersion malformed', parsePackratLock, PACKRAT, 'PackratFormat: 1.4\nRVersion: 4.3; rm -rf /\n', `${PACKRAT}: line 2: RVersion "4.3; rm -rf /" is not an R version like 4.3.1. ${PACKRAT_HINT}`],
  ['RVersion missing', parsePackratLock, PACKRAT, 'PackratFormat: 1.4\nPackratVersion: 0.9.2\n', `${PACKRAT}: line 1: RVersion is missing from the header. ${PACKRAT_HINT}`],
  ['header missing', parsePackratLock, PACKRAT, 'Package: digest\nSource: CRAN\nVersion: 0.6.4\n', `${PACKRAT}: line 1: the header record (PackratFormat, PackratVersion, RVersion, Repos) is missing. ${PACKRAT_HINT}`],
  ['Repos URL with whitespace', parsePackratLock, PACKRAT, 'RVersion: 4.3.1\nRepos: CRAN=https://cran.r-project.org/ && curl evil\n', `${PACKRAT}: line 2: Repos: "https://cran.r-project.org/ && curl evil" is not a usable repository URL (it contains spaces, quotes or shell characters). ${PACKRAT_HINT}`],
  ['GithubSha1 with a quote', parsePackratLock, PACKRAT, `${PACKRAT_HEADER}\nPackage: falsy\nSource: github\nVersion: 1.0.1\nGithubSha1: abc'def\n`, `${PACKRAT}: line 9: GithubSha1 "abc'def" contains characters that are not allowed here (letters, digits, ".", "_", "-", "/", "+" only). ${PACKRAT_HINT}`],
  ['Requires with a bad name', parsePackratLock, PACKRAT, `${PACKRAT_HEADER}\nPackage: knitr\nSource: CRAN\nVersion: 1.5\nRequires: evaluate,\n    digest;\n`, `${PACKRAT}: line 9: Requires: dependency "digest;" is not a valid R package name (letters, digits and dots, starting with a letter, not ending with a dot, at least 2 characters). ${PACKRAT_HINT}`],
  ['package name ending with a dot', parsePackratLock, PACKRAT, `${PACKRAT_HEADER}\nPackage: data.\nSource: CRAN\nVersion: 1.0\n`, `${PACKRAT}: line 6: Package "data." is not a valid R package name (letters, digits and dots, starting with a letter, not ending with a dot, at least 2 characters). ${PACKRAT_HINT}`],
  // DESCRIPTION
  ['DESCRIPTION empty', parseDescription, DESC, '\n\n', `${DESC}: the file is empty. ${DESC_HINT}`],
  ['DESCRIPTION line without colon', parseDescription, DESC, 'Package: mymodel\nImports cli\n', `${DESC}: line 2: "Imports cli" has no colon; every line must be "Field: value" or continue the previous field with leading spaces. ${DESC_HINT}`],
  ['DESCRIPTION bad dependency', parseDescription, DESC, 'Package: mymodel\nImports:\n    cli,\n    x`y\n', `${DESC}: line 2: Imports: dependency "x\`y" is not a valid R package name (letters, digits and dots, starting with a letter, not ending with a dot, at least 2 characters). ${DESC_HINT}`],
];

function failure(parse: Case[1], text: string, file: string): AppError {
  try {
    parse(text, file);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected the input to be rejected');
}

describe('malformed lockfiles give one clear lockfile-invalid error', () => {
  it.each(cases)('%s', (_name, parse, file, text, message) => {
    const error = failure(parse, text, file);
    expect(error.code).toBe('lockfile-invalid');
    if (message) expect(error.message).toBe(message);
    expect(error.message.startsWith(`${file}: `)).toBe(true);
    expect(error.message).not.toMatch(/\n\s+at /); // no stack trace in the user's sentence
  });

  it('names line and column for invalid JSON', () => {
    const error = failure(parseRenvLock, '{\n  "R": {\n    "Version": "4.3.1",\n  }\n}', RENV);
    expect(error.message).toMatch(/^\/p\/renv\.lock: line 4, column 3: not valid JSON \(.+\)\. Fix the entry/);
    const cut = failure(parseRenvLock, '{\n  "R": {', RENV);
    expect(cut.message).toMatch(/^\/p\/renv\.lock: line 2, column 9: not valid JSON/);
  });

  it('has at least 20 distinct cases', () => {
    expect(new Set(cases.map((c) => c[4] || c[3])).size).toBeGreaterThanOrEqual(20);
  });
});
