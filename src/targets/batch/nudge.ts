import type { BatchClient } from '../../clouds/azure/batch';

/** Batch takes enableAutoScale at most once every 30 s per pool. */
const MIN_GAP_MS = 30_000;
/** Enough to cover a node's start; after that the formula's own evaluations take over. */
const MAX_NUDGES = 10;

/**
 * Work waiting on a pool with no node would wait for the formula's next evaluation (every 15
 * min). Setting the same formula again makes Batch evaluate it at once: this does that while
 * work waits and the pool has no node, at most once every 30 s and never while it resizes (Batch
 * refuses both with 409). Best effort: a refusal only means the next look tries again.
 */
export function autoscaleNudger(data: BatchClient, poolId: string, now: () => number = Date.now): () => Promise<boolean> {
  let last = -Infinity;
  let count = 0;
  return async () => {
    if (count >= MAX_NUDGES || now() - last < MIN_GAP_MS) return false;
    try {
      const pool = await data.getPool(poolId);
      const nodes = (pool.currentDedicatedNodes ?? 0) + (pool.currentLowPriorityNodes ?? 0) + (pool.targetDedicatedNodes ?? 0) + (pool.targetLowPriorityNodes ?? 0);
      if (nodes > 0 || pool.allocationState !== 'steady' || !pool.enableAutoScale || !pool.autoScaleFormula) return false;
      last = now();
      count++;
      await data.enablePoolAutoScale(poolId, { autoScaleFormula: pool.autoScaleFormula, ...(pool.autoScaleEvaluationInterval ? { autoScaleEvaluationInterval: pool.autoScaleEvaluationInterval } : {}) });
      return true;
    } catch {
      return false;
    }
  };
}
