import { AwsError } from './faults';
import type { DoubleReply, DoubleRequest, Protocol, Route } from './http';
import { jsonErrorReply, parseJsonObject } from './json';

/**
 * The restJson1 protocol (EventBridge Scheduler): the operation is the method and path, input
 * comes from path labels, the query string and a JSON body; errors name their code in the
 * `x-amzn-ErrorType` header with `{"Message"}` as body, which is what the SDK reads first.
 */

/** Input gathered from the label, the query string and the body, in that order of precedence. */
export interface RestInput {
  label?: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

export type RestHandler = (input: RestInput) => Record<string, unknown>;

export interface RestRoute {
  method: string;
  /** A path, with `{label}` standing for one URL-encoded segment. */
  path: string;
  operation: string;
  handler: RestHandler;
}

export function restJsonProtocol(routes: RestRoute[]): Protocol {
  const compiled = routes.map((route) => ({ ...route, pattern: new RegExp(`^${route.path.replace(/\{\w+\}/, '([^/]+)')}$`) }));
  return {
    throttling: { status: 429, code: 'ThrottlingException', message: 'Rate exceeded' },
    route(request: DoubleRequest): Route {
      for (const route of compiled) {
        const match = route.pattern.exec(request.path);
        if (!match || route.method !== request.method) continue;
        const label = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
        const body = parseJsonObject(request.body);
        const input: RestInput = { label, query: request.query, body };
        const params = { ...body, ...Object.fromEntries(request.query), ...(label === undefined ? {} : { [labelName(route.path)]: label }) };
        return {
          operation: route.operation,
          params,
          run: () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(route.handler(input)) }),
        };
      }
      throw new AwsError(404, 'UnknownOperationException', `No operation for ${request.method} ${request.path}`);
    },
    renderError(error: AwsError): DoubleReply {
      return jsonErrorReply(new AwsError(error.status, error.code, error.message, { 'x-amzn-ErrorType': error.code, ...error.headers }), 'application/json', { Message: error.message });
    },
  };
}

function labelName(path: string): string {
  return /\{(\w+)\}/.exec(path)?.[1] ?? 'label';
}
