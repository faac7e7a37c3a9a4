import { resolveAwsSession, type AwsSession } from '../clouds/aws/session';
import { cliCredential } from '../clouds/azure/credential';
import { resolveAzureSession, type AzureSession, type CredentialFactory } from '../clouds/azure/session';
import type { DockerClient } from './image/dockerClient';
import { connectDocker, systemEngineInputs } from './image/engineConnect';
import type { EngineInputs } from './image/engine';
import type { Connections } from './Target';

/**
 * Connections resolved the standard way, for the CLI and the extension host: the Docker engine
 * the docker CLI would use (DOCKER_HOST, DOCKER_CONTEXT, the current context, the default
 * socket), AWS sessions (region and credential chain) per region and profile, and Azure sessions
 * per cloud and subscription (the CLI's credential chain unless the host brings its own sign-in:
 * the extension's VS Code Microsoft account). One connection and one ping per process; a failed
 * attempt is tried again next time.
 */
export function standardConnections(inputs: EngineInputs = systemEngineInputs(), azureCredential: CredentialFactory = cliCredential): Connections {
  let docker: Promise<DockerClient> | undefined;
  const aws = new Map<string, Promise<AwsSession>>();
  const azure = new Map<string, Promise<AzureSession>>();
  return {
    azure(opts) {
      const key = `${opts.cloud ?? ''}\0${opts.subscription ?? ''}`;
      if (!azure.has(key)) azure.set(key, resolveAzureSession(opts, azureCredential).catch((e: unknown) => (azure.delete(key), Promise.reject(e))));
      return azure.get(key)!;
    },
    aws(opts) {
      const key = `${opts.region ?? ''}\0${opts.profile ?? ''}`;
      if (!aws.has(key)) aws.set(key, resolveAwsSession(opts).catch((e: unknown) => (aws.delete(key), Promise.reject(e))));
      return aws.get(key)!;
    },
    docker() {
      docker ??= connectDocker({ inputs }).catch((e: unknown) => {
        docker = undefined;
        throw e;
      });
      return docker;
    },
  };
}
