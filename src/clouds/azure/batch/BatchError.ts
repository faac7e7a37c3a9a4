import { z } from 'zod';

/**
 * A refusal from the Batch service, from its error body
 * (`{ code, message: { lang, value }, values: [{ key, value }] }`).
 *
 * Not an AppError: `code` is Batch's own ("PoolNotFound", "AutoScalingFormulaSyntaxError"), and
 * callers branch on it. It has the shape `azureFailure()` reads (code, statusCode, message), so
 * the target turns it into the one sentence a user sees by catching it only to add what it was
 * doing.
 */
export class BatchError extends Error {
  override readonly name = 'BatchError';
  constructor(
    /** Batch's error code, or one named after the HTTP status when the answer had no Batch body. */
    readonly code: string,
    /** The message's value (Batch appends "RequestId:…" and "Time:…" lines to it). */
    message: string,
    readonly statusCode: number,
    /** Batch's details, e.g. the formula error of an autoscale refusal. */
    readonly values: readonly { key: string; value: string }[] = [],
    /** The `request-id` response header, for a support ticket. */
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** The value of one detail, e.g. "Reason". */
  value(key: string): string | undefined {
    return this.values.find((v) => v.key === key)?.value;
  }
}

const BatchErrorBody = z.object({
  code: z.string().optional(),
  message: z.object({ lang: z.string().optional(), value: z.string().optional() }).optional(),
  values: z.array(z.object({ key: z.string().optional(), value: z.string().optional() })).optional(),
});

/** Codes for answers without a Batch body (a HEAD, a gateway's page). */
const STATUS_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'ConditionNotMet',
  413: 'RequestBodyTooLarge',
  416: 'InvalidRange',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServerBusy',
};

/** The error a non-2xx answer means. */
export function batchErrorFrom(status: number, bodyText: string | undefined, requestId?: string): BatchError {
  let parsed: z.infer<typeof BatchErrorBody> | undefined;
  try {
    const r = BatchErrorBody.safeParse(bodyText ? JSON.parse(bodyText) : undefined);
    parsed = r.success ? r.data : undefined;
  } catch {
    // not JSON: the status says it
  }
  const code = parsed?.code ?? STATUS_CODES[status] ?? `HTTP${status}`;
  const message = parsed?.message?.value?.trim() || `Batch answered HTTP ${status}${parsed?.code ? ` (${parsed.code})` : ''}.`;
  const values = (parsed?.values ?? []).map((v) => ({ key: v.key ?? '', value: v.value ?? '' }));
  return new BatchError(code, message, status, values, requestId);
}
