import type { InvokeResult } from '../../../core/deployment';
import type { DockerClient } from '../../image/dockerClient';
import { runJobLocally } from '../../image/runJobLocally';
import type { ContainerGroupBody } from '../containerGroup';

/**
 * The local twin of one run: the container group's one container run in local Docker as ACI
 * runs it — the same image, command and environment (the payload in RDEPLOY_PAYLOAD), its CPU
 * and memory as limits — and its result read out of its logs exactly as the workflow reads it.
 */
export function runGroupLocally(docker: Pick<DockerClient, 'createContainer' | 'getContainer'>, group: ContainerGroupBody, image: string, payload: string, signal?: AbortSignal): Promise<InvokeResult> {
  const spec = group.properties.containers[0]!.properties;
  const env = spec.environmentVariables.map((e) => ({ name: e.name, value: e.value ?? e.secureValue ?? '' }));
  return runJobLocally(docker, { command: spec.command, env, cpu: spec.resources.requests.cpu, memoryGb: spec.resources.requests.memoryInGB }, image, payload, signal);
}
