// The Dockerfile half of this module, under the name the CLI's `rdeploy dockerfile` imports.
export { generateDockerfile, type DockerfileOptions } from './generateDockerfile';
export { renderDockerfile, type DockerfileSpec, type Instruction, type RestorePlan } from './instructions';
export { runtimeImage, type RuntimeImage, type RuntimeInstall } from './runtimeImage';
