import { azureFailure } from '../../clouds/azure/failure';
import type { LogEvent } from '../../core/deployment';
import type { Owner } from '../../core/owner';
import { taggedFor } from '../../core/owner';
import type { DeploymentRecord } from '../../core/records/record';
import type { LogOptions, TargetContext } from '../Target';
import type { AciClients } from './clients';
import { RESULT_MARK } from './containerGroup';
import { CONTAINER_NAME } from './names';
import { collectedLogs, workflowOf } from './runs';

/** How often a followed run's logs are read (as `az container attach` does). */
const POLL_MS = 2_000;
/** Runs whose collected logs a plain `rdeploy logs` shows. */
const RECENT_RUNS = 5;

/**
 * The logs of a deployment's runs. Past runs: what the workflow collected before it deleted
 * each group, from the run history. With follow: every container group of the deployment that
 * exists, read every 2 s, each line shown once; a group the workflow deletes simply stops.
 */
export async function* aciLogs(record: DeploymentRecord, opts: LogOptions, ctx: TargetContext): AsyncIterable<LogEvent> {
  const { c, rg, wf } = await workflowOf(record, ctx);
  const past: LogEvent[] = [];
  try {
    const runs = [];
    for await (const run of c.logic.workflowRuns.list(rg, wf, { top: RECENT_RUNS })) {
      runs.push(run);
      if (runs.length >= RECENT_RUNS) break;
    }
    for (const run of runs.reverse()) {
      if (!run.name || run.status === 'Running') continue;
      const text = await collectedLogs(c, rg, wf, run.name, opts.signal);
      const at = (run.startTime ? new Date(run.startTime) : new Date()).toISOString();
      past.push({ timestamp: at, stream: 'stdout', message: `--- run ${run.name} (${run.trigger?.name ?? 'trigger'}, ${run.status}) ---` });
      for (const line of lines(text ?? '(no logs collected: the container group was not created or did not start)')) past.push({ timestamp: at, stream: 'stdout', message: line });
    }
  } catch (e) {
    throw azureFailure(`Reading the runs of ${wf}`, e);
  }
  const tail = opts.tail === undefined ? past : opts.tail <= 0 ? [] : past.slice(-opts.tail);
  for (const event of tail) yield event;
  if (!opts.follow) return;
  yield* followGroups(c, rg, { root: record.projectRoot, name: record.name }, opts.signal);
}

async function* followGroups(c: AciClients, rg: string, owner: Owner, signal?: AbortSignal): AsyncIterable<LogEvent> {
  const seen = new Map<string, number>();
  while (!signal?.aborted) {
    try {
      for await (const g of c.aci.containerGroups.listByResourceGroup(rg)) {
        if (!g.name || !taggedFor(g.tags, owner)) continue;
        let content = '';
        try {
          content = (await c.aci.containers.listLogs(rg, g.name, CONTAINER_NAME)).content ?? '';
        } catch {
          continue; // not started yet, or deleted between the list and the read
        }
        const all = lines(content);
        const from = seen.get(g.name) ?? 0;
        if (from === 0 && all.length) yield { timestamp: new Date().toISOString(), stream: 'stdout', message: `--- container group ${g.name} ---` };
        for (const line of all.slice(from)) yield { timestamp: new Date().toISOString(), stream: 'stdout', message: line };
        seen.set(g.name, all.length);
      }
    } catch (e) {
      throw azureFailure('Reading the running container groups', e);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Log lines without the framed result (a machine line; the JSON line above it says the same). */
const lines = (text: string): string[] => text.split(/\r?\n/).filter((l, i, all) => !(l === '' && i === all.length - 1) && !l.startsWith(RESULT_MARK));
