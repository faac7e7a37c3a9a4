import type { Lockfile, RPackage, RProject } from '../../../src/core/project/model';
import { generateDockerfile, type DockerfileOptions, type RuntimeFiles, type RuntimeInstall } from '../../../src/core/docker';

/**
 * Hand-built projects for the generator tests, so the goldens pin the generator alone and do not
 * move when a parser changes. Each mirrors a real layout (paths are never read).
 */
const CRAN = [{ name: 'CRAN', url: 'https://cloud.r-project.org' }];

const pkg = (name: string, version?: string, extra: Partial<RPackage> = {}): RPackage => ({
  name,
  ...(version === undefined ? {} : { version }),
  source: 'repository',
  ...(version === undefined ? {} : { repository: 'CRAN' }),
  ...extra,
});

export function renvProject(overrides: Partial<RProject> = {}): RProject {
  return {
    kind: 'renv',
    path: '/work/projects/mtcars-glm/renv.lock',
    root: '/work/projects/mtcars-glm',
    handler: 'score.score',
    rVersion: '4.2.2',
    repositories: CRAN,
    packages: [pkg('jsonlite', '1.8.8'), pkg('renv', '1.0.7')],
    warnings: [],
    ...overrides,
  };
}

/** A parsed packrat.lock (examples/iris-rpart), as the project module's parser returns it. */
export const packratLock: Lockfile = {
  kind: 'packrat',
  path: '/work/projects/iris-rpart/packrat/packrat.lock',
  rVersion: '4.2.2',
  repositories: CRAN,
  packages: [pkg('rpart', '4.1.19')],
  warnings: [],
};

export const packratProject = (): RProject => ({ ...packratLock, root: '/work/projects/iris-rpart', handler: 'predict.predict_species' });

/** DESCRIPTION-only: names, no versions, no R version; base packages listed as DESCRIPTION does. */
export const descriptionProject = (): RProject => ({
  kind: 'description',
  path: '/work/projects/churn/DESCRIPTION',
  root: '/work/projects/churn',
  handler: 'score.score',
  repositories: [],
  packages: [pkg('stats'), pkg('ranger'), pkg('jsonlite'), pkg('methods')],
  warnings: [],
});

/** renv >= 1.1 copies SystemRequirements; older records (sf, RPostgres here) do not. */
export const compiledProject = (): RProject =>
  renvProject({
    path: '/work/projects/geo-score/renv.lock',
    root: '/work/projects/geo-score',
    rVersion: '4.4.1',
    packages: [
      pkg('curl', '5.2.1', { systemRequirements: 'libcurl (>= 7.62): libcurl-devel (rpm) or libcurl4-openssl-dev (deb)' }),
      pkg('data.table', '1.15.4', { systemRequirements: 'zlib' }),
      pkg('openssl', '2.2.0', { systemRequirements: 'OpenSSL >= 1.0.2 (openssl-devel on Fedora)' }),
      pkg('RPostgres', '1.4.7'),
      pkg('sf', '1.0-16'),
      pkg('stringi', '1.8.4', { systemRequirements: 'ICU4C (>= 61, optional)' }),
      pkg('xml2', '1.3.6', { systemRequirements: 'libxml2: libxml2-dev (deb), libxml2-devel (rpm)' }),
    ],
  });

/**
 * install.R's inputs, fixed stand-ins (the runtime image's tag is their hash): the goldens pin the
 * generator, and do not move when the shipped runtime does.
 */
export const INSTALL: RuntimeInstall = {
  'install.R': '# install.R: installs DEPENDENCIES into RDEPLOY_RUNTIME_LIB\n',
  DEPENDENCIES: 'jsonlite 2.0.0\nhttpuv 1.6.16\n',
  'native/build.R': 'build_native <- function(dir, lib) lib\n',
  'native/rdeploy_nodelay.c': '/* TCP_NODELAY helper */\n',
};

/** The runtime as the extension ships it (listing fixed here; its files are never read). */
export const RUNTIME: RuntimeFiles = {
  dir: '/ext/runtime',
  files: ['DEPENDENCIES', 'install.R', 'main.R', 'handler.R', 'libpaths.R', 'log.R', 'native.R', 'modes/http.R', 'modes/job.R', 'native/build.R', 'native/rdeploy_nodelay.c'],
  install: INSTALL,
};

/** The project's Dockerfile spec with the stand-in runtime. */
export const dockerfileOf = (project: RProject, options: Omit<DockerfileOptions, 'runtime'> = {}) =>
  generateDockerfile(project, { runtime: INSTALL, ...options });
