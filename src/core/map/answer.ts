import type { InvokeResult } from '../deployment';
import type { CallAnswer } from './poolExecutor';
import { CallFailure } from './retry';

/**
 * A target's invoke result as a map answer. A non-2xx answer is the handler's only when it is
 * the runtime's error shape (`{errorType, errorMessage}`) and not "the handler could not be
 * loaded" (that is the deployment's state, not this chunk's answer): anything else got no answer.
 */
export function answerOf(r: InvokeResult): CallAnswer {
  if (r.ok) return { ok: true, value: r.body, raw: r.raw };
  const body = r.body as { errorType?: unknown; errorMessage?: unknown } | null;
  if (body && typeof body === 'object' && typeof body.errorType === 'string' && body.errorType !== 'HandlerLoadError') {
    return { ok: false, error: { errorType: body.errorType, errorMessage: typeof body.errorMessage === 'string' ? body.errorMessage : String(body.errorMessage ?? '') } };
  }
  const text = typeof r.raw === 'string' ? r.raw.replace(/\s+/g, ' ').trim().slice(0, 300) : '';
  throw new CallFailure(`no answer from the handler${text ? `: ${text}` : ''}`);
}
