import { ArmError, throttled } from './errors';
import type { ArmFault } from './types';

/**
 * Faults a test asked for, first injected first used. `operation: '*'` matches every ARM
 * operation (not the Entra ID token endpoint). A throttle answers like ARM's own throttling
 * (429 SubscriptionRequestsThrottled with Retry-After), so the real SDK retries it.
 */
export class FaultPlan {
  private readonly pending: Array<{ fault: ArmFault; left: number }> = [];

  add(fault: ArmFault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new Error(`times must be a positive integer, got ${times}`);
    this.pending.push({ fault, left: times });
  }

  take(operation: string, context: { subscriptionId: string; objectId: string; method: string }): ArmError | undefined {
    const index = this.pending.findIndex(({ fault }) => fault.operation === operation || fault.operation === '*');
    const entry = this.pending[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left === 0) this.pending.splice(index, 1);
    const { fault } = entry;
    if (fault.kind === 'error') return new ArmError(fault.status, fault.code, fault.message);
    return throttled(context.subscriptionId, context.objectId, context.method, fault.retryAfterSeconds ?? 1);
  }

  clear(): void {
    this.pending.length = 0;
  }
}
