import type { LatencyPoint } from './history';

/**
 * Messages the extension host posts to the invoke panel's webview. The host is trusted, so these
 * are plain types (no schema travels into the browser bundle).
 */
export interface PayloadEntry {
  name: string;
  origin: 'saved' | 'sample';
}

/**
 * What one invocation from the panel came to. `error`: the handler raised an R error (the
 * runtime answered `{errorType, errorMessage}`); `failed`: it could not be invoked at all (not
 * running, unreachable), with the reason in `errorMessage`.
 */
export interface InvokeOutcome {
  /** The id the webview gave the `invoke` request. */
  id: number;
  status: 'ok' | 'error' | 'failed';
  /** The raw JSON text the runtime sent; empty when failed. */
  raw: string;
  durationMs?: number;
  errorType?: string;
  errorMessage?: string;
  /** When it finished, epoch milliseconds. */
  at: number;
}

export type ToWebview =
  /** The answer to `ready`: everything the panel shows that the host owns. */
  | {
      kind: 'init';
      payloads: PayloadEntry[];
      history: LatencyPoint[];
      last?: InvokeOutcome;
      busy: boolean;
      /** The payload last sent from this deployment's panel, for a panel opened afresh. */
      payload?: string;
    }
  | { kind: 'payloads'; payloads: PayloadEntry[] }
  /** Text for the editor: a saved payload or sample (`name`), or the handler's template. */
  | { kind: 'payloadText'; text: string; source: 'payload' | 'template'; name?: string }
  | { kind: 'invokeResult'; outcome: InvokeOutcome; history: LatencyPoint[] }
  | { kind: 'saved'; name: string; file: string; payloads: PayloadEntry[] }
  /** A short message for the user; `error` when an action the user asked for failed. */
  | { kind: 'notice'; level: 'info' | 'error'; text: string };

export type ToWebviewKind = ToWebview['kind'];
