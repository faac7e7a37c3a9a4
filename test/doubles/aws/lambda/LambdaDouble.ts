// A test double of the AWS Lambda control plane and Invoke API, served on 127.0.0.1 for the real
// @aws-sdk/client-lambda to talk to (point its `endpoint` at `double.endpoint`). It keeps layer
// versions and functions in memory, moves them through Lambda's states (Pending → Active,
// InProgress → Successful) after settleMs, answers with the service's shapes and error texts,
// records every call (calls()) and can be told to fail (injectFault()).
//
// It is a double, not an emulator: no signature is checked, S3 code is read through the `s3`
// option (an S3Server from ../s3.ts, say) and refused without it, only $LATEST exists (no
// versions or aliases), and the function itself is whatever onInvoke does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaError, MAX_DIRECT_REQUEST_BYTES, requestTooLarge, throttled, unknownOperation } from './errors';
import { errorAnswer, parseJson, readBody, redactZips, send, type Answer, type Body } from './http';
import { echo } from './invoke';
import { match, routes, type Matched, type Route } from './routes';
import { Store } from './store';
import type { FunctionSummary, LambdaDoubleOptions, LambdaFault, LambdaS3Source, LayerVersionSummary, RecordedCall } from './types';

export class LambdaDouble {
  private readonly server: http.Server;
  private readonly recorded: RecordedCall[] = [];
  private readonly faults: LambdaFault[] = [];
  private port = 0;

  private constructor(
    private readonly store: Store,
    private readonly table: readonly Route[],
    private readonly s3: LambdaS3Source | undefined,
  ) {
    this.server = http.createServer((req, res) => {
      // Nothing may escape a request: an unhandled rejection would end the test process.
      this.handle(req, res).catch((e: unknown) => {
        if (res.headersSent) return void res.destroy();
        send(res, errorAnswer(new LambdaError(500, 'ServiceException', e instanceof Error ? e.message : String(e))));
      });
    });
  }

  /** Starts a double on 127.0.0.1, on a free port. */
  static async start(opts: LambdaDoubleOptions = {}): Promise<LambdaDouble> {
    const store = new Store(opts.accountId ?? '123456789012', opts.region ?? 'us-east-1', opts.settleMs ?? 50);
    const double = new LambdaDouble(store, routes({ onInvoke: opts.onInvoke ?? echo, onLog: opts.onLog }), opts.s3);
    await new Promise<void>((resolve, reject) => {
      double.server.once('error', reject);
      double.server.listen(0, '127.0.0.1', () => resolve());
    });
    double.port = (double.server.address() as AddressInfo).port;
    return double;
  }

  /** http://127.0.0.1:PORT */
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Every call received so far, in order, or those of one operation. */
  calls(operation?: string): RecordedCall[] {
    return this.recorded.filter((c) => operation === undefined || c.operation === operation);
  }

  /** The next `times` (default 1) calls of the operation fail this way instead of being served. */
  injectFault(f: LambdaFault): void {
    this.faults.push({ ...f });
  }

  functions(): FunctionSummary[] {
    return [...this.store.functions.values()].map((fn) => ({
      name: fn.name,
      arn: fn.arn,
      state: fn.state,
      lastUpdateStatus: fn.lastUpdateStatus ?? '',
      tags: { ...fn.tags },
      layers: fn.latest.layers.map((l) => l.arn),
      ...(fn.url ? { urlConfig: { authType: fn.url.authType } } : {}),
    }));
  }

  layerVersions(): LayerVersionSummary[] {
    return [...this.store.layers.values()].flat().map((v) => ({ layerName: v.layerName, version: v.version, arn: v.arn, description: v.description }));
  }

  /** Stops listening and drops open connections. Event invocations still running finish on
   * their own; pending state changes are dropped. */
  async close(): Promise<void> {
    this.store.clearTimers();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? '';
    const matched = match(this.table, method, url.pathname, url.searchParams);
    const operation = matched?.route.operation ?? 'Unknown';
    let body: Body;
    try {
      body = await readBody(req, MAX_DIRECT_REQUEST_BYTES);
    } catch {
      return void req.socket.destroy(); // the client went away mid-body: no one to answer
    }
    const isJson = operation !== 'Invoke' && body.data !== undefined && body.data.length > 0;
    let json: Record<string, unknown> = {};
    let jsonError: unknown;
    if (isJson) {
      try {
        json = parseJson(body.data!);
      } catch (e) {
        jsonError = e;
      }
    }
    this.recorded.push({
      operation,
      method,
      path: url.pathname,
      query: flatten(url.searchParams),
      body: recordedBody(operation, body, isJson && jsonError === undefined ? json : undefined),
      at: Date.now(),
    });
    try {
      send(res, await this.serve(matched, operation, req, url, body, json, jsonError));
    } catch (e) {
      if (!(e instanceof LambdaError)) throw e;
      send(res, errorAnswer(e));
    }
  }

  private async serve(
    matched: Matched | undefined,
    operation: string,
    req: http.IncomingMessage,
    url: URL,
    body: Body,
    json: Record<string, unknown>,
    jsonError: unknown,
  ): Promise<Answer> {
    if (!matched) throw unknownOperation();
    const fault = this.takeFault(operation);
    if (fault?.kind === 'throttle') throw throttled(fault.retryAfterSeconds ?? 1);
    if (fault?.kind === 'error') throw new LambdaError(fault.status, fault.type, fault.message);
    // Invoke has its own, smaller limits, with their own words (invoke.ts).
    if (body.data === undefined && operation !== 'Invoke') throw requestTooLarge(MAX_DIRECT_REQUEST_BYTES, operation);
    if (jsonError !== undefined) throw jsonError;
    return matched.route.handle({
      store: this.store,
      params: matched.params,
      query: url.searchParams,
      headers: req.headers,
      body: body.data ?? Buffer.alloc(0),
      bodyBytes: body.bytes,
      json,
      endpoint: this.endpoint,
      s3: this.s3,
    });
  }

  private takeFault(operation: string): LambdaFault | undefined {
    const i = this.faults.findIndex((f) => f.operation === operation);
    if (i < 0) return undefined;
    const fault = this.faults[i]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(i, 1);
    return fault;
  }
}

function flatten(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of new Set(query.keys())) out[key] = query.getAll(key).join(',');
  return out;
}

function recordedBody(operation: string, body: Body, json: Record<string, unknown> | undefined): unknown {
  if (body.data === undefined) return { requestBytes: body.bytes };
  if (body.data.length === 0) return undefined;
  if (operation !== 'Invoke') return json === undefined ? { unparsedBytes: body.bytes } : redactZips(json);
  try {
    return JSON.parse(body.data.toString('utf8'));
  } catch {
    return { payloadBytes: body.bytes };
  }
}
