/**
 * System requirements rules: SystemRequirements text patterns -> Debian/Ubuntu apt packages.
 *
 * Source: https://github.com/rstudio/r-system-requirements (MIT licence, Posit Software PBC), the
 * database behind pak's and Posit Package Manager's system-requirement lookups. Each upstream
 * `rules/<id>.json` holds `patterns` (regular expressions matched case-insensitively against a
 * package's DESCRIPTION SystemRequirements field) and `dependencies` (packages per distribution).
 * This is a hand-generated subset: for each rule, `patterns` verbatim and the `packages` of the
 * dependency entry constrained to `"distribution": "debian"` without a `versions` list (the entry
 * that applies to current Debian and, with the same names, to Ubuntu 22.04/24.04, which
 * rocker/r-ver uses). `runtime_packages` and `pre_install` steps (PPAs, EPEL) are not carried over.
 *
 * Entries marked `upstream-unread` name an existing upstream rule whose file was not read when
 * this subset was made: the `\\bname\\b` pattern and Debian -dev package follow the convention
 * of the rules that were read, and every package name was checked against Debian's archive.
 *
 * Deviations, each checked against Debian bookworm's archive (`apt-cache show`):
 * - gsl: upstream says libgsl0-dev, which no longer exists; libgsl-dev replaces it.
 * - libmysqlclient: the Debian entry (libmariadb-dev) is used for Ubuntu too, where it exists as well.
 * - bzip2, xz, zstd: not upstream rules; added as `origin: 'rdeploy'` with the Debian -dev names.
 *
 * To regenerate: for each id below, read rules/<id>.json upstream, copy `patterns`, and copy the
 * `packages` of the Debian entry as described above; then run the unit tests in
 * test/unit/docker/sysreqs.test.ts, which pin the mappings users rely on.
 */
export interface SysreqRule {
  /** Upstream rule file name (rules/<id>.json), or a local name for `origin: 'rdeploy'`. */
  id: string;
  /** JavaScript regular expression sources, matched case-insensitively. */
  patterns: string[];
  /** Debian/Ubuntu packages needed to build and run packages that declare this requirement. */
  apt: string[];
  /** Upstream `post_install` we honour: only rJava's `R CMD javareconf`. */
  postInstall?: 'R CMD javareconf';
  /**
   * upstream: patterns and packages copied from rules/<id>.json. upstream-unread: that upstream
   * rule exists, but this entry was written from its name and Debian's archive; check it first
   * when regenerating. rdeploy: no upstream rule.
   */
  origin: 'upstream' | 'upstream-unread' | 'rdeploy';
}

const up = (id: string, patterns: string[], apt: string[]): SysreqRule => ({ id, patterns, apt, origin: 'upstream' });
const unread = (id: string, patterns: string[], apt: string[]): SysreqRule => ({ id, patterns, apt, origin: 'upstream-unread' });

export const SYSREQS_RULES: readonly SysreqRule[] = [
  up('cairo', ['\\bcairo\\b'], ['libcairo2-dev']),
  unread('cmake', ['\\bcmake\\b'], ['cmake']),
  up('fftw3', ['\\bfftw\\b', '\\bfftw3\\b', '\\blibfftw3\\b'], ['libfftw3-dev']),
  up('fontconfig', ['\\bfontconfig\\b'], ['libfontconfig1-dev']),
  up('freetype', ['\\bfreetype\\b'], ['libfreetype6-dev']),
  up('fribidi', ['\\bfribidi\\b'], ['libfribidi-dev']),
  up('gdal', ['\\bgdal\\b', '\\blibgdal\\b'], ['gdal-bin', 'libgdal-dev']),
  up('geos', ['\\bgeos\\b'], ['libgeos-dev']),
  unread('git', ['\\bgit\\b'], ['git']),
  up('glpk', ['\\bglpk\\b'], ['libglpk-dev']),
  up('gmp', ['\\bgmp\\b'], ['libgmp3-dev']),
  unread('gnumake', ['\\bgnu make\\b'], ['make']),
  up('gsl', ['\\bgsl\\b', '\\bgnu scientific library\\b'], ['libgsl-dev']),
  up('harfbuzz', ['\\bharfbuzz\\b'], ['libharfbuzz-dev']),
  up('hdf5', ['\\bhdf5\\b', '\\blibhdf5\\b'], ['libhdf5-dev']),
  up('imagemagick', ['\\bimagemagick\\b', '\\bimage magick\\b'], ['imagemagick', 'libmagick++-dev']),
  unread('jags', ['\\bjags\\b'], ['jags']),
  { ...up('java', ['\\bjava\\b'], ['default-jdk']), postInstall: 'R CMD javareconf' },
  unread('leptonica', ['\\bleptonica\\b'], ['libleptonica-dev']),
  unread('libarchive', ['\\blibarchive\\b'], ['libarchive-dev']),
  up('libcurl', ['\\blibcurl\\b'], ['libcurl4-openssl-dev']),
  up('libgit2', ['\\blibgit2\\b'], ['libgit2-dev']),
  up('libicu', ['\\bicu4c\\b'], ['libicu-dev']),
  up('libjpeg', ['\\blibjpeg\\b', '\\bjpeg\\b'], ['libjpeg-dev']),
  up('libjq', ['\\blibjq\\b'], ['libjq-dev']),
  unread('libmagic', ['\\blibmagic\\b'], ['libmagic-dev']),
  up('libmysqlclient', ['\\blibmysqlclient\\b'], ['libmariadb-dev', 'libmariadb-dev-compat']),
  up('libpng', ['\\blibpng\\b'], ['libpng-dev']),
  unread('libprotobuf', ['\\bprotobuf\\b'], ['libprotobuf-dev', 'protobuf-compiler']),
  unread('libsecret', ['\\blibsecret\\b'], ['libsecret-1-dev']),
  up('libsodium', ['\\blibsodium\\b'], ['libsodium-dev']),
  up('libssh2', ['\\blibssh2\\b'], ['libssh2-1-dev']),
  unread('libtiff', ['\\blibtiff\\b'], ['libtiff-dev']),
  unread('libwebp', ['\\blibwebp\\b'], ['libwebp-dev']),
  up('libxml2', ['\\blibxml2\\b'], ['libxml2-dev']),
  unread('libxslt', ['\\blibxslt\\b'], ['libxslt1-dev']),
  up('mpfr', ['\\bmpfr\\b'], ['libmpfr-dev']),
  up('netcdf4', ['\\bnetcdf\\b', '\\bnetcdf4\\b'], ['libnetcdf-dev']),
  up('odbc', ['\\bodbc\\b', '\\bodbc3\\b'], ['unixodbc-dev']),
  up('openssl', ['\\bopenssl\\b'], ['libssl-dev']),
  up('pandoc', ['\\bpandoc\\b'], ['pandoc']),
  unread('pango', ['\\bpango\\b'], ['libpango1.0-dev']),
  up('poppler', ['\\bpoppler\\b'], ['libpoppler-cpp-dev']),
  up('postgresql', ['\\bpostgresql\\b', '\\blibpq-dev\\b', '\\bpostgresql-devel\\b'], ['libpq-dev']),
  up('proj', ['\\bproj\\b', '\\bproj\\.4\\b'], ['libproj-dev']),
  up('sqlite3', ['\\bsqlite3\\b', '\\bsqlite\\b'], ['libsqlite3-dev']),
  up('tesseract', ['\\btesseract\\b'], ['libtesseract-dev', 'tesseract-ocr-eng']),
  up('udunits2', ['\\budunits-2\\b'], ['libudunits2-dev']),
  up('v8', ['\\bv8\\b'], ['libnode-dev']),
  up('zlib', ['\\bzlib\\b'], ['zlib1g-dev']),
  { id: 'bzip2', patterns: ['\\bbzip2\\b', '\\blibbz2\\b'], apt: ['libbz2-dev'], origin: 'rdeploy' },
  { id: 'xz', patterns: ['\\bliblzma\\b', '\\bxz\\b'], apt: ['liblzma-dev'], origin: 'rdeploy' },
  { id: 'zstd', patterns: ['\\bzstd\\b', '\\blibzstd\\b'], apt: ['libzstd-dev'], origin: 'rdeploy' },
];
