import { AwsError } from './faults';
import type { DoubleReply, DoubleRequest, Protocol, Route } from './http';

/**
 * The awsJson1_1 protocol (CloudWatch Logs): a POST to `/` naming the operation in
 * `X-Amz-Target: <prefix>.<Operation>`, JSON both ways, errors as `{"__type", "message"}`
 * (the SDK reads the code from `__type`, cut at `#` and `:`).
 */

type JsonResult = Record<string, unknown> | undefined;
export type JsonHandler = (params: Record<string, unknown>) => JsonResult | Promise<JsonResult>;

export function awsJsonProtocol(opts: { targetPrefix: string; throttleStatus: number; handlers: Record<string, JsonHandler> }): Protocol {
  const contentType = 'application/x-amz-json-1.1';
  return {
    throttling: { status: opts.throttleStatus, code: 'ThrottlingException', message: 'Rate exceeded' },
    route(request: DoubleRequest): Route {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(`${opts.targetPrefix}.`) ? target.slice(opts.targetPrefix.length + 1) : '';
      const handler = opts.handlers[operation];
      if (request.method !== 'POST' || !handler) {
        throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${target}`);
      }
      const params = parseJsonObject(request.body);
      return {
        operation,
        params,
        run: async () => {
          const result = await handler(params);
          return { status: 200, headers: { 'Content-Type': contentType }, body: result === undefined ? '' : JSON.stringify(result) };
        },
      };
    },
    renderError(error: AwsError): DoubleReply {
      return jsonErrorReply(error, contentType, { __type: error.code, message: error.message });
    },
  };
}

export function parseJsonObject(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AwsError(400, 'SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsError(400, 'SerializationException', 'Start of structure or map found where not expected.');
  }
  return parsed as Record<string, unknown>;
}

export function jsonErrorReply(error: AwsError, contentType: string, body: Record<string, unknown>): DoubleReply {
  return { status: error.status, headers: { 'Content-Type': contentType, ...error.headers }, body: JSON.stringify(body) };
}
