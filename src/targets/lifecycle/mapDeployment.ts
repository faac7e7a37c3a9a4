import { availableParallelism } from 'node:os';
import { runMap, type MapExecutor, type MapSummary, type RunMapOptions } from '../../core/map';
import type { Progress } from '../Target';
import type { Deployments } from './Deployments';
import type { Located } from './records';

/** Concurrent invocations on a cloud target unless told otherwise. */
export const CLOUD_MAP_CONCURRENCY = 4;

/** Calls at once when none is asked for: local Docker (and a cloud target's twins there) the cores, a cloud target 4. */
export function defaultMapConcurrency(kind: string, twin = false): number {
  return kind === 'local' || twin ? availableParallelism() : CLOUD_MAP_CONCURRENCY;
}

export interface MapDeploymentOptions extends Omit<RunMapOptions, 'deployment' | 'executor'> {
  concurrency: number;
  /** Made when the executor is (so that an input or output refused at once shows no progress). */
  progress?: () => Progress;
  /** Runs the calls somewhere else than the deployment (`--local`: its twins in local Docker). */
  executor?: (work: { signal: AbortSignal; progress?: Progress }) => Promise<MapExecutor>;
}

/**
 * `rdeploy map` of one deployment, for the CLI and the extension alike: the answers are tied to
 * the deployment as it is now (a redeploy is not resumed into), and the calls run on its
 * target's executor (Target.map, else concurrent invokes) unless `executor` says otherwise.
 */
export function mapDeployment(deployments: Pick<Deployments, 'mapExecutor'>, at: Located, opts: MapDeploymentOptions): Promise<MapSummary> {
  const { concurrency, progress, executor, ...run } = opts;
  return runMap({
    ...run,
    deployment: { name: at.record.name, target: at.record.target, deployedAt: at.record.updatedAt },
    executor: (signal, { estimatedUnits }) => {
      const work = { signal, ...(progress ? { progress: progress() } : {}) };
      if (executor) return executor(work);
      return deployments.mapExecutor(at, { concurrency, ...(estimatedUnits ? { estimatedUnits } : {}) }, work);
    },
  });
}
