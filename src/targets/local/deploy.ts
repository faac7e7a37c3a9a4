import { AppError, cancelledError, isAppError } from '../../core/errors';
import type { DeploymentRecord } from '../../core/records/record';
import { readRecord, writeRecord } from '../../core/records/store';
import type { Plan, TargetContext } from '../Target';
import { buildImage } from './buildImage';
import { createContainer, removeOwnContainer, startContainer } from './container';
import { dockerMessage, removeImage, removeQuietly, type DockerClient } from './dockerClient';
import { freePort, isPortFree } from './freePort';
import { containerLogs } from './logs';
import { isOurs } from './ownership';
import { localDetails, localLabels } from './plan';
import { resolveResource, setResource } from './records';
import { waitReady } from './waitReady';

export interface DeployDeps {
  docker: () => Promise<DockerClient>;
  readyTimeoutMs: number;
  pollMs: number;
}

/**
 * The local deploy, in the order that keeps a crash recoverable: the record is written first
 * (resources "planned"), and again after each resource exists. A failure or cancellation
 * removes what this deploy created, records "failed" with the reason, and rethrows.
 */
export async function deployLocal(plan: Plan, ctx: TargetContext, deps: DeployDeps): Promise<DeploymentRecord> {
  const details = localDetails(plan);
  const root = plan.project.root;
  const { signal, progress } = ctx;
  if (signal?.aborted) throw cancelledError();
  const labels = localLabels(root, plan.name);
  // Reach the engine before writing anything: with no Docker there is nothing to record.
  const docker = await deps.docker();
  const previous = await readRecord(root, plan.name);
  if (previous && previous.target !== 'local' && previous.status !== 'destroyed') {
    throw new AppError('usage', `"${plan.name}" is already a ${previous.target} deployment of this project. Destroy it first (\`rdeploy destroy ${plan.name}\`) or choose another name.`);
  }
  const now = new Date().toISOString();
  // A redeploy carries what still exists, so that nothing is forgotten if this attempt fails.
  const carried = (previous?.resources ?? []).filter((r) => r.state === 'created');
  const record: DeploymentRecord = {
    version: 1,
    name: plan.name,
    target: 'local',
    status: 'deploying',
    projectRoot: root,
    handler: plan.project.handler,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    resources: [...carried.map((r) => ({ ...r })), { kind: 'image', id: details.imageTag, state: 'planned' }, { kind: 'container', id: details.container, state: 'planned' }],
    details: { image: details.imageTag, container: details.container, baseImage: details.baseImage, mode: details.mode },
  };
  const save = async () => {
    record.updatedAt = new Date().toISOString();
    await writeRecord(root, record);
  };
  await save();

  let builtImage: string | undefined;
  let containerId: string | undefined;
  try {
    progress?.report({ message: `Building image ${details.imageTag}` });
    builtImage = await buildImage(docker, { root, inputs: details.build, tag: details.imageTag, labels, signal, progress });
    resolveResource(record, 'image', details.imageTag, builtImage);
    record.details.imageId = builtImage;
    await save();
    if (signal?.aborted) throw cancelledError();

    progress?.report({ message: `Starting container ${details.container}` });
    await removeOwnContainer(docker, details.container, labels);
    for (const r of record.resources) if (r.kind === 'container' && r.state === 'created') r.state = 'deleted';
    const port = await choosePort(details.port, previous);
    record.details.port = port;
    containerId = await createContainer(docker, { name: details.container, image: builtImage, port, labels });
    resolveResource(record, 'container', details.container, containerId);
    await save();
    await startContainer(docker, containerId, details.container);

    progress?.report({ message: `Waiting for the model to load (GET /ping on 127.0.0.1:${port})` });
    await withStartupLogs(docker, record, progress, () =>
      waitReady(docker, { port, containerId: containerId!, name: plan.name, timeoutMs: deps.readyTimeoutMs, pollMs: deps.pollMs, signal, progress }),
    );

    record.status = 'running';
    record.endpoint = `http://127.0.0.1:${port}`;
    delete record.error;
    await removeReplacedImages(docker, record, builtImage);
    record.resources = record.resources.filter((r) => r.state !== 'deleted');
    await save();
    progress?.report({ message: `"${plan.name}" is running at ${record.endpoint}` });
    return record;
  } catch (e) {
    const error = signal?.aborted ? cancelledError() : toAppError(e);
    const leftovers = await cleanup(docker, record, { containerId, builtImage, carried: carried.map((r) => r.id) });
    record.status = 'failed';
    record.error = error.message + (leftovers.length ? ` (Could not remove ${leftovers.join(', ')}: run \`rdeploy destroy ${plan.name}\`.)` : '');
    if (!record.resources.some((r) => r.kind === 'container' && r.state === 'created')) delete record.endpoint;
    await save().catch(() => undefined); // the original error matters more than a failed write
    throw error;
  }
}

/** The requested port, else the previous deployment's (a stable endpoint), else a free one. */
async function choosePort(requested: number, previous: DeploymentRecord | undefined): Promise<number> {
  if (requested) {
    if (!(await isPortFree(requested))) {
      throw new AppError('deploy-failed', `Port ${requested} on 127.0.0.1 is already in use. Choose another port (--port) or stop what uses it.`);
    }
    return requested;
  }
  const before = previous?.details.port;
  if (typeof before === 'number' && before > 0 && (await isPortFree(before))) return before;
  return freePort();
}

/** Streams the container's output as progress lines while it loads (the R side's own messages). */
async function withStartupLogs<T>(docker: DockerClient, record: DeploymentRecord, progress: TargetContext['progress'], run: () => Promise<T>): Promise<T> {
  if (!progress) return run();
  const stop = new AbortController();
  const pump = (async () => {
    try {
      for await (const ev of containerLogs(docker, record, { follow: true, signal: stop.signal })) progress.report({ line: ev.message });
    } catch {
      // the log stream is a courtesy; the readiness check decides
    }
  })();
  try {
    return await run();
  } finally {
    stop.abort();
    await pump;
  }
}

/** After a redeploy, the images the previous deployment used are no longer needed. */
async function removeReplacedImages(docker: DockerClient, record: DeploymentRecord, keep: string): Promise<void> {
  for (const r of record.resources) {
    if (r.kind !== 'image' || r.state !== 'created' || r.id === keep) continue;
    if (!(await isOurs(docker, 'image', r.id, record.projectRoot, record.name))) continue;
    try {
      await removeImage(docker, r.id);
      r.state = 'deleted';
    } catch {
      // still in use by something else: it stays recorded, destroy tries again
    }
  }
}

/** Removes what this attempt created, never what an earlier deploy left running. */
async function cleanup(docker: DockerClient, record: DeploymentRecord, made: { containerId?: string; builtImage?: string; carried: string[] }): Promise<string[]> {
  const leftovers: string[] = [];
  if (made.containerId) {
    try {
      await removeQuietly(() => docker.getContainer(made.containerId!).remove({ force: true }));
      setResource(record, 'container', made.containerId, 'deleted');
    } catch (e) {
      leftovers.push(`container ${made.containerId.slice(0, 12)} (${dockerMessage(e)})`);
    }
  }
  if (made.builtImage && !made.carried.includes(made.builtImage)) {
    try {
      await removeImage(docker, made.builtImage!);
      setResource(record, 'image', made.builtImage, 'deleted');
    } catch (e) {
      leftovers.push(`image ${made.builtImage} (${dockerMessage(e)})`);
    }
  }
  // Nothing planned was created: drop those entries so the record says what exists.
  record.resources = record.resources.filter((r) => r.state !== 'planned');
  return leftovers;
}

function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  return new AppError('deploy-failed', `The deploy failed: ${dockerMessage(e)}`, { cause: e });
}
