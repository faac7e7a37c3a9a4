// Containerizing an R project, as data: the Dockerfile, .dockerignore and generated build files.
// Nothing here touches the disk or Docker; src/targets/local turns these into a build.
export { generateDockerfile, BUILD_DIR, PORT, RUNTIME_INSTALL_DIRS, RUNTIME_INSTALL_FILES, type DockerfileOptions } from './generateDockerfile';
export { renderDockerfile, type DockerfileSpec, type Instruction, type RestorePlan } from './instructions';
export { generateDockerignore, dockerignorePatterns } from './dockerignore';
export { buildContextFiles, dockerBuildInputs, type ContextFile, type DockerBuildInputs, type RuntimeFiles } from './buildContext';
export { systemRequirements, rulesForPackage, rulesForText, PACKAGE_SYSREQS, type SystemRequirements } from './sysreqs';
export { SYSREQS_RULES, type SysreqRule } from './sysreqsRules';
export { restoreScript, PATHS } from './restoreScript';
export {
  runtimeImage, isRuntimeInstallFile, RUNTIME_LABEL, RUNTIME_REPOSITORY, type RuntimeImage, type RuntimeInstall,
} from './runtimeImage';
