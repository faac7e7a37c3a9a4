import { AppError } from '../../core/errors';
import type { DeploymentRecord } from '../../core/records/record';
import { buildImage } from '../image/buildImage';
import { ensureRuntimeImage, pinRuntime } from '../image/runtimeImage';
import type { DeployStep, Plan, StepState, TargetContext } from '../Target';
import { createContainer, removeOwnContainer, startContainer } from './container';
import type { LocalPlanDetails } from './details';
import { localRecordDetails } from './details';
import { freePort, isPortFree } from './freePort';
import { containerLogs } from './logs';
import { maxPayloadBytes } from './plan';
import { waitReady } from './waitReady';

export interface ReadyOptions {
  /** How long the model may take to answer GET /ping after the container starts. */
  timeoutMs: number;
  pollMs: number;
}

/**
 * A local deploy: make sure the shared runtime image exists (built once per base image, waiting
 * for a concurrent deploy that is building it; not this deployment's resource, so nothing is
 * recorded for it), build the image (the previous one goes once the new deployment answers), create
 * the container (the previous one goes first: they share a name and a port), start it and wait
 * for GET /ping. The lifecycle records each step and rolls back on failure.
 */
export function localSteps(plan: Plan<LocalPlanDetails>, ready: ReadyOptions): DeployStep[] {
  const d = plan.details;
  const runtime = d.build.runtime;
  // The runtime image id the first step ensured: the build starts FROM exactly that (pinRuntime).
  let runtimeId: string | undefined;
  return [
    ...(runtime
      ? [{
        title: 'Preparing the R Deploy runtime',
        run: async ({ ctx, owner }: StepState) => {
          runtimeId = (await ensureRuntimeImage(await ctx.connections.docker(), runtime, { logRoot: owner.root, signal: ctx.signal, progress: ctx.progress })).id;
        },
      }]
      : []),
    {
      title: `Building image ${d.imageTag}`,
      creates: { kind: 'image', id: d.imageTag, replaces: 'after' },
      run: async ({ ctx, owner }) => {
        const docker = await ctx.connections.docker();
        const inputs = runtime && runtimeId ? { ...d.build, dockerfile: pinRuntime(d.build.dockerfile, { tag: runtime.tag, id: runtimeId }) } : d.build;
        const id = await buildImage(docker, { root: owner.root, inputs, tag: d.imageTag, labels: {}, signal: ctx.signal, progress: ctx.progress });
        return { id, details: { image: d.imageTag, imageId: id, container: d.container, baseImage: d.baseImage, mode: plan.runtimeMode } };
      },
    },
    {
      title: `Creating container ${d.container}`,
      creates: { kind: 'container', id: d.container, replaces: 'before' },
      run: async ({ ctx, owner, previous, created }) => {
        const docker = await ctx.connections.docker();
        // One of ours left unrecorded by a crash has the name we need: it goes; anyone else's stays.
        await removeOwnContainer(docker, d.container, owner);
        const port = await choosePort(d.port, previous);
        const id = await createContainer(docker, { name: d.container, image: created('image')!, port, owner, settings: d.settings });
        const limits = { maxPayloadBytes: maxPayloadBytes(d.settings), invokeTimeoutSeconds: d.settings.invokeTimeoutSeconds };
        return { id, details: { port, ...limits }, endpoint: `http://127.0.0.1:${port}` };
      },
    },
    {
      title: `Starting container ${d.container}`,
      run: async (state) => {
        const docker = await state.ctx.connections.docker();
        const id = state.created('container')!;
        await startContainer(docker, id, d.container);
        const port = localRecordDetails(state.record.details).port!;
        state.ctx.progress?.report({ message: `Waiting for the model to load (GET /ping on 127.0.0.1:${port})` });
        await withStartupLogs(state, () =>
          waitReady(docker, { port, containerId: id, name: plan.name, timeoutMs: ready.timeoutMs, pollMs: ready.pollMs, signal: state.ctx.signal, progress: state.ctx.progress }),
        );
      },
    },
  ];
}

/** The requested port, else the previous deployment's (a stable endpoint), else a free one. */
async function choosePort(requested: number, previous: DeploymentRecord | undefined): Promise<number> {
  if (requested) {
    if (!(await isPortFree(requested))) {
      throw new AppError('deploy-failed', `Port ${requested} on 127.0.0.1 is already in use. Choose another port (--port) or stop what uses it.`);
    }
    return requested;
  }
  const before = previous?.target === 'local' ? localRecordDetails(previous.details).port : undefined;
  if (before && (await isPortFree(before))) return before;
  return freePort();
}

/** Streams the container's output as progress lines while it loads (the R side's own messages). */
async function withStartupLogs<T>(state: StepState, run: () => Promise<T>): Promise<T> {
  const progress: TargetContext['progress'] = state.ctx.progress;
  if (!progress) return run();
  const docker = await state.ctx.connections.docker();
  const stop = new AbortController();
  const pump = (async () => {
    try {
      for await (const ev of containerLogs(docker, state.record as DeploymentRecord, { follow: true, signal: stop.signal })) progress.report({ line: ev.message });
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
