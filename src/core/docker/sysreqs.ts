import type { RPackage } from '../project/model';
import { SYSREQS_RULES, type SysreqRule } from './sysreqsRules';
import { checkAptPackage } from './validate';

/**
 * Which rule ids common CRAN packages need, for records that do not carry SystemRequirements:
 * renv < 1.1 and packrat lockfiles, and DESCRIPTION/scripts projects, which name packages only.
 * Values follow each package's DESCRIPTION SystemRequirements as matched by the rules above;
 * DESCRIPTION/script projects list direct dependencies only, so wrappers such as httr also name
 * what their compiled dependencies (curl, openssl) need.
 * Deliberately absent: data.table, xgboost, arrow, stringi, RSQLite, BH (they bundle or vendor
 * their libraries; stringi's "ICU4C (optional)" is still honoured when the text is present).
 */
export const PACKAGE_SYSREQS: Readonly<Record<string, readonly string[]>> = {
  archive: ['libarchive'],
  Cairo: ['cairo', 'freetype'],
  curl: ['libcurl'],
  gdtools: ['cairo', 'fontconfig', 'freetype'],
  gert: ['libgit2'],
  git2r: ['libgit2', 'libssh2', 'openssl', 'zlib'],
  gmp: ['gmp'],
  gsl: ['gsl'],
  hdf5r: ['hdf5'],
  httr: ['libcurl', 'openssl'],
  httr2: ['libcurl', 'openssl'],
  igraph: ['glpk', 'gmp', 'libxml2'],
  jpeg: ['libjpeg'],
  jqr: ['libjq'],
  lwgeom: ['gdal', 'geos', 'proj'],
  magick: ['imagemagick'],
  ncdf4: ['netcdf4'],
  nloptr: ['cmake'],
  odbc: ['odbc'],
  openssl: ['openssl'],
  pdftools: ['poppler'],
  png: ['libpng'],
  protolite: ['libprotobuf'],
  ragg: ['freetype', 'libjpeg', 'libpng', 'libtiff', 'libwebp'],
  RCurl: ['libcurl'],
  rgdal: ['gdal', 'proj'],
  rgeos: ['geos'],
  Rglpk: ['glpk'],
  rJava: ['java'],
  RMariaDB: ['libmysqlclient'],
  Rmpfr: ['gmp', 'mpfr'],
  RMySQL: ['libmysqlclient'],
  RNetCDF: ['netcdf4', 'udunits2'],
  RPostgres: ['postgresql'],
  RPostgreSQL: ['postgresql'],
  s2: ['openssl'],
  sf: ['gdal', 'geos', 'proj', 'sqlite3'],
  sodium: ['libsodium'],
  systemfonts: ['fontconfig', 'freetype'],
  terra: ['gdal', 'geos', 'proj', 'sqlite3'],
  tesseract: ['leptonica', 'tesseract'],
  textshaping: ['freetype', 'fribidi', 'harfbuzz'],
  units: ['udunits2'],
  V8: ['v8'],
  xml2: ['libxml2'],
  XML: ['libxml2'],
};

const compiled = SYSREQS_RULES.map((rule) => ({ rule, regexes: rule.patterns.map((p) => new RegExp(p, 'i')) }));
const byId = new Map(SYSREQS_RULES.map((r) => [r.id, r]));

/** Rules whose patterns match a SystemRequirements text. */
export function rulesForText(text: string): SysreqRule[] {
  return compiled.filter(({ regexes }) => regexes.some((re) => re.test(text))).map(({ rule }) => rule);
}

/**
 * Rules for one package: its own SystemRequirements text when the lockfile copies it (the
 * authority), otherwise the package-name table.
 */
export function rulesForPackage(pkg: Pick<RPackage, 'name' | 'systemRequirements'>): SysreqRule[] {
  if (pkg.systemRequirements !== undefined && pkg.systemRequirements.trim() !== '') {
    return rulesForText(pkg.systemRequirements);
  }
  const ids = Object.hasOwn(PACKAGE_SYSREQS, pkg.name) ? PACKAGE_SYSREQS[pkg.name]! : [];
  return ids.map((id) => byId.get(id)!);
}

export interface SystemRequirements {
  /** Sorted, de-duplicated, validated apt package names. */
  apt: string[];
  /** Sorted, de-duplicated commands to run after the install (e.g. R CMD javareconf). */
  postInstall: string[];
  /** Rule ids that matched, for messages and tests. */
  ruleIds: string[];
}

export function systemRequirements(packages: ReadonlyArray<Pick<RPackage, 'name' | 'systemRequirements'>>): SystemRequirements {
  const rules = new Map<string, SysreqRule>();
  for (const pkg of packages) for (const r of rulesForPackage(pkg)) rules.set(r.id, r);
  const apt = new Set<string>();
  const post = new Set<string>();
  for (const r of rules.values()) {
    r.apt.forEach((a) => apt.add(checkAptPackage(a)));
    if (r.postInstall) post.add(r.postInstall);
  }
  return { apt: [...apt].sort(), postInstall: [...post].sort(), ruleIds: [...rules.keys()].sort() };
}
