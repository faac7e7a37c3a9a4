/**
 * Failures a test tells a double to answer with, and the error every double throws.
 *
 * A double answers each fault the way its own service does (protocol, status, code), so the
 * SDK under test classifies it exactly as it would a real one: a throttle is retried, an error
 * with a 4xx status is not.
 */

export type Fault = { operation: string; times?: number } & (
  | { kind: 'throttle'; retryAfterSeconds?: number }
  | { kind: 'error'; status: number; code: string; message: string }
);

/** An AWS error answer, before a protocol renders it (XML for awsQuery, JSON otherwise). */
export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** How a service says "slow down": each protocol names and numbers it differently. */
export interface Throttling {
  status: number;
  code: string;
  message: string;
}

/**
 * Pending faults, first injected first used. `operation: '*'` matches every operation;
 * `times` defaults to 1, so a fault is spent once it has been answered that many times.
 */
export class FaultPlan {
  private readonly pending: Array<{ fault: Fault; left: number }> = [];

  add(fault: Fault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`fault.times must be a positive integer, got ${times}`);
    this.pending.push({ fault, left: times });
  }

  /** The error to answer `operation` with now, if a fault is pending for it. */
  take(operation: string, throttling: Throttling): AwsError | undefined {
    const index = this.pending.findIndex(({ fault }) => fault.operation === operation || fault.operation === '*');
    const entry = this.pending[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left === 0) this.pending.splice(index, 1);
    const { fault } = entry;
    if (fault.kind === 'error') return new AwsError(fault.status, fault.code, fault.message);
    const headers: Record<string, string> =
      fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
    return new AwsError(throttling.status, throttling.code, throttling.message, headers);
  }
}
