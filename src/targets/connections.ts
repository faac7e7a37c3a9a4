import { resolveAwsSession, type AwsSession } from '../clouds/aws/session';
import { cliCredential } from '../clouds/azure/credential';
import { resolveAzureSession, type AzureSession, type CredentialFactory } from '../clouds/azure/session';
import type { DockerClient } from './image/dockerClient';
import type { RegistryCredentials } from './image/push';
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
/** The registry login from RDEPLOY_REGISTRY_USERNAME and RDEPLOY_REGISTRY_PASSWORD (any registry: one login per process). */
export async function environmentRegistryLogin(_server: string, env: NodeJS.ProcessEnv = process.env): Promise<RegistryCredentials | undefined> {
  const { RDEPLOY_REGISTRY_USERNAME: username, RDEPLOY_REGISTRY_PASSWORD: password } = env;
  return username && password ? { username, password } : undefined;
}

export function standardConnections(
  inputs: EngineInputs = systemEngineInputs(),
  azureCredential: CredentialFactory = cliCredential,
  registry: (server: string) => Promise<RegistryCredentials | undefined> = environmentRegistryLogin,
): Connections {
  let docker: Promise<DockerClient> | undefined;
  const aws = new Map<string, Promise<AwsSession>>();
  const azure = new Map<string, Promise<AzureSession>>();
  return {
    registry,
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
