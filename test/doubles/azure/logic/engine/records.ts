import type { CloudError } from './messages';

/**
 * What a run keeps of itself: the run, its trigger and one record per action that has started or
 * been skipped (an action the run never reached has none, as in the service's run history). An
 * action inside an Until holds its last iteration.
 */

export type ActionStatus = 'Running' | 'Succeeded' | 'Failed' | 'Skipped' | 'TimedOut' | 'Cancelled';
export type RunStatus = 'Running' | 'Succeeded' | 'Failed' | 'Cancelled';

export interface RetryEntry {
  startTime: string;
  endTime: string;
  code: string;
  clientRequestId: string;
  serviceRequestId?: string;
  error?: CloudError;
}

export interface ActionRecord {
  name: string;
  type: string;
  status: ActionStatus;
  startTime: string;
  endTime?: string;
  code?: string;
  error?: CloudError;
  /** Undefined when the action has none to show (control actions, skipped ones, unevaluated inputs). */
  inputs?: unknown;
  outputs?: unknown;
  trackingId: string;
  actionTrackingId: string;
  retryHistory?: RetryEntry[];
  /** Until: how many iterations ran. */
  iterations?: number;
  /** From runtimeConfiguration.secureData: the part is kept out of run history. */
  secure: { inputs: boolean; outputs: boolean };
}

export interface TriggerRecord {
  name: string;
  type: string;
  startTime: string;
  endTime: string;
  scheduledTime?: string;
  status: 'Succeeded';
  code: 'OK';
  inputs?: unknown;
  outputs: unknown;
  trackingId: string;
}

export interface RunRecord {
  name: string;
  status: RunStatus;
  startTime: string;
  endTime?: string;
  code?: string;
  error?: CloudError;
  correlationId: string;
  trigger: TriggerRecord;
  actions: Map<string, ActionRecord>;
}

/** The object `actions('X')` and each `result('Scope')` item give (the service's shape). */
export function actionView(record: ActionRecord, clientTrackingId: string): Record<string, unknown> {
  const view: Record<string, unknown> = { name: record.name };
  if (record.inputs !== undefined) view.inputs = record.inputs;
  if (record.outputs !== undefined) view.outputs = record.outputs;
  view.startTime = record.startTime;
  if (record.endTime) view.endTime = record.endTime;
  view.trackingId = record.trackingId;
  view.clientTrackingId = clientTrackingId;
  if (record.code) view.code = record.code;
  view.status = record.status;
  if (record.error) view.error = record.error;
  return view;
}

/** The object `trigger()` gives. */
export function triggerView(trigger: TriggerRecord, clientTrackingId: string): Record<string, unknown> {
  return {
    name: trigger.name,
    ...(trigger.inputs !== undefined ? { inputs: trigger.inputs } : {}),
    outputs: trigger.outputs,
    startTime: trigger.startTime,
    endTime: trigger.endTime,
    ...(trigger.scheduledTime ? { scheduledTime: trigger.scheduledTime } : {}),
    trackingId: trigger.trackingId,
    clientTrackingId,
    code: trigger.code,
    status: trigger.status,
  };
}
