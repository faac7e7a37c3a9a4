import type { ActionDefinition, WorkflowDefinition } from '../definition';
import type { ExpressionRuntime } from '../expressions/functions';
import type { CloudError } from './messages';
import type { ActionStatus, RetryEntry } from './records';

/** One HTTP request an action sends, and the answer it got. */
export interface OutboundRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** How long to wait for the answer; 0 waits for ever. Default: the service's 120 s outbound limit. */
  timeoutMs?: number;
}

export interface InboundResponse {
  status: number;
  /** Header names in lower case, as Node gives them. */
  headers: Record<string, string>;
  body: string;
}

/** What the interpreter needs from outside: the network and the workflow's managed identity. */
export interface EngineHost {
  /** Sends one request; rejects when no answer came (refused, reset, timed out, aborted). */
  send(request: OutboundRequest, signal: AbortSignal): Promise<InboundResponse>;
  /** A token of the workflow's system-assigned identity for the audience; rejects when it has none. */
  token(audience: string): Promise<string>;
  /** The clock (default: the real one). */
  now?(): Date;
  /**
   * Where a Workflow action sends its request: the callback URL (and method) of the child
   * workflow's Request trigger, or the answer the service gives when the child cannot be called
   * (no such workflow or trigger, another subscription or region). Absent: no workflow to call.
   */
  nestedTrigger?(workflowId: string, triggerName: string): Promise<NestedTrigger>;
}

export type NestedTrigger = { url: string; method: string } | { status: number; error: CloudError };

/** What a Response action answers the request that started the run with. */
export interface ResponseReply {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface WorkflowIdentity {
  /** The ARM id: /subscriptions/…/resourceGroups/…/providers/Microsoft.Logic/workflows/{name}. */
  id: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
  /** The definition's version (a 20-digit number, as the service numbers them). */
  version: string;
  /** The 32-hex id the callback URLs carry (x-ms-workflow-id). */
  workflowId: string;
}

export interface RunSpec {
  definition: WorkflowDefinition;
  /** Parameter values, already resolved (the workflow's value, else the definition's default). */
  parameters: Record<string, unknown>;
  workflow: WorkflowIdentity;
  runName: string;
  trigger: { name: string; type: string; inputs?: unknown; outputs: unknown; scheduledTime?: string };
  /** Multiplies every wait of the run: Wait actions, retry intervals, polling, Until timeouts. Default 1. */
  timeScale?: number;
  /**
   * Hands a Response action's answer to the request that started the run; false when that
   * request has already been answered. Absent when no HTTP request started the run.
   */
  respond?: (reply: ResponseReply) => boolean;
}

/** How an action ended. */
export interface Outcome {
  status: ActionStatus;
  code?: string;
  error?: CloudError;
  inputs?: unknown;
  outputs?: unknown;
  retryHistory?: RetryEntry[];
  iterations?: number;
}

/** What an action's executor works with. */
export interface ActionRun {
  name: string;
  action: ActionDefinition;
  spec: RunSpec;
  host: EngineHost;
  rt: ExpressionRuntime;
  signal: AbortSignal;
  /** The run's correlation id and this action's tracking id (sent in x-ms-* headers). */
  correlationId: string;
  actionTrackingId: string;
  now(): Date;
  /** Waits `ms` times the run's timeScale; rejects when the run is cancelled. */
  sleep(ms: number): Promise<void>;
  timeScale: number;
  /** Runs a sibling set to its end and gives its status. */
  runSet(actions: Record<string, ActionDefinition>): Promise<'Succeeded' | 'Failed' | 'Cancelled'>;
  /** Marks every action of a set (and those inside them) Skipped with the given error. */
  skipSet(actions: Record<string, ActionDefinition>, error: (name: string) => CloudError): void;
}
