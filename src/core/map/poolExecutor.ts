import { AppError, cancelledError } from '../errors';
import { classifyFailure, DEFAULT_RETRY, type RetryPolicy } from './retry';
import type { HandlerError, MapEvents, MapExecutor, MapTask, UnitOutcome } from './types';

/** What one call answered: the handler's value (with its JSON text), or the error it raised. */
export type CallAnswer = { ok: true; value: unknown; raw?: string } | { ok: false; error: HandlerError };

/**
 * Somewhere one call runs at a time: a container, or one lane of concurrent invocations. `call`
 * throws when it got no answer (CallFailure, or any error: retried).
 */
export interface CallSlot {
  call(payload: string, signal: AbortSignal): Promise<CallAnswer>;
  /**
   * After a failed call: whether the slot can serve again (a container restarted and answers
   * its health check). False retires it; its task goes to another slot. Absent: always.
   */
  recover?(signal: AbortSignal): Promise<boolean>;
}

export interface PoolOptions {
  description: string;
  /** What a slot is called in the sentence when none is left ("container"). */
  noun?: string;
  retry?: RetryPolicy;
  /** Releases the slots (removes containers); called by the executor's close(), once. */
  close?(): Promise<void>;
}

/**
 * The generic executor: one worker per slot pulls the next task (a retry waiting for a slot
 * first), calls, and on a failure without an answer waits (the policy's back-off), lets the
 * slot recover, and tries again — up to the policy's attempts, then the unit is recorded as a
 * failed call. An answer, an R error included, is recorded as it is. The first cancellation or
 * fatal error stops every worker; `run` settles only once all of them have.
 */
export function poolExecutor(slots: readonly CallSlot[], options: PoolOptions): MapExecutor {
  const policy = options.retry ?? DEFAULT_RETRY;
  let closed = false;
  return {
    description: options.description,
    concurrency: slots.length,
    async run(tasks: AsyncIterable<MapTask>, events: MapEvents, outer: AbortSignal): Promise<void> {
      const iterator = tasks[Symbol.asyncIterator]();
      const stop = new AbortController();
      const signal = AbortSignal.any([outer, stop.signal]);
      const queue: { task: MapTask; attempt: number }[] = [];
      let inFlight = 0;
      let exhausted = false;
      let live = slots.length;
      let wake: () => void = () => undefined;
      let changed = new Promise<void>((r) => (wake = r));
      const notify = () => {
        wake();
        changed = new Promise<void>((r) => (wake = r));
      };
      const aborted = new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));

      // One pull at a time, shared: the tasks may hold back (the driver's window waits for an
      // earlier answer), and a worker waiting for the next task must still see a task another
      // worker hands back — else the task the window waits for would never be taken again.
      let pull: { next: Promise<IteratorResult<MapTask>>; claimed: boolean } | undefined;
      const take = async (): Promise<{ task: MapTask; attempt: number } | undefined> => {
        for (;;) {
          if (signal.aborted) throw cancelledError();
          const queued = queue.shift();
          if (queued) return queued;
          if (!exhausted) {
            if (!pull) {
              inFlight++;
              pull = { next: iterator.next(), claimed: false };
            }
            const mine = pull;
            const next = await Promise.race([mine.next, changed.then(() => null), aborted.then(() => null)]);
            if (next === null || mine.claimed) continue;
            mine.claimed = true;
            pull = undefined;
            if (!next.done) return { task: next.value, attempt: 1 };
            inFlight--;
            exhausted = true;
            notify();
            continue;
          }
          if (inFlight === 0) return undefined;
          // Another worker's task may still fail and come back to the queue.
          await Promise.race([changed, aborted]);
        }
      };
      const settle = (task: MapTask, outcome: UnitOutcome) => {
        if (signal.aborted) return;
        inFlight--;
        events.finished(task.index, outcome);
        notify();
      };

      const worker = async (slot: CallSlot): Promise<void> => {
        for (;;) {
          const job = await take();
          if (!job) return;
          const { task } = job;
          for (let attempt = job.attempt; ; attempt++) {
            events.started(task.index, attempt);
            let answer: CallAnswer;
            try {
              answer = await slot.call(task.payload, signal);
            } catch (e) {
              const how = classifyFailure(e);
              if (how === 'cancelled' || signal.aborted) throw cancelledError();
              if (!how.retryable) {
                settle(task, { kind: 'error', error: how.error, attempts: attempt });
                break;
              }
              if (attempt >= policy.attempts) {
                settle(task, { kind: 'failed', error: how.error, attempts: attempt });
                break;
              }
              events.retrying(task.index, attempt, how.error.errorMessage);
              await sleep(policy.delayMs(attempt), signal);
              if (slot.recover && !(await slot.recover(signal))) {
                if (signal.aborted) throw cancelledError();
                // This slot cannot serve any more: the task goes to another one.
                queue.push({ task, attempt: attempt + 1 });
                live--;
                notify();
                if (live === 0) throw new AppError('invoke-failed', `No ${options.noun ?? 'worker'} is left that answers (the last failure: ${how.error.errorMessage}).`);
                return;
              }
              continue;
            }
            settle(task, answer.ok ? { kind: 'result', value: answer.value, ...(answer.raw !== undefined ? { raw: answer.raw } : {}), attempts: attempt } : { kind: 'error', error: answer.error, attempts: attempt });
            break;
          }
        }
      };

      const results = await Promise.allSettled(
        slots.map((slot) =>
          worker(slot).catch((e: unknown) => {
            // The first failure stops the others; they end with the cancellation it causes.
            if (!stop.signal.aborted) stop.abort();
            throw e;
          }),
        ),
      );
      const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
      if (outer.aborted) throw cancelledError();
      const fatal = errors.find((e) => !(e instanceof AppError && e.cancelled));
      if (fatal !== undefined) throw fatal;
      if (errors.length) throw errors[0];
    },
    async close() {
      if (closed) return;
      closed = true;
      await options.close?.();
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
