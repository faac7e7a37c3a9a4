// The Lambda Runtime API 2018-06-01, served by the project itself on 127.0.0.1 (a random
// port): the local twin's half of Lambda. A runtime (R's lambda mode, or any other custom
// runtime) pointed at it with AWS_LAMBDA_RUNTIME_API=<address> serves invoke() calls exactly as
// it would serve Lambda's. No vscode, no AWS SDK: plain node:http.
//
// Routes: GET /2018-06-01/runtime/invocation/next (long poll), POST .../invocation/{id}/response,
// POST .../invocation/{id}/error, POST /2018-06-01/runtime/init/error. Answers and limits follow
// Lambda's (errorShapes.ts, types.ts). Every request is recorded (requests()), and a test can
// inject faults (injectFault()): both are test seams, documented as such.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isUtf8 } from 'node:buffer';
import { invalidRequestId, type ApiAnswer } from './errorShapes';
import { Invocations, type QueuedEvent, type Waiter } from './invocations';
import {
  InvokeRequestError,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_BYTES,
  type InvokeOptions,
  type InvokeResult,
  type RecordedRequest,
  type RouteName,
  type RuntimeApiFault,
  type RuntimeApiServerOptions,
} from './types';

const PREFIX = '/2018-06-01/runtime/';
const DEFAULT_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:rdeploy-local';

export class RuntimeApiServer {
  private readonly server: http.Server;
  private readonly invocations: Invocations;
  private readonly recorded: RecordedRequest[] = [];
  private readonly faults: RuntimeApiFault[] = [];
  private port = 0;

  private constructor(private readonly options: RuntimeApiServerOptions) {
    this.invocations = new Invocations(options.functionArn ?? DEFAULT_ARN, options.onTimeout);
    this.server = http.createServer((req, res) => {
      // Nothing may escape a request: an unhandled rejection would end the process. A request
      // that fails in an unforeseen way gets a 500 when its connection is still there.
      this.handle(req, res).catch((e: unknown) => {
        if (res.headersSent || res.destroyed || req.socket.destroyed) return void res.destroy();
        send(res, { status: 500, body: { errorMessage: e instanceof Error ? e.message : String(e), errorType: 'InternalError' } });
      });
    });
    // /next is a long poll: no server-side timeout may cut it.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
  }

  /** Starts a server on 127.0.0.1, on a random free port. */
  static async start(options: RuntimeApiServerOptions = {}): Promise<RuntimeApiServer> {
    const api = new RuntimeApiServer(options);
    await new Promise<void>((resolve, reject) => {
      api.server.once('error', reject);
      api.server.listen(0, '127.0.0.1', () => resolve());
    });
    api.port = (api.server.address() as AddressInfo).port;
    return api;
  }

  /** The value for AWS_LAMBDA_RUNTIME_API: "127.0.0.1:<port>". */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Queues one event and resolves with the runtime's answer (or the platform's failure).
   * Rejects with InvokeRequestError when Lambda's Invoke would refuse the request itself. */
  invoke(payload: string | Buffer, options: InvokeOptions = {}): Promise<InvokeResult> {
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    if (bytes.length > MAX_REQUEST_BYTES) {
      return Promise.reject(
        new InvokeRequestError('RequestEntityTooLargeException', `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`, 413),
      );
    }
    const refused = payloadProblem(bytes) ?? headerProblem(options);
    if (refused) return Promise.reject(refused);
    return this.invocations.invoke(bytes, options);
  }

  /** Every request received so far, in order (test seam). */
  requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  /** The runtime's state as Lambda names it: Started, Ready, Running, InitError. */
  get runtimeState(): string {
    return this.invocations.runtimeState;
  }

  /** Test seam: answers the next request(s) to a route with a fault instead of serving them. */
  injectFault(fault: RuntimeApiFault): void {
    this.faults.push({ ...fault });
  }

  /** Stops listening, fails what is queued or running, drops open connections. */
  async close(): Promise<void> {
    this.invocations.abandon('the Runtime API server was closed');
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const entry: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, bodyBytes: 0, status: 0, receivedAt: Date.now() };
    this.recorded.push(entry);
    // Set as the answer is written (not on 'finish'), so it is there when an invoke() settles.
    const writeHead = res.writeHead.bind(res);
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      entry.status = status;
      return (writeHead as (...a: unknown[]) => http.ServerResponse)(status, ...rest);
    }) as typeof res.writeHead;
    const route = matchRoute(req.method ?? '', req.url ?? '');
    // A body is read whatever the route (so the connection stays usable), up to the limit + 1.
    // A client that goes away mid-body has no one left to answer.
    let body: { data: Buffer | undefined; bytes: number };
    try {
      body = await readBody(req, MAX_RESPONSE_BYTES);
    } catch {
      return void req.socket.destroy();
    }
    entry.bodyBytes = body.bytes;
    if (route.kind === 'notFound') return send(res, { status: 404, body: {} }, '404 page not found\n');
    if (route.kind === 'methodNotAllowed') return send(res, { status: 405, body: {} }, '');
    const fault = this.takeFault(route.name);
    if (fault) {
      if (fault.kind === 'disconnect') return void req.socket.destroy();
      if (fault.kind === 'status') return send(res, { status: fault.status, body: {} }, fault.body ?? '');
      await new Promise((r) => setTimeout(r, fault.ms));
    }
    const errorType = header(req, 'lambda-runtime-function-error-type');
    switch (route.name) {
      case 'next':
        return this.next(req, res);
      case 'response':
      case 'error':
        if (route.requestId === undefined) return send(res, invalidRequestId());
        return send(res, this.invocations.answer(route.requestId, route.name, body.data, body.bytes, errorType));
      case 'initError':
        return send(res, this.invocations.initError(body.data ?? Buffer.alloc(0), errorType));
    }
  }

  private next(req: http.IncomingMessage, res: http.ServerResponse): void {
    const waiter: Waiter = (event: QueuedEvent) => {
      if (res.destroyed || res.writableEnded) return false;
      try {
        res.setHeader('Content-Type', 'application/json');
        for (const [name, value] of Object.entries(event.headers)) res.setHeader(name, value);
        if (this.options.chunkedNext) {
          res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
          for (let at = 0; at < event.payload.length; at += 65536) res.write(event.payload.subarray(at, at + 65536));
          res.end();
        } else {
          res.writeHead(200, { 'Content-Length': String(event.payload.length) });
          res.end(event.payload);
        }
      } catch (e) {
        // This /next cannot be answered: its runtime sees a failed call and polls again.
        res.destroy();
        throw e;
      }
      return true;
    };
    res.on('close', () => this.invocations.cancel(waiter));
    const refused = this.invocations.next(waiter);
    if (refused) send(res, refused);
  }

  private takeFault(route: RouteName): RuntimeApiFault | undefined {
    const i = this.faults.findIndex((f) => f.route === route);
    if (i < 0) return undefined;
    const fault = this.faults[i]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(i, 1);
    return fault;
  }
}

type Route =
  | { kind: 'route'; name: 'next' | 'initError' }
  /** requestId undefined: the id in the path is not valid percent-encoding. */
  | { kind: 'route'; name: 'response' | 'error'; requestId: string | undefined }
  | { kind: 'notFound' }
  | { kind: 'methodNotAllowed' };

function matchRoute(method: string, url: string): Route {
  const path = url.split('?')[0] ?? '';
  if (!path.startsWith(PREFIX)) return { kind: 'notFound' };
  const rest = path.slice(PREFIX.length);
  const post = (route: Route): Route => (method === 'POST' ? route : { kind: 'methodNotAllowed' });
  if (rest === 'invocation/next') return method === 'GET' ? { kind: 'route', name: 'next' } : { kind: 'methodNotAllowed' };
  if (rest === 'init/error') return post({ kind: 'route', name: 'initError' });
  const m = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
  if (m) return post({ kind: 'route', name: m[2] as 'response' | 'error', requestId: decodePathSegment(m[1]!) });
  return { kind: 'notFound' };
}

/** decodeURIComponent, or undefined where it would throw (malformed percent-encoding). */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Lambda's Invoke refuses a payload that is not JSON in UTF-8 (an empty one is taken). */
function payloadProblem(bytes: Buffer): InvokeRequestError | undefined {
  if (bytes.length === 0) return undefined;
  const prefix = 'Could not parse request body into json: Could not parse payload into json: ';
  if (!isUtf8(bytes)) {
    return new InvokeRequestError('InvalidRequestContentException', prefix + utf8Problem(bytes), 400);
  }
  try {
    JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return new InvokeRequestError('InvalidRequestContentException', prefix + (e instanceof Error ? e.message : String(e)), 400);
  }
  return undefined;
}

/** Where a UTF-8 decoder gives up, in the words of Lambda's (Jackson's) message. */
function utf8Problem(bytes: Buffer): string {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0) return `Invalid UTF-8 start byte 0x${hex(b)}`;
    for (let k = 1; k < len; k++) {
      const c = bytes[i + k];
      if (c === undefined) return 'Unexpected end-of-input in UTF-8 sequence';
      if ((c & 0xc0) !== 0x80) return `Invalid UTF-8 middle byte 0x${hex(c)}`;
    }
    i += len;
  }
  return 'Invalid UTF-8'; // overlong or surrogate forms, which the checks above let through
}

const hex = (b: number): string => b.toString(16).padStart(2, '0');

/** Values that become /next headers must be valid header values (no CR, LF or other controls). */
function headerProblem(options: InvokeOptions): InvokeRequestError | undefined {
  const values: [string, string | undefined][] = [
    ['functionArn', options.functionArn],
    ['clientContext', options.clientContext],
    ['cognitoIdentity', options.cognitoIdentity],
    ['traceId', options.traceId],
    ['tenantId', options.tenantId],
    ...Object.entries(options.extraHeaders ?? {}).map(([k, v]): [string, string] => [`extraHeaders['${k}']`, v]),
  ];
  for (const [name, value] of values) {
    if (value !== undefined && /[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      return new InvokeRequestError('InvalidParameterValueException', `${name} cannot be sent as a header: it holds a control character or a character outside Latin-1`, 400);
    }
  }
  for (const name of Object.keys(options.extraHeaders ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      return new InvokeRequestError('InvalidParameterValueException', `extraHeaders: '${name}' is not a valid header name`, 400);
    }
  }
  return undefined;
}

/** The body, or data undefined when it is longer than `limit` (the rest is read and dropped). */
async function readBody(req: http.IncomingMessage, limit: number): Promise<{ data: Buffer | undefined; bytes: number }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes <= limit) chunks.push(chunk);
  }
  return { data: bytes <= limit ? Buffer.concat(chunks) : undefined, bytes };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(res: http.ServerResponse, answer: ApiAnswer, text?: string): void {
  if (res.destroyed || res.writableEnded) return;
  const body = text ?? JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'Content-Type': text === undefined ? 'application/json' : 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}
