import { AwsError } from './faults';
import type { DoubleReply, DoubleRequest, Protocol, Route } from './http';

/**
 * The awsQuery protocol (IAM, STS): a form-encoded POST naming `Action` and `Version`, answered
 * with `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…` XML, errors as
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 * Shapes as the SDK's AwsQueryProtocol writes and reads them (@aws-sdk/core, 3.1169).
 */

/** A value to write as XML: objects become elements, arrays become `<member>` lists. */
export type XmlValue = string | number | boolean | Date | undefined | XmlValue[] | { [name: string]: XmlValue };

/** An operation's handler: its parsed input in, its Result's content out (undefined: no Result). */
export type QueryHandler = (params: Record<string, unknown>) => Record<string, XmlValue> | undefined;

export function queryProtocol(opts: { namespace: string; version: string; handlers: Record<string, QueryHandler> }): Protocol {
  return {
    throttling: { status: 400, code: 'Throttling', message: 'Rate exceeded' },
    route(request: DoubleRequest): Route {
      const form = new URLSearchParams(request.body);
      const action = form.get('Action') ?? '';
      const handler = opts.handlers[action];
      if (request.method !== 'POST' || !handler) {
        throw new AwsError(400, 'InvalidAction', `Could not find operation ${action} for version ${form.get('Version') ?? ''}`);
      }
      const params = decodeForm(form);
      return {
        operation: action,
        params,
        run: (requestId) => {
          const result = handler(params);
          const inner = (result === undefined ? '' : element(`${action}Result`, result)) + element('ResponseMetadata', { RequestId: requestId });
          return xmlReply(200, `<${action}Response xmlns="${opts.namespace}">${inner}</${action}Response>`);
        },
      };
    },
    renderError(error: AwsError, requestId: string): DoubleReply {
      const type = error.status >= 500 ? 'Receiver' : 'Sender';
      const inner = element('Error', { Type: type, Code: error.code, Message: error.message }) + element('RequestId', requestId);
      return { ...xmlReply(error.status, `<ErrorResponse xmlns="${opts.namespace}">${inner}</ErrorResponse>`), headers: { 'Content-Type': 'text/xml', ...error.headers } };
    },
  };
}

/** `Tags.member.1.Key=a` → `{ Tags: [{ Key: 'a' }] }`; Action and Version are not input. */
export function decodeForm(form: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const path = key.split('.');
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < path.length; i++) {
      let segment: string | number = path[i] ?? '';
      if (segment === 'member' && Array.isArray(node)) continue;
      if (Array.isArray(node)) segment = Number(segment) - 1;
      const last = i === path.length - 1;
      const next = path[i + 1];
      const container = node as Record<string | number, unknown>;
      if (last) container[segment] = value;
      else container[segment] ??= next === 'member' ? [] : {};
      node = container[segment] as Record<string, unknown> | unknown[];
    }
  }
  return root;
}

export function element(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((item) => element('member', item)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const children = Object.entries(value).map(([child, v]) => element(child, v)).join('');
    return `<${name}>${children}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function xmlReply(status: number, body: string): DoubleReply {
  return { status, headers: { 'Content-Type': 'text/xml' }, body };
}

/** A required string input, or the ValidationError the service answers when it is missing. */
export function requiredString(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value === '') {
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    throw new AwsError(400, 'ValidationError', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}
