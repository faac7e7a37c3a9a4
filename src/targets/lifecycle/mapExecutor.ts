import { answerOf, poolExecutor, type CallSlot, type MapExecutor } from '../../core/map';
import type { InvokeResult } from '../../core/deployment';
import type { LocalTwin } from '../Packaging';

/**
 * The generic `rdeploy map` executor: `lanes` invocations at a time through a target's own
 * invoke (Lambda's Invoke, ACI's Logic App run, a local twin), each answer as the target gives
 * it; failures without an answer are retried by the pool's policy.
 */
export function invokeExecutor(invoke: (payload: string, signal: AbortSignal) => Promise<InvokeResult>, lanes: number, description: string): MapExecutor {
  const slots: CallSlot[] = Array.from({ length: Math.max(1, lanes) }, () => ({
    call: async (payload, signal) => answerOf(await invoke(payload, signal)),
  }));
  return poolExecutor(slots, { description, noun: 'invocation' });
}

/**
 * `lanes` local twins started once and reused, one call at a time each; after a call that got no
 * answer the twin is replaced by a new one (a new environment, as the cloud would start), and a
 * twin that cannot be started retires its lane.
 */
export async function twinExecutor(start: (signal?: AbortSignal) => Promise<LocalTwin>, lanes: number, description: string, signal?: AbortSignal): Promise<MapExecutor> {
  const twins: LocalTwin[] = [];
  const closeAll = () => Promise.all(twins.map((t) => t.close().catch(() => undefined))).then(() => undefined);
  try {
    for (const twin of await Promise.allSettled(Array.from({ length: Math.max(1, lanes) }, () => start(signal)))) {
      if (twin.status === 'fulfilled') twins.push(twin.value);
      else throw twin.reason;
    }
  } catch (e) {
    await closeAll();
    throw e;
  }
  const slots: CallSlot[] = twins.map((_, i) => ({
    call: async (payload, s) => answerOf(await twins[i]!.invoke(payload, s)),
    recover: async (s) => {
      await twins[i]!.close().catch(() => undefined);
      try {
        twins[i] = await start(s);
        return true;
      } catch {
        return false;
      }
    },
  }));
  return poolExecutor(slots, { description, noun: 'local twin', close: closeAll });
}
