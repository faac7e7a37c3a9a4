import type { DeploymentRecord } from '../../core/records/record';
import type { Status } from '../../core/deployment';
import { dockerStatus, type DockerClient } from '../image/dockerClient';
import { containerRef } from './resources';
import { pingOnce } from './waitReady';

/** The container's state as the user thinks of it; Docker's health check wins when there is one. */
export async function containerStatus(docker: DockerClient, record: DeploymentRecord): Promise<Status> {
  let info;
  try {
    info = await docker.getContainer(containerRef(record)).inspect();
  } catch (e) {
    if (dockerStatus(e) === 404) return { state: 'missing', detail: `no container ${containerRef(record)}` };
    throw e;
  }
  const s = info.State;
  if (s.Running) {
    const health = s.Health?.Status;
    if (health === 'unhealthy') return { state: 'unhealthy', detail: 'Docker health check failing' };
    if (health === 'starting') {
      // Docker's first health check runs only after its interval; the model may answer already.
      const port = record.endpoint ? Number(new URL(record.endpoint).port) : 0;
      if (port && (await pingOnce(port))) return { state: 'running', detail: `at ${record.endpoint}` };
      return { state: 'starting', detail: 'health check not passed yet' };
    }
    return { state: 'running', detail: record.endpoint ? `at ${record.endpoint}` : `since ${s.StartedAt}` };
  }
  if (s.Restarting) return { state: 'starting', detail: 'restarting' };
  const detail = s.Status === 'created' ? 'created, never started' : `exited with code ${s.ExitCode}${s.FinishedAt ? ` at ${s.FinishedAt}` : ''}${s.OOMKilled ? ' (out of memory)' : ''}`;
  return { state: 'stopped', detail };
}
