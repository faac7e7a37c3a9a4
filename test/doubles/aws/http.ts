import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, FaultPlan, type Fault, type Throttling } from './faults';

/**
 * The recording HTTP server every AWS double stands on. It listens on 127.0.0.1 only (port 0),
 * records each request as the operation its service would see, answers a pending fault in the
 * service's own error format, and otherwise hands the request to the double.
 */

export interface RecordedCall {
  operation: string;
  method: string;
  path: string;
  params: Record<string, unknown>;
  at: number;
}

export interface DoubleRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface DoubleReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** One request understood: which operation it is, its input, and how to carry it out. */
export interface Route {
  operation: string;
  params: Record<string, unknown>;
  /** May be async: a double that reads a real server (the ECR double's registry) answers later. */
  run(requestId: string): DoubleReply | Promise<DoubleReply>;
}

/** What differs between services: how a request names its operation and how errors look. */
export interface Protocol {
  /** Throws AwsError when the request names no operation the double knows. */
  route(request: DoubleRequest): Route;
  throttling: Throttling;
  renderError(error: AwsError, requestId: string): DoubleReply;
}

export abstract class AwsDouble {
  private readonly server: Server;
  private readonly recorded: RecordedCall[] = [];
  private readonly faults = new FaultPlan();
  private url = '';

  protected constructor(private readonly protocol: Protocol) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://double');
        const request: DoubleRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        // answer() turns every failure into a reply; should it still reject, drop the connection
        // rather than leave an unhandled rejection (it would end the test process).
        this.answer(request).then(
          (reply) => {
            res.writeHead(reply.status, { 'Content-Length': Buffer.byteLength(reply.body ?? ''), ...reply.headers });
            res.end(reply.body ?? '');
          },
          () => res.destroy(),
        );
      });
    });
  }

  /** Base URL to give an SDK client as `endpoint`. */
  get endpoint(): string {
    return this.url;
  }

  /** Requests received, oldest first, faulted ones included; only those of `operation` if given. */
  calls(operation?: string): RecordedCall[] {
    return this.recorded.filter((call) => operation === undefined || call.operation === operation);
  }

  injectFault(fault: Fault): void {
    this.faults.add(fault);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  protected async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  private async answer(request: DoubleRequest): Promise<DoubleReply> {
    const requestId = randomUUID();
    const withId = (reply: DoubleReply): DoubleReply => ({ ...reply, headers: { 'x-amzn-RequestId': requestId, ...reply.headers } });
    let route: Route;
    try {
      route = this.protocol.route(request);
    } catch (error) {
      this.record({ operation: 'Unknown', params: {} }, request);
      return withId(this.protocol.renderError(asAwsError(error), requestId));
    }
    this.record(route, request);
    const fault = this.faults.take(route.operation, this.protocol.throttling);
    try {
      if (fault) throw fault;
      return withId(await route.run(requestId));
    } catch (error) {
      return withId(this.protocol.renderError(asAwsError(error), requestId));
    }
  }

  private record(route: Pick<Route, 'operation' | 'params'>, request: DoubleRequest): void {
    const { operation, params } = route;
    this.recorded.push({ operation, method: request.method, path: request.path, params, at: Date.now() });
  }
}

/** A bug in a double answers 500 with its message, so the test shows it instead of hanging. */
function asAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  return new AwsError(500, 'InternalFailure', `test double failed: ${error instanceof Error ? error.stack : String(error)}`);
}
