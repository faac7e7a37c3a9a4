import http from 'node:http';
import https from 'node:https';
import { testTls } from '../../../../support/azureTls';
import type { InboundResponse, OutboundRequest } from '../engine/context';

/** The service's limit on one outbound request of an HTTP action (Consumption: 120 s). */
const REQUEST_TIMEOUT_MS = 120_000;

/**
 * Sends an HTTP action's request for real: https (trusting the doubles' test certificate, so
 * the ARM double's RBAC and recording apply to what a workflow does) or plain http.
 */
export function sendOutbound(request: OutboundRequest, signal: AbortSignal): Promise<InboundResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const headers: Record<string, string> = { ...request.headers };
    if (body) headers['Content-Length'] = String(body.length);
    const options: https.RequestOptions = { method: request.method, headers, signal, timeout: request.timeoutMs ?? REQUEST_TIMEOUT_MS };
    const req = url.protocol === 'https:' ? https.request(url, { ...options, ca: testTls().cert }) : http.request(url, options);
    req.on('timeout', () => req.destroy(new Error('The request timed out.')));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(body);
  });
}
