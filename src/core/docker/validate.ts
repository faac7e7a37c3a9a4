import { AppError } from '../errors';
import { HANDLER } from '../config';

/**
 * Allow-lists for every value that reaches a Dockerfile or a generated R script. A value from a
 * lockfile, config or project name is checked where the instruction using it is built; anything
 * outside the list is refused with one sentence naming the field, the value and the expected form.
 * The lists are deliberately narrower than what Docker or R would accept: the goal is that no
 * quote, `$`, backtick, backslash or newline can ever reach a shell or a Dockerfile line.
 */

// Docker image reference grammar (github.com/distribution/reference, regexp.go), without IPv6 hosts.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
export const IMAGE_REFERENCE = new RegExp(`^${NAME}(?::${TAG})?(?:@${DIGEST})?$`);

export const R_VERSION = /^\d+\.\d+(\.\d+)?$/;
/** "Writing R Extensions" 1.1.1: letters, digits and dots, starting with a letter, not ending with a dot. */
export const R_PACKAGE = /^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]$/;
/** R package versions: at least two non-negative integers separated by `.` or `-`. */
export const R_PACKAGE_VERSION = /^\d+(?:[.-]\d+)+$/;
/** Debian policy 5.6.1 package names; no `=version` pins (the rules we ship have none for Debian). */
export const APT_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
/** A repository name becomes an R list name in a generated script. */
export const REPOSITORY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A repository URL becomes an R string in a generated script: no quotes, spaces or escapes. */
export const REPOSITORY_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~%/+:@-]*)?$/;
/**
 * Label values may hold any text (a folder called "modèle-prix" or "bob's model" names the
 * project): renderDockerfile quotes and escapes them. Only what cannot be one line of a
 * Dockerfile is refused: line breaks and other control characters.
 */
// eslint-disable-next-line no-control-regex
export const LABEL_VALUE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]{0,500}$/u;
/** ENV values are written unquoted: no spaces either. */
export const ENV_VALUE = /^[A-Za-z0-9._,:/@+=-]{0,200}$/;
/** An absolute path inside the image. */
export const IMAGE_PATH = /^\/(?:[A-Za-z0-9._-]+\/?)*$/;
/**
 * A .dockerignore pattern: one line of printable characters (no newline, no control characters),
 * not a comment. A `!pattern` re-includes what the defaults leave out: that is the user's
 * explicit decision to ship a file (it also silences the credential warning for it).
 */
export const EXCLUDE_PATTERN = /^!?[^!\s#][^\n\r\t\f\v\0]*$/;

export { HANDLER };

/** Throws AppError('unsafe-value') unless `value` matches `pattern`. */
export function check(value: string, pattern: RegExp, field: string, expected: string, hint = ''): string {
  if (pattern.test(value)) return value;
  const tail = hint ? ` ${hint}` : '';
  throw new AppError('unsafe-value', `${field} ${JSON.stringify(value)} is not ${expected}.${tail}`);
}

export const checkRVersion = (v: string): string =>
  check(v, R_VERSION, 'R version', 'a version like 4.3.2', 'Fix the R version in the lockfile.');

export const checkPackageName = (v: string): string =>
  check(v, R_PACKAGE, 'Package name', 'a valid R package name (letters, digits and dots)', 'Fix the package list in the lockfile or DESCRIPTION.');

export const checkPackageVersion = (name: string, v: string): string =>
  check(v, R_PACKAGE_VERSION, `Version of package ${name}`, 'an R package version like 1.2.3', 'Fix the version in the lockfile.');

export const checkImage = (v: string): string =>
  check(v, IMAGE_REFERENCE, 'Base image', 'a Docker image reference like rocker/r-ver:4.3.2', 'Fix "baseImage" in rdeploy.json or the --base-image option.');

export const checkAptPackage = (v: string): string =>
  check(v, APT_PACKAGE, 'System package', 'a Debian package name like libxml2-dev');

export const checkHandler = (v: string): string =>
  check(v, HANDLER, 'Handler', 'of the form file.function, like score.score', 'Fix "handler" in rdeploy.json.');

export const checkLabel = (key: string, v: string): string =>
  check(v, LABEL_VALUE, `Label ${key}`, 'one line of text without control characters (at most 500 characters)', 'Rename the project folder.');

export const checkEnv = (key: string, v: string): string =>
  check(v, ENV_VALUE, `Environment variable ${key}`, 'a plain value (letters, digits and . _ , : / @ + = -, at most 200)');

export const checkImagePath = (v: string): string =>
  check(v, IMAGE_PATH, 'Path', 'an absolute path of letters, digits, ".", "_" and "-"');

export const checkRepository = (name: string, url: string): void => {
  check(name, REPOSITORY_NAME, 'Repository name', 'a name like CRAN', 'Fix the repositories in the lockfile.');
  check(url, REPOSITORY_URL, `URL of repository ${name}`, 'a plain http(s) URL', 'Fix the repositories in the lockfile.');
};

export const checkExclude = (v: string): string =>
  check(
    v,
    EXCLUDE_PATTERN,
    'Exclude pattern',
    'a single-line file pattern (no newline, not starting with "#" or "!!")',
    'Fix "exclude" in rdeploy.json: each entry is one pattern that leaves files out of the image (or "!pattern" to keep them).',
  );
