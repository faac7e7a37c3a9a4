import { answerOf, poolExecutor, type CallSlot, type MapExecutor } from '../../core/map';
import type { InvokeResult } from '../../core/deployment';

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
