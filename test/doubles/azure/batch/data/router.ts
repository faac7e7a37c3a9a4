import type { IncomingHttpHeaders } from 'node:http';
import type { AccountService } from '../AccountService';
import { rfc1123 } from '../model/common';

/**
 * The data plane's routes: a method, a path pattern (matched case-insensitively on the decoded
 * path; named groups become params) and the 2025-06-01 operationId calls() records and faults
 * match.
 */
export interface DataRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  svc: AccountService;
}

export interface DataReply {
  status: number;
  headers?: Record<string, string>;
  /** An entity (sent as JSON) or file content (sent as bytes); none for 202/204. */
  body?: Record<string, unknown> | Buffer;
}

export type DataHandler = (request: DataRequest) => DataReply | Promise<DataReply>;

interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  handler: DataHandler;
}

export class DataRouter {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, operation: string, handler: DataHandler): void {
    const source = pattern.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'filePath' ? `(?<${name}>.+)` : `(?<${name}>[^/]+)`));
    this.routes.push({ method, pattern: new RegExp(`^${source}$`, 'i'), operation, handler });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
    let other = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        other = true;
        continue;
      }
      return { route, params: { ...(m.groups ?? {}) } };
    }
    return other ? 'method' : undefined;
  }
}

/** An entity as GET answers it: its JSON with odata.metadata, and its ETag and Last-Modified. */
export function entity(svc: AccountService, kind: string, view: Record<string, unknown>, eTag?: string, lastModified?: number): DataReply {
  return {
    status: 200,
    headers: { ...(eTag ? { ETag: eTag } : {}), ...(lastModified !== undefined ? { 'Last-Modified': rfc1123(lastModified) } : {}) },
    body: { 'odata.metadata': `${svc.state.url}/$metadata#${kind}/@Element`, ...view },
  };
}

/** 201 Created (DataServiceId names the new entity), 202 Accepted, 200/204 with DataServiceId. */
export function created(url: string, eTag: string, lastModified: number): DataReply {
  return { status: 201, headers: { DataServiceId: url, Location: url, ETag: eTag, 'Last-Modified': rfc1123(lastModified) } };
}

export function done(status: 200 | 202 | 204, url: string, eTag?: string, lastModified?: number): DataReply {
  return { status, headers: { DataServiceId: url, ...(eTag ? { ETag: eTag } : {}), ...(lastModified !== undefined ? { 'Last-Modified': rfc1123(lastModified) } : {}) } };
}
