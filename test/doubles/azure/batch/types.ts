import type { SupportedImage } from './model/images';

/** One data-plane request as recorded (management-plane requests are in the ARM double's calls()). */
export interface BatchCall {
  account: string;
  /** The 2025-06-01 operationId, e.g. 'Tasks_CreateTaskCollection'; 'Unknown' when no route matched. */
  operation: string;
  method: string;
  path: string;
  /** The query string as sent. */
  query: string;
  apiVersion: string;
  /** Parsed JSON body, once the request got that far. */
  body: unknown;
  /** Object id behind the bearer token, once it was accepted. */
  principal: string | undefined;
  /** The ocp-range header of a file read. */
  range?: string;
  status: number;
  at: number;
}

export type BatchCallFilter = string | { operation?: string; method?: string; path?: RegExp } | ((call: BatchCall) => boolean);

/**
 * A data-plane fault: a throttle answers 429 TooManyRequests with Retry-After (the service's
 * throttling answer), an error any status and code (409 PoolBeingResized,
 * ActiveJobAndScheduleQuotaReached…). `operation: '*'` matches every data-plane operation.
 */
export type BatchFault = { operation: string; kind: 'throttle'; retryAfterSeconds?: number } | { operation: string; kind: 'error'; status: number; code: string; message: string };

export interface BatchOptions {
  /** The images List Supported Images answers and pool creation checks. Default: DEFAULT_SUPPORTED_IMAGES. */
  supportedImages?: SupportedImage[];
  /** The service's clock (formulas' time(), end-of-life checks). Default Date.now. */
  now?: () => number;
  /** Enable AutoScale at most once per pool per this many ms. Default 30 000 (the service's rule). */
  enableAutoScaleIntervalMs?: number;
  /** How long a new node takes to become idle, before the ARM double's timeScale. Default 60 000. */
  nodeStartMs?: number;
  /** Multiplies the service's delays. Default: the ARM double's timeScale. */
  timeScale?: number;
}

export interface BatchAccountOptions {
  name: string;
  /** Default: the ARM double's first resource group. */
  resourceGroup?: string;
  /** Default: the ARM double's location. */
  location?: string;
  /** Default 'BatchService' (pools' resourceTags need 'UserSubscription'). */
  poolAllocationMode?: 'BatchService' | 'UserSubscription';
  tags?: Record<string, string>;
  /** Default 300, the service's default quota. */
  activeJobAndJobScheduleQuota?: number;
  /** Default 100. */
  poolQuota?: number;
  dedicatedCoreQuota?: number;
  lowPriorityCoreQuota?: number;
}

/** A task as tests see it (batch.tasks()). */
export interface TaskSummary {
  jobId: string;
  id: string;
  state: string;
  retryCount: number;
  requeueCount: number;
  exitCode?: number;
  nodeId?: string;
  /** The task's directory on the node that ran it last (stdout.txt, stderr.txt, wd/). */
  directory?: string;
}
