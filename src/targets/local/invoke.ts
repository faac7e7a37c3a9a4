import { Agent, request } from 'node:http';
import { AppError, cancelledError } from '../../core/errors';
import type { DeploymentRecord } from '../../core/records/record';
import type { InvokeResult } from '../../core/deployment';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** One keep-alive agent for the process: repeated invokes reuse the connection. */
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * POSTs the payload to `<endpoint>/invocations`. The payload is checked to be JSON first: a
 * typo is the user's to fix, not something to send to R. `ok` is a 2xx answer (the runtime
 * answers an R error with a non-2xx status and `{errorType, errorMessage}`).
 */
export interface InvokeLimits {
  /** Larger payloads are refused here, before anything is sent. */
  maxPayloadBytes: number;
  /** How long to wait for the answer. */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: InvokeLimits = { maxPayloadBytes: 6 * 1024 * 1024, timeoutMs: 120_000 };

export async function invokeLocal(record: DeploymentRecord, payload: string, ctx: { signal?: AbortSignal }, limits: InvokeLimits = DEFAULT_LIMITS): Promise<InvokeResult> {
  try {
    JSON.parse(payload);
  } catch (e) {
    throw new AppError('payload-invalid', `The payload is not valid JSON (${(e as Error).message}). Pass a JSON value, e.g. '{"x": 1}'.`, { cause: e });
  }
  if (!record.endpoint) {
    throw new AppError('invoke-failed', `"${record.name}" has no endpoint (its status is ${record.status}). Deploy it with \`rdeploy deploy\`.`);
  }
  if (ctx.signal?.aborted) throw cancelledError();
  const url = new URL('/invocations', record.endpoint);
  // A local deployment answers on this machine only. The endpoint comes from a record file, which
  // a cloned repository may carry: never send the user's payload anywhere else.
  if (!LOOPBACK.has(url.hostname) || url.protocol !== 'http:') {
    throw new AppError('invoke-failed', `The record of "${record.name}" points at ${url.host}, which is not this machine. Redeploy it with \`rdeploy deploy\`.`);
  }
  const body = Buffer.from(payload, 'utf8');
  if (body.length > limits.maxPayloadBytes) {
    throw new AppError(
      'payload-invalid',
      `The payload is ${mb(body.length)}; "${record.name}" accepts at most ${mb(limits.maxPayloadBytes)}. Send a smaller payload, or raise targets.local.maxPayloadMb in rdeploy.json and redeploy.`,
    );
  }
  const started = performance.now();
  const { status, raw } = await new Promise<{ status: number; raw: string }>((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, signal: ctx.signal, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // A stuck handler must not hang the caller: past the limit the request is dropped.
    req.setTimeout(limits.timeoutMs, () => req.destroy(Object.assign(new Error('timed out'), { code: 'RDEPLOY_TIMEOUT' })));
    req.on('error', reject);
    req.end(body);
  }).catch((e: unknown) => {
    throw invokeError(record, e, ctx.signal, limits);
  });
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // not JSON (a proxy's error page, a crash): the raw text is the most useful answer
  }
  return { ok: status >= 200 && status < 300, body: parsed, raw, durationMs };
}

function invokeError(record: DeploymentRecord, e: unknown, signal: AbortSignal | undefined, limits: InvokeLimits): AppError {
  if (signal?.aborted) return cancelledError();
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'RDEPLOY_TIMEOUT') {
    return new AppError(
      'invoke-failed',
      `"${record.name}" did not answer within ${Math.round(limits.timeoutMs / 1000)} s. The handler may be stuck or slow: see \`rdeploy logs ${record.name}\`, or raise targets.local.invokeTimeoutSeconds in rdeploy.json and redeploy.`,
      { cause: e },
    );
  }
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE') {
    return new AppError(
      'invoke-failed',
      `"${record.name}" is not running (nothing answers at ${record.endpoint}). Run \`rdeploy status ${record.name}\` to see why, or deploy it again.`,
      { cause: e },
    );
  }
  return new AppError('invoke-failed', `Calling "${record.name}" at ${record.endpoint} failed: ${(e as Error).message}.`, { cause: e });
}

function mb(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
}
