import { randomUUID } from 'node:crypto';
import { allActions, childSets, securedParts, type ActionDefinition } from '../definition';
import type { ExpressionRuntime } from '../expressions/functions';
import { ExpressionError, findProperty } from '../expressions/values';
import { runCompose, runResponse, runWait } from './actions/basic';
import { runHttp } from './actions/http';
import { runIf, runScope, runUntil } from './actions/control';
import { runWorkflow } from './actions/workflow';
import type { ActionRun, EngineHost, Outcome, RunSpec } from './context';
import { predecessorsEnded, setStatus, unmetPredecessor } from './graph';
import { ACTION_FAILED, skippedByRunAfter, skippedWithContainer, type CloudError } from './messages';
import { actionView, triggerView, type ActionRecord, type ActionStatus, type RunRecord } from './records';

/**
 * The interpreter of the workflow definition subset the double runs: it walks the runAfter
 * graph of each sibling set (parallel branches run concurrently), runs each action through its
 * executor and keeps the run history the ARM side serves. Pure apart from what the host gives
 * it (the network, the identity's tokens, the clock); every wait is multiplied by timeScale.
 */

export interface RunHandle {
  record: RunRecord;
  /** Settles when the run has ended (never rejects). */
  done: Promise<RunRecord>;
  /** Cancels the run: running actions end Cancelled, the run Cancelled. */
  cancel(): void;
}

type Executor = (run: ActionRun) => Promise<Outcome>;

const EXECUTORS: Record<string, Executor> = {
  http: runHttp,
  compose: runCompose,
  wait: runWait,
  response: runResponse,
  scope: runScope,
  if: runIf,
  until: runUntil,
  workflow: runWorkflow,
};

const iso = (d: Date) => d.toISOString();

export function startRun(spec: RunSpec, host: EngineHost): RunHandle {
  const run = new Run(spec, host);
  return { record: run.record, done: run.start(), cancel: () => run.cancel() };
}

class Run {
  readonly record: RunRecord;
  private readonly abort = new AbortController();
  private readonly timeScale: number;
  private readonly definitions = new Map<string, ActionDefinition>();
  private readonly rt: ExpressionRuntime;

  constructor(
    private readonly spec: RunSpec,
    private readonly host: EngineHost,
  ) {
    this.timeScale = spec.timeScale ?? 1;
    for (const place of allActions(spec.definition.actions)) this.definitions.set(place.name, place.action);
    const now = iso(this.now());
    this.record = {
      name: spec.runName,
      status: 'Running',
      startTime: now,
      correlationId: randomUUID(),
      trigger: {
        name: spec.trigger.name,
        type: spec.trigger.type,
        startTime: now,
        endTime: now,
        ...(spec.trigger.scheduledTime ? { scheduledTime: spec.trigger.scheduledTime } : {}),
        status: 'Succeeded',
        code: 'OK',
        ...(spec.trigger.inputs !== undefined ? { inputs: spec.trigger.inputs } : {}),
        outputs: spec.trigger.outputs,
        trackingId: randomUUID(),
      },
      actions: new Map(),
    };
    this.rt = this.runtime();
  }

  private now(): Date {
    return this.host.now?.() ?? new Date();
  }

  cancel(): void {
    this.abort.abort();
  }

  async start(): Promise<RunRecord> {
    const actions = this.spec.definition.actions ?? {};
    let status: 'Succeeded' | 'Failed' | 'Cancelled';
    try {
      status = await this.runSet(actions);
    } catch (e) {
      status = 'Failed';
      this.record.error = { code: 'InternalServerError', message: `test double failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` };
    }
    if (this.abort.signal.aborted) status = 'Cancelled';
    this.record.status = status;
    if (status === 'Failed' && !this.record.error) {
      this.record.code = ACTION_FAILED.code;
      this.record.error = ACTION_FAILED;
    }
    this.record.endTime = iso(this.now());
    return this.record;
  }

  /** The expression functions' view of this run. */
  private runtime(): ExpressionRuntime {
    const { spec, record } = this;
    const find = (name: string): ActionRecord | undefined => {
      const exact = record.actions.get(name);
      if (exact) return exact;
      const lower = name.toLowerCase();
      return [...record.actions.values()].find((r) => r.name.toLowerCase() === lower);
    };
    return {
      parameter: (name) => {
        const { found, value } = findProperty(spec.parameters as Record<string, unknown>, name);
        if (!found) throw new ExpressionError(`The workflow parameter '${name}' is not found.`);
        return value;
      },
      trigger: () => triggerView(record.trigger, record.name),
      workflow: () => ({
        id: spec.workflow.id,
        name: spec.workflow.name,
        type: 'Microsoft.Logic/workflows',
        location: spec.workflow.location,
        tags: spec.workflow.tags ?? {},
        run: { id: `${spec.workflow.id}/runs/${record.name}`, name: record.name, type: 'Microsoft.Logic/workflows/runs' },
      }),
      action: (name) => {
        const r = find(name);
        return r && actionView(r, record.name);
      },
      result: (name) => {
        const container = this.definitions.get(name) ?? [...this.definitions.entries()].find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
        if (!container) throw new ExpressionError(`The template language function 'result' expects its parameter to be the name of a scoped action. The action '${name}' does not exist in the workflow.`);
        return childSets(container).flatMap((set) => Object.keys(set.actions)).flatMap((child) => {
          const r = record.actions.get(child);
          return r ? [actionView(r, record.name)] : [];
        });
      },
      now: () => this.now(),
    };
  }

  /** Runs one sibling set: each action starts once its predecessors have ended. */
  private runSet(actions: Record<string, ActionDefinition>): Promise<'Succeeded' | 'Failed' | 'Cancelled'> {
    const ended = new Map<string, ActionStatus>();
    const started = new Set<string>();
    const statusOf = (name: string) => ended.get(name);
    const names = Object.keys(actions);
    const stray = names.flatMap((n) => Object.keys(actions[n]!.runAfter ?? {}).filter((p) => !(p in actions)).map((p) => `${n} -> ${p}`));
    // validate.ts refuses such a definition; a run handed one would wait for ever, so say so.
    if (stray.length) return Promise.reject(new Error(`runAfter names actions outside its set: ${stray.join(', ')}`));
    return new Promise((resolve, reject) => {
      let running = 0;
      const pump = () => {
        if (!this.abort.signal.aborted) {
          for (const name of names) {
            if (started.has(name)) continue;
            const action = actions[name]!;
            if (!predecessorsEnded(action, statusOf)) continue;
            started.add(name);
            const unmet = unmetPredecessor(action, statusOf);
            if (unmet) {
              this.skip(name, action, skippedByRunAfter(name, unmet.name, unmet.expected, unmet.actual));
              ended.set(name, 'Skipped');
              continue;
            }
            running++;
            this.execute(name, action).then(
              (status) => {
                running--;
                ended.set(name, status);
                pump();
              },
              reject,
            );
          }
        }
        // Any action a skip made ready is started by the loop above running again.
        if (!this.abort.signal.aborted && names.some((n) => !started.has(n) && predecessorsEnded(actions[n]!, statusOf))) {
          pump();
          return;
        }
        if (running === 0) resolve(this.abort.signal.aborted ? 'Cancelled' : setStatus(actions, statusOf));
      };
      pump();
    });
  }

  private newRecord(name: string, action: ActionDefinition, status: ActionStatus): ActionRecord {
    const record: ActionRecord = {
      name,
      type: action.type,
      status,
      startTime: iso(this.now()),
      trackingId: randomUUID(),
      actionTrackingId: randomUUID(),
      secure: securedParts(action),
    };
    this.record.actions.set(name, record);
    return record;
  }

  private skip(name: string, action: ActionDefinition, error: CloudError): void {
    const record = this.newRecord(name, action, 'Skipped');
    record.endTime = record.startTime;
    record.code = 'ActionSkipped';
    record.error = error;
    for (const set of childSets(action)) this.skipSet(set.actions, (child) => skippedWithContainer(child, name, 'Skipped', 'ActionSkipped'));
  }

  private skipSet(actions: Record<string, ActionDefinition>, error: (name: string) => CloudError): void {
    for (const [name, action] of Object.entries(actions)) this.skip(name, action, error(name));
  }

  private async execute(name: string, action: ActionDefinition): Promise<ActionStatus> {
    const record = this.newRecord(name, action, 'Running');
    const executor = EXECUTORS[action.type.toLowerCase()];
    let outcome: Outcome;
    try {
      if (!executor) throw new Error(`the double does not run actions of type '${action.type}'`);
      outcome = await executor(this.actionRun(name, action, record));
    } catch (e) {
      outcome = this.abort.signal.aborted
        ? { status: 'Cancelled', code: 'Cancelled' }
        : { status: 'Failed', code: 'InternalServerError', error: { code: 'InternalServerError', message: `test double failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` } };
    }
    record.status = outcome.status;
    if (outcome.code !== undefined) record.code = outcome.code;
    if (outcome.error !== undefined) record.error = outcome.error;
    if (outcome.inputs !== undefined) record.inputs = outcome.inputs;
    if (outcome.outputs !== undefined) record.outputs = outcome.outputs;
    if (outcome.retryHistory?.length) record.retryHistory = outcome.retryHistory;
    if (outcome.iterations !== undefined) record.iterations = outcome.iterations;
    record.endTime = iso(this.now());
    return record.status;
  }

  private actionRun(name: string, action: ActionDefinition, record: ActionRecord): ActionRun {
    const signal = this.abort.signal;
    return {
      name,
      action,
      spec: this.spec,
      host: this.host,
      rt: this.rt,
      signal,
      correlationId: this.record.correlationId,
      actionTrackingId: record.actionTrackingId,
      now: () => this.now(),
      timeScale: this.timeScale,
      sleep: (ms) => sleep(ms * this.timeScale, signal),
      runSet: (actions) => this.runSet(actions),
      skipSet: (actions, error) => this.skipSet(actions, error),
    };
  }
}

/** Resolves after `ms`, rejects as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('cancelled'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
