import type { DockerClient } from './image/dockerClient';
import { connectDocker, systemEngineInputs } from './image/engineConnect';
import type { EngineInputs } from './image/engine';
import type { Connections } from './Target';

/**
 * Connections resolved the standard way, for the CLI and the extension host: the Docker engine
 * the docker CLI would use (DOCKER_HOST, DOCKER_CONTEXT, the current context, the default
 * socket). One connection and one ping per process; a failed attempt is tried again next time.
 */
export function standardConnections(inputs: EngineInputs = systemEngineInputs()): Connections {
  let docker: Promise<DockerClient> | undefined;
  return {
    docker() {
      docker ??= connectDocker({ inputs }).catch((e: unknown) => {
        docker = undefined;
        throw e;
      });
      return docker;
    },
  };
}
