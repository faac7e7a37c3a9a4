import type { InvokeResult } from '../../targets/Target';
import { parseFromWebview, type FromWebview } from '../../protocol/invokePanel/fromWebview';
import { appendLatency, type LatencyPoint } from '../../protocol/invokePanel/history';
import type { InvokeOutcome, PayloadEntry, ToWebview } from '../../protocol/invokePanel/toWebview';

/** What the panel needs from the rest of the extension, for one deployment. */
export interface InvokePanelActions {
  /** `signal` aborts when the panel closes or the call takes too long. */
  invoke(payload: string, signal: AbortSignal): Promise<InvokeResult>;
  listPayloads(): Promise<PayloadEntry[]>;
  readPayload(name: string): Promise<string>;
  /** Returns the saved file's path. */
  savePayload(name: string, json: string): Promise<string>;
  /** `signal` aborts when the panel closes (R may be reading the handler). */
  template(signal: AbortSignal): Promise<string>;
  log?: { warn(message: string): void };
}

/** What the host knows of one panel; tests read it through `getInvokePanelForTest`. */
export interface InvokePanelState {
  ready: boolean;
  payloads: PayloadEntry[];
  history: LatencyPoint[];
  last?: InvokeOutcome;
  busy: boolean;
  lastSaved?: string;
  lastNotice?: { level: 'info' | 'error'; text: string };
}

/** Latency history and last outcome per deployment, so a closed and reopened panel keeps them. */
export interface InvokeSession {
  history: LatencyPoint[];
  last?: InvokeOutcome;
  lastPayload?: string;
}

/** An invocation the panel waits for at most this long (a model may take a while). */
export const INVOKE_TIMEOUT_MS = 300_000;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function errorFields(body: unknown): Pick<InvokeOutcome, 'errorType' | 'errorMessage'> {
  if (!body || typeof body !== 'object') return {};
  const { errorType, errorMessage } = body as Record<string, unknown>;
  return {
    ...(typeof errorType === 'string' ? { errorType } : {}),
    ...(typeof errorMessage === 'string' ? { errorMessage } : {}),
  };
}

/**
 * The host side of the invoke panel without the vscode API: it parses what the webview sends
 * (never trusting it), calls the actions and answers with typed messages.
 */
export class InvokePanelController {
  private ready = false;
  private inFlight = 0;
  private payloads: PayloadEntry[] = [];
  private lastSaved: string | undefined;
  private lastNotice: InvokePanelState['lastNotice'];
  /** Aborted when the panel closes: calls under way stop and nothing more is posted. */
  private readonly lifetime = new AbortController();

  constructor(
    private actions: InvokePanelActions,
    private readonly postToWebview: (message: ToWebview) => void,
    private readonly session: InvokeSession = { history: [] },
    private readonly now: () => number = Date.now,
    private readonly invokeTimeoutMs: number = INVOKE_TIMEOUT_MS,
  ) {}

  /** The panel closed: cancel what runs (invocations, R reading the template) and post no more. */
  dispose(): void {
    this.lifetime.abort();
  }

  get disposed(): boolean {
    return this.lifetime.signal.aborted;
  }

  private post(message: ToWebview): void {
    if (!this.disposed) this.postToWebview(message);
  }

  /** A newer set of actions (e.g. a fresher deployment record) for an open panel. */
  setActions(actions: InvokePanelActions): void {
    this.actions = actions;
  }

  state(): InvokePanelState {
    return {
      ready: this.ready,
      payloads: this.payloads,
      history: this.session.history,
      busy: this.inFlight > 0,
      ...(this.session.last ? { last: this.session.last } : {}),
      ...(this.lastSaved ? { lastSaved: this.lastSaved } : {}),
      ...(this.lastNotice ? { lastNotice: this.lastNotice } : {}),
    };
  }

  /** Handles one raw message from the webview; resolves when its answer has been posted. */
  async handle(raw: unknown): Promise<void> {
    const msg = parseFromWebview(raw);
    if (!msg) {
      this.actions.log?.warn(`Invoke panel: ignored a malformed message from the webview (${JSON.stringify(raw)?.slice(0, 200)}).`);
      return;
    }
    if (this.disposed) return;
    try {
      await this.dispatch(msg);
    } catch (e) {
      if (!this.disposed) this.notice('error', message(e));
    }
  }

  private async dispatch(msg: FromWebview): Promise<void> {
    switch (msg.kind) {
      case 'ready': {
        this.ready = true;
        const listed = await this.listPayloads();
        const { history, last, lastPayload } = this.session;
        this.post({
          kind: 'init',
          payloads: this.payloads,
          history,
          busy: this.inFlight > 0,
          ...(last ? { last } : {}),
          ...(lastPayload !== undefined ? { payload: lastPayload } : {}),
        });
        if (!listed.ok) this.notice('error', listed.error);
        return;
      }
      case 'loadPayload':
        this.post({ kind: 'payloadText', source: 'payload', name: msg.name, text: await this.actions.readPayload(msg.name) });
        return;
      case 'template':
        this.post({ kind: 'payloadText', source: 'template', text: await this.actions.template(this.lifetime.signal) });
        return;
      case 'save': {
        const file = await this.actions.savePayload(msg.name, msg.payload);
        this.lastSaved = file;
        await this.listPayloads();
        this.post({ kind: 'saved', name: msg.name, file, payloads: this.payloads });
        return;
      }
      case 'invoke':
        await this.invoke(msg.id, msg.payload);
        return;
    }
  }

  private async invoke(id: number, payload: string): Promise<void> {
    this.inFlight++;
    this.session.lastPayload = payload;
    let outcome: InvokeOutcome;
    const timeout = AbortSignal.timeout(this.invokeTimeoutMs);
    try {
      const r = await this.actions.invoke(payload, AbortSignal.any([this.lifetime.signal, timeout]));
      outcome = {
        id,
        status: r.ok ? 'ok' : 'error',
        raw: r.raw,
        durationMs: r.durationMs,
        at: this.now(),
        ...(r.ok ? {} : errorFields(r.body)),
      };
      this.session.history = appendLatency(this.session.history, { durationMs: r.durationMs, ok: r.ok, at: outcome.at });
    } catch (e) {
      // The closed panel's own cancellation is nobody's news.
      if (this.disposed) return;
      const why = timeout.aborted ? `No answer within ${Math.round(this.invokeTimeoutMs / 1000)} s: gave up waiting.` : message(e);
      outcome = { id, status: 'failed', raw: '', errorMessage: why, at: this.now() };
    } finally {
      this.inFlight--;
    }
    this.session.last = outcome;
    this.post({ kind: 'invokeResult', outcome, history: this.session.history });
  }

  private async listPayloads(): Promise<{ ok: true } | { ok: false; error: string }> {
    try {
      this.payloads = (await this.actions.listPayloads()).map(({ name, origin }) => ({ name, origin }));
      return { ok: true };
    } catch (e) {
      return { ok: false, error: message(e) };
    }
  }

  private notice(level: 'info' | 'error', text: string): void {
    this.lastNotice = { level, text };
    this.post({ kind: 'notice', level, text });
  }
}
