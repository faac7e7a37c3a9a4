import { availableParallelism, hostname } from 'node:os';
import { AppError, cancelledError } from '../../core/errors';
import { answerOf, CallFailure, poolExecutor, type CallSlot, type MapExecutor, type MapExecutorOptions } from '../../core/map';
import type { Owner } from '../../core/owner';
import type { DeploymentRecord } from '../../core/records/record';
import { dockerMessage, dockerStatus, removeQuietly, type DockerClient } from '../image/dockerClient';
import type { TargetContext } from '../Target';
import { localRecordDetails } from './details';
import { freePort } from './freePort';
import { DEFAULT_LIMITS, invokeLocal, type InvokeLimits } from './invoke';
import { containerCreateRequest } from './plan';
import { containerRef, MAP_LABEL, removeMapContainers } from './resources';
import { withDefaults } from './settings';
import { pingOnce, waitReady } from './waitReady';


export interface LocalMapOptions {
  /** How long a container may take to answer GET /ping (start, and after it restarted). */
  readyTimeoutMs?: number;
  /** The cores there are (tests pass their own). */
  cores?: number;
}

/**
 * `rdeploy map` on local Docker: K = min(concurrency, cores) containers of the deployment's image
 * in http mode, one R worker and one CPU each, on free ports of 127.0.0.1 (host network), one call
 * at a time each. The deployment's own container, when it answers, is the first of them. Each
 * container carries the deployment's labels (destroy finds them) and MAP_LABEL; the executor's
 * close() removes them, and a later map removes those of a process that died.
 */
export async function localMapExecutor(record: DeploymentRecord, options: MapExecutorOptions, ctx: TargetContext, opts: LocalMapOptions = {}): Promise<MapExecutor> {
  const docker = await ctx.connections.docker();
  const d = localRecordDetails(record.details);
  const owner: Owner = { root: record.projectRoot, name: record.name };
  const image = d.imageId ?? d.image;
  if (!image) throw new AppError('invoke-failed', `"${record.name}" has no image yet (its status is ${record.status}). Deploy it with \`rdeploy deploy\`.`);
  await docker.getImage(image).inspect().catch((e: unknown) => {
    if (dockerStatus(e) === 404) throw new AppError('invoke-failed', `The image of "${record.name}" (${d.image ?? image}) is gone. Deploy it again with \`rdeploy deploy\`.`, { cause: e });
    throw e;
  });
  await removeStaleMapContainers(docker, owner);
  const limits: InvokeLimits = { maxPayloadBytes: d.maxPayloadBytes ?? DEFAULT_LIMITS.maxPayloadBytes, timeoutMs: (d.invokeTimeoutSeconds ?? DEFAULT_LIMITS.timeoutMs / 1000) * 1000 };
  const readyMs = opts.readyTimeoutMs ?? 120_000;
  const k = Math.max(1, Math.min(options.concurrency, opts.cores ?? availableParallelism(), options.estimatedUnits ?? Infinity));
  const slots: CallSlot[] = [];
  const started: string[] = [];
  const close = () => Promise.all(started.map((id) => removeQuietly(() => docker.getContainer(id).remove({ force: true })).catch(() => undefined))).then(() => undefined);
  try {
    const own = await ownPort(docker, record);
    if (own && (await pingOnce(own))) slots.push(httpSlot(docker, record, containerRef(record), own, limits, readyMs));
    const run = `${hostname()}:${process.pid}`;
    const settings = { ...withDefaults({}), workers: 1, cpus: 1 };
    const fresh: { id: string; port: number }[] = [];
    for (let i = slots.length; i < k; i++) {
      if (ctx.signal?.aborted) throw cancelledError();
      const port = await freePort();
      const spec = containerCreateRequest(image, port, owner, settings);
      const name = `rdeploy-${record.name}-map-${process.pid.toString(36)}-${i + 1}`;
      const container = await docker.createContainer({ name, ...spec, Labels: { ...spec.Labels, [MAP_LABEL]: run } }).catch((e: unknown) => {
        throw new AppError('invoke-failed', `Docker could not create the map container ${name}: ${dockerMessage(e)}`, { cause: e });
      });
      started.push(container.id);
      await container.start().catch((e: unknown) => {
        throw new AppError('invoke-failed', `Docker could not start the map container ${name}: ${dockerMessage(e)}`, { cause: e });
      });
      fresh.push({ id: container.id, port });
    }
    if (fresh.length) ctx.progress?.report({ message: `Starting ${fresh.length} container${fresh.length === 1 ? '' : 's'} of ${d.image ?? image}` });
    await Promise.all(fresh.map((c) => waitReady(docker, { port: c.port, containerId: c.id, name: record.name, timeoutMs: readyMs, pollMs: 200, signal: ctx.signal })));
    for (const c of fresh) slots.push(httpSlot(docker, record, c.id, c.port, limits, readyMs));
  } catch (e) {
    await close();
    throw ctx.signal?.aborted ? cancelledError() : e;
  }
  const what = `${k} container${k === 1 ? '' : 's'} of ${d.image ?? image} on local Docker${slots.length > started.length ? ' (the deployment\'s own among them)' : ''}`;
  return poolExecutor(slots, { description: what, noun: 'container', close });
}

/** One container, one call at a time; after a failure it is ready again once it answers GET /ping (Docker restarts a model that died). */
function httpSlot(docker: DockerClient, record: DeploymentRecord, container: string, port: number, limits: InvokeLimits, readyMs: number): CallSlot {
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    async call(payload, signal) {
      try {
        return answerOf(await invokeLocal({ ...record, endpoint }, payload, { signal }, limits));
      } catch (e) {
        if (e instanceof AppError && e.code === 'invoke-failed') throw new CallFailure(e.message, true, 'CallFailed', { cause: e });
        throw e;
      }
    },
    async recover(signal) {
      const deadline = Date.now() + readyMs;
      let downSince: number | undefined;
      while (Date.now() < deadline && !signal.aborted) {
        if (await pingOnce(port)) return true;
        const state = await docker.getContainer(container).inspect().then((i) => i.State, () => undefined);
        if (!state) return false;
        // Docker's restart policy brings a model back within seconds; a container that stays down is done.
        if (!state.Running && !state.Restarting) {
          downSince ??= Date.now();
          if (Date.now() - downSince > 10_000) return false;
        } else downSince = undefined;
        await new Promise((r) => setTimeout(r, 250));
      }
      return false;
    },
  };
}

/** The port the deployment's own container serves on, when it runs. */
async function ownPort(docker: DockerClient, record: DeploymentRecord): Promise<number | undefined> {
  const info = await docker.getContainer(containerRef(record)).inspect().catch(() => undefined);
  if (!info?.State.Running) return undefined;
  const port = (info.Config.Env ?? []).find((e) => e.startsWith('PORT='))?.slice('PORT='.length);
  return port ? Number(port) : undefined;
}

/** Map containers of this deployment left by a process of this host that is gone (killed before it could clean up). */
function removeStaleMapContainers(docker: DockerClient, owner: Owner): Promise<void> {
  return removeMapContainers(docker, owner, (label) => {
    const [host, pid] = label.split(':');
    return host !== hostname() || !pid || alive(Number(pid));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

