import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PACKAGE_SYSREQS, rulesForText, SYSREQS_RULES, systemRequirements } from '../../../src/core/docker';
import { APT_PACKAGE } from '../../../src/core/docker/validate';

const apt = (...names: string[]) => systemRequirements(names.map((name) => ({ name }))).apt;
const aptForText = (text: string) => systemRequirements([{ name: 'anything', systemRequirements: text }]).apt;

describe('system requirements from package names (records without SystemRequirements)', () => {
  it.each([
    ['xml2', ['libxml2-dev']],
    ['curl', ['libcurl4-openssl-dev']],
    ['httr', ['libcurl4-openssl-dev', 'libssl-dev']],
    ['openssl', ['libssl-dev']],
    ['sf', ['gdal-bin', 'libgdal-dev', 'libgeos-dev', 'libproj-dev', 'libsqlite3-dev']],
    ['units', ['libudunits2-dev']],
    ['magick', ['imagemagick', 'libmagick++-dev']],
    ['ragg', ['libfreetype6-dev', 'libjpeg-dev', 'libpng-dev', 'libtiff-dev', 'libwebp-dev']],
    ['textshaping', ['libfreetype6-dev', 'libfribidi-dev', 'libharfbuzz-dev']],
    ['gert', ['libgit2-dev']],
    ['sodium', ['libsodium-dev']],
    ['Rmpfr', ['libgmp3-dev', 'libmpfr-dev']],
    ['RPostgres', ['libpq-dev']],
    ['RMariaDB', ['libmariadb-dev', 'libmariadb-dev-compat']],
    ['odbc', ['unixodbc-dev']],
    ['V8', ['libnode-dev']],
    ['rJava', ['default-jdk']],
    ['hdf5r', ['libhdf5-dev']],
    ['ncdf4', ['libnetcdf-dev']],
    ['pdftools', ['libpoppler-cpp-dev']],
    ['tesseract', ['libleptonica-dev', 'libtesseract-dev', 'tesseract-ocr-eng']],
    ['data.table', []],
    ['xgboost', []],
    ['stringi', []],
    ['jsonlite', []],
  ])('%s -> %j', (name, expected) => {
    expect(apt(name)).toEqual(expected);
  });

  it('rJava also reconfigures R for Java after the install', () => {
    expect(systemRequirements([{ name: 'rJava' }]).postInstall).toEqual(['R CMD javareconf']);
    expect(systemRequirements([{ name: 'xml2' }]).postInstall).toEqual([]);
  });

  it('merges packages into one sorted, de-duplicated list', () => {
    expect(apt('sf', 'terra', 'xml2', 'XML')).toEqual(['gdal-bin', 'libgdal-dev', 'libgeos-dev', 'libproj-dev', 'libsqlite3-dev', 'libxml2-dev']);
  });
});

describe('system requirements from SystemRequirements text', () => {
  it.each([
    ['libxml2: libxml2-dev (deb), libxml2-devel (rpm)', ['libxml2-dev']],
    // "-openssl-" matches \bopenssl\b, as it does for pak and Package Manager.
    ['libcurl (>= 7.62): libcurl-devel (rpm) or libcurl4-openssl-dev (deb)', ['libcurl4-openssl-dev', 'libssl-dev']],
    ['GDAL (>= 2.0.1), GEOS (>= 3.4.0), PROJ (>= 4.8.0), sqlite3', ['gdal-bin', 'libgdal-dev', 'libgeos-dev', 'libproj-dev', 'libsqlite3-dev']],
    ['udunits-2', ['libudunits2-dev']],
    ['ICU4C (>= 61, optional)', ['libicu-dev']],
    ['Java (>= 8)', ['default-jdk']],
    ['GNU make', ['make']],
    ['pandoc (>= 1.12.3) - http://pandoc.org', ['pandoc']],
    ['ImageMagick++: ImageMagick-c++-devel (rpm) or libmagick++-dev (deb)', ['imagemagick', 'libmagick++-dev']],
    ['libpq >= 9.0: libpq-dev (deb) or postgresql-devel (rpm)', ['libpq-dev']],
    ['C++17', []],
    ['', []],
  ])('%j -> %j', (text, expected) => {
    expect(aptForText(text)).toEqual(expected);
  });

  it('matches whole words only', () => {
    expect(rulesForText('projection libxml2x geostationary').map((r) => r.id)).toEqual([]);
  });

  it('the text is the authority when present: sf declaring only C++ needs nothing extra', () => {
    expect(systemRequirements([{ name: 'sf', systemRequirements: 'C++11' }]).apt).toEqual([]);
  });

  it('property: any text yields only allow-listed apt names from the rules', () => {
    const known = new Set(SYSREQS_RULES.flatMap((r) => r.apt));
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => aptForText(text).every((a) => APT_PACKAGE.test(a) && known.has(a))),
    );
  });
});

describe('the shipped rules', () => {
  it('cover at least 40 libraries, each with valid Debian names', () => {
    expect(SYSREQS_RULES.length).toBeGreaterThanOrEqual(40);
    for (const r of SYSREQS_RULES) {
      expect(r.apt.length, r.id).toBeGreaterThan(0);
      for (const a of r.apt) expect(a, r.id).toMatch(APT_PACKAGE);
      for (const p of r.patterns) expect(() => new RegExp(p, 'i')).not.toThrow();
    }
    expect(new Set(SYSREQS_RULES.map((r) => r.id)).size).toBe(SYSREQS_RULES.length);
  });

  it('the package-name table only names rules that exist', () => {
    const ids = new Set(SYSREQS_RULES.map((r) => r.id));
    for (const [name, rules] of Object.entries(PACKAGE_SYSREQS)) for (const id of rules) expect(ids.has(id), `${name} -> ${id}`).toBe(true);
  });
});
