/**
 * Strict checks for every lockfile value that may later reach a Dockerfile, a shell or an R
 * call (design: "a value from a lockfile reaching a shell or a Dockerfile unchecked" must never
 * happen). Each check returns `undefined` when the value is fine, or the problem as a phrase
 * that the parsers put after the file and place: `"4.3; rm" is not an R version like 4.3.1`.
 */

/** R package names: letters, digits and dots, start with a letter, no trailing dot, >= 2 chars. */
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]$/;
/** Package versions: at least two non-negative integers separated by "." or "-" (R's rule). */
const PACKAGE_VERSION = /^\d+(?:[.-]\d+)+$/;
const R_VERSION = /^\d+\.\d+(?:\.\d+)?$/;
const BIOC_VERSION = /^\d+\.\d+$/;
/** Characters allowed in URLs and paths we pass on: no quotes, whitespace, `$`, `;`, `|`, `&`, backticks. */
const SAFE_URL_CHARS = /^[A-Za-z0-9._~%/:@+=,#?-]+$/;
/** Git refs, shas, GitHub user and repository names, subdirectories. */
const SAFE_TOKEN = /^[A-Za-z0-9._/+-]+$/;
const HOST = /^[A-Za-z0-9.-]+(?::\d+)?(?:\/[A-Za-z0-9._-]+)*\/?$/;
/** Repository names as renv/packrat write them ("CRAN", "RSPM", "Bioconductor 3.19"). */
const REPOSITORY_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]*$/;
const HASH = /^[A-Za-z0-9]+$/;

/** Quotes a value for a message, escaping control characters so a newline stays visible. */
export function show(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(shown);
}

export function checkPackageName(v: string): string | undefined {
  if (PACKAGE_NAME.test(v)) return undefined;
  return `${show(v)} is not a valid R package name (letters, digits and dots, starting with a letter, not ending with a dot, at least 2 characters)`;
}

export function checkPackageVersion(v: string): string | undefined {
  if (PACKAGE_VERSION.test(v)) return undefined;
  return `${show(v)} is not a package version like 1.2.3 or 1.2-3`;
}

export function checkRVersion(v: string): string | undefined {
  if (R_VERSION.test(v)) return undefined;
  return `${show(v)} is not an R version like 4.3.1`;
}

export function checkBiocVersion(v: string): string | undefined {
  if (BIOC_VERSION.test(v)) return undefined;
  return `${show(v)} is not a Bioconductor version like 3.18`;
}

/** Repository URLs: http(s) only, no credentials (they would end up in images and logs). */
export function checkRepositoryUrl(v: string): string | undefined {
  if (!SAFE_URL_CHARS.test(v)) return `${show(v)} is not a usable repository URL (it contains spaces, quotes or shell characters)`;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return `${show(v)} is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${show(v)} is not an http(s) URL`;
  if (url.username || url.password) return `the repository URL must not contain a user name or password; configure credentials outside the lockfile`;
  return undefined;
}

/** RemoteUrl and packrat SourcePath: a URL, git address or a path, with no shell characters. */
export function checkRemoteUrl(v: string): string | undefined {
  if (SAFE_URL_CHARS.test(v) && !v.startsWith('-')) return undefined;
  return `${show(v)} is not a usable URL or path (it contains spaces, quotes or shell characters)`;
}

export function checkToken(v: string): string | undefined {
  if (SAFE_TOKEN.test(v) && !v.startsWith('-') && !v.includes('..')) return undefined;
  return `${show(v)} contains characters that are not allowed here (letters, digits, ".", "_", "-", "/", "+" only)`;
}

export function checkHost(v: string): string | undefined {
  if (HOST.test(v)) return undefined;
  return `${show(v)} is not a host name`;
}

/** A repository is named ("CRAN") or, since renv 1.1, sometimes given by its URL. */
export function checkRepositoryName(v: string): string | undefined {
  if (/^https?:/i.test(v)) return checkRepositoryUrl(v);
  if (REPOSITORY_NAME.test(v) && v.trim() === v) return undefined;
  return `${show(v)} is not a repository name`;
}

export function checkHash(v: string): string | undefined {
  if (HASH.test(v)) return undefined;
  return `${show(v)} is not a hash (letters and digits only)`;
}

/** Free text (SystemRequirements): any printable text; folded whitespace becomes one space. */
export function normaliseText(v: string): string {
  return v.replace(/\s+/g, ' ').trim();
}
