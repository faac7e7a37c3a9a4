import { LOCAL_PRICES, localMeters } from '../../core/cost';
import { AppError } from '../../core/errors';
import type { DeploymentRecord } from '../../core/records/record';
import { generatedBuildInputs } from '../image/generatedBuildInputs';
import type { BuildInputsFactory } from '../image/buildInputs';
import { dockerStatus } from '../image/dockerClient';
import { taggedFor } from '../../core/owner';
import type { Plan, Target, TargetContext } from '../Target';
import { isPortFree } from './freePort';
import { localRecordDetails, LocalRecordDetailsSchema, type LocalPlanDetails } from './details';
import { DEFAULT_LIMITS, invokeLocal } from './invoke';
import { containerLogs } from './logs';
import { localMapExecutor } from './map';
import { planLocal } from './plan';
import { containerRef, containerResource, imageResource } from './resources';
import { LocalSettingsSchema } from './settings';
import { containerStatus } from './status';
import { localSteps, type ReadyOptions } from './steps';

export interface LocalTargetOptions {
  /** Dockerfile, .dockerignore and generated files for a project (tests swap in small ones). */
  buildInputs?: BuildInputsFactory;
  ready?: Partial<ReadyOptions>;
}

/** Local Docker: the default target, no cloud account. The container runs on the host network, bound to 127.0.0.1. */
export function createLocalTarget(options: LocalTargetOptions = {}): Target<LocalPlanDetails> {
  const buildInputs = options.buildInputs ?? generatedBuildInputs;
  const ready: ReadyOptions = { timeoutMs: 120_000, pollMs: 250, ...options.ready };
  return {
    kind: 'local',
    settings: LocalSettingsSchema,
    recordDetails: LocalRecordDetailsSchema,
    runtimeMode: () => 'http',
    plan: (project, planOptions) => planLocal(project, planOptions, buildInputs),
    preflight: (plan, ctx) => preflight(plan, ctx),
    steps: (plan) => localSteps(plan, ready),
    resources: { image: imageResource, container: containerResource },
    anchor: 'container',
    anchorRef: containerRef,
    invoke: async (record, payload, ctx) => {
      const endpoint = await servingEndpoint(record, ctx);
      if (!endpoint) throw new AppError('invoke-failed', `"${record.name}" is not running: its container is gone. Deploy it again with \`rdeploy deploy\`, or destroy it.`);
      const d = localRecordDetails(record.details);
      const limits = { maxPayloadBytes: d.maxPayloadBytes ?? DEFAULT_LIMITS.maxPayloadBytes, timeoutMs: (d.invokeTimeoutSeconds ?? DEFAULT_LIMITS.timeoutMs / 1000) * 1000 };
      return invokeLocal({ ...record, endpoint }, payload, ctx, limits);
    },
    map: (record, mapOptions, ctx) => localMapExecutor(record, mapOptions, ctx, { readyTimeoutMs: ready.timeoutMs }),
    logs: (record, opts, ctx) => logsOf(record, opts, ctx),
    status: async (record, ctx) => containerStatus(await ctx.connections.docker(), record),
    describe: (record) => {
      const d = localRecordDetails(record.details);
      if (!d.image) return [];
      return [{ kind: 'image', label: d.image, description: d.imageId?.replace(/^sha256:/, '').slice(0, 12), tooltip: [d.image, d.imageId, d.baseImage && `FROM ${d.baseImage}`].filter(Boolean).join('\n') }];
    },
    prices: LOCAL_PRICES,
    usage: () => localMeters(),
    redeployOptions: (record) => ({ baseImage: localRecordDetails(record.details).baseImage }),
  };
}

export const localTarget = createLocalTarget();

async function* logsOf(record: DeploymentRecord, opts: Parameters<Target['logs']>[1], ctx: TargetContext) {
  yield* containerLogs(await ctx.connections.docker(), record, opts);
}

/**
 * Where the container really serves: the PORT it was created with, not what the record file
 * says (a record can be edited or copied; invoking must reach this deployment's own container).
 */
async function servingEndpoint(record: DeploymentRecord, ctx: TargetContext): Promise<string | undefined> {
  try {
    const info = await (await ctx.connections.docker()).getContainer(containerRef(record)).inspect();
    const port = (info.Config.Env ?? []).find((e) => e.startsWith('PORT='))?.slice('PORT='.length);
    return port ? `http://127.0.0.1:${port}` : record.endpoint;
  } catch (e) {
    if (dockerStatus(e) === 404) return undefined;
    throw e;
  }
}

/**
 * Before anything is recorded or replaced: the engine answers, and a requested port is free or
 * already this deployment's (a redeploy). Found later, a busy port would fail the deploy after the
 * working container had been removed.
 */
async function preflight(plan: Plan<LocalPlanDetails>, ctx: TargetContext): Promise<void> {
  const docker = await ctx.connections.docker();
  const port = plan.details.port;
  if (!port || (await isPortFree(port))) return;
  const owner = { root: plan.project.root, name: plan.name };
  const mine = await docker
    .getContainer(plan.details.container)
    .inspect()
    .then((info) => taggedFor(info.Config.Labels, owner) && (info.Config.Env ?? []).includes(`PORT=${port}`))
    .catch(() => false);
  if (!mine) throw new AppError('deploy-failed', `Port ${port} on 127.0.0.1 is already in use. Choose another port (--set port=…) or stop what uses it.`);
}
