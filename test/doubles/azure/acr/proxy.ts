import http, { type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Passes one registry API request on to the real registry behind the double, streaming both
 * bodies (blob uploads are large), with the real registry's own Basic credentials in place of
 * the caller's ACR token. Location headers (blob upload sessions, PATCH/PUT answers) name the
 * real registry's host and are rewritten to the double's, so the client keeps talking to ACR.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'authorization']);

export interface Backend {
  host: string;
  /** `Basic …` for the backing registry, when it has htpasswd auth. */
  authorization?: string;
}

export function proxy(req: IncomingMessage, res: ServerResponse, pathAndQuery: string, backend: Backend, publicHost: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers.host = backend.host;
    if (backend.authorization) headers.authorization = backend.authorization;
    const [hostname, port] = splitHost(backend.host);
    const upstream = http.request({ hostname, port, method: req.method, path: pathAndQuery, headers }, (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || HOP_BY_HOP.has(name)) continue;
        out[name] = name === 'location' && typeof value === 'string' ? rewriteLocation(value, backend.host, publicHost) : value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.once('end', () => resolve(answer.statusCode ?? 502));
      answer.once('error', reject);
    });
    upstream.once('error', reject);
    req.pipe(upstream);
  });
}

/** `http://BACKEND/v2/…` → `http://PUBLIC/v2/…`; relative locations stay as they are. */
export function rewriteLocation(location: string, backendHost: string, publicHost: string): string {
  const prefix = `http://${backendHost}`;
  return location.toLowerCase().startsWith(prefix.toLowerCase()) ? `http://${publicHost}${location.slice(prefix.length)}` : location;
}

function splitHost(host: string): [string, number] {
  const i = host.lastIndexOf(':');
  return i < 0 ? [host, 80] : [host.slice(0, i), Number(host.slice(i + 1))];
}
