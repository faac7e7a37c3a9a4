/**
 * The Batch service's error answers (BatchError in the 2025-06-01 spec) as the service writes
 * them: `{ "odata.metadata", "code", "message": { "lang": "en-US", "value": "<text>\nRequestId:…\nTime:…" },
 * "values": [{ "key", "value" }] }`. Codes and texts are those of Microsoft's "Batch status and
 * error codes" table and of real answers users quote (TooManyRequests, MissingRequiredQueryParameter,
 * ActiveJobAndScheduleQuotaReached); a `Reason` value the double adds is its own wording.
 */
export class BatchError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly values: Array<{ key: string; value: string }> = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }

  body(host: string, requestId: string, at: Date = new Date()): Record<string, unknown> {
    return {
      'odata.metadata': `https://${host}/$metadata#Microsoft.Azure.Batch.Protocol.Entities.Container.errors/@Element`,
      code: this.code,
      message: { lang: 'en-US', value: `${this.message}\nRequestId:${requestId}\nTime:${at.toISOString().replace('Z', '0000Z')}` },
      ...(this.values.length ? { values: this.values } : {}),
    };
  }

  /** The BatchError object inside a task collection result (no odata.metadata, no request id). */
  inner(): Record<string, unknown> {
    return { code: this.code, message: { lang: 'en-US', value: this.message }, ...(this.values.length ? { values: this.values } : {}) };
  }
}

const kv = (pairs: Record<string, string>) => Object.entries(pairs).map(([key, value]) => ({ key, value }));

export const missingApiVersion = () =>
  new BatchError(400, 'MissingRequiredQueryParameter', "A query parameter that's mandatory for this request is not specified.", kv({ QueryParameterName: 'api-version' }));

/** An api-version the service does not serve (real answer for an unknown one; the double serves 2025-06-01 only). */
export const unsupportedApiVersion = (version: string) =>
  new BatchError(400, 'InvalidQueryParameterValue', 'Value for one of the query parameters specified in the request URI is invalid.', kv({ QueryParameterName: 'api-version', QueryParameterValue: version }));

export const invalidQueryParameter = (name: string, value: string, reason: string) =>
  new BatchError(400, 'InvalidQueryParameterValue', 'Value for one of the query parameters specified in the request URI is invalid.', kv({ QueryParameterName: name, QueryParameterValue: value, Reason: reason }));

export const authenticationFailed = (detail: string) =>
  new BatchError(401, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.', kv({ AuthenticationErrorDetail: detail }), {
    'WWW-Authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", resource_id="https://batch.core.windows.net/"',
  });

export const throttled = (retryAfterSeconds: number) =>
  new BatchError(429, 'TooManyRequests', 'Request failed as server encountered too many requests. Please try again.', [], { 'Retry-After': String(retryAfterSeconds) });

export const invalidRequestBody = (reason: string) => new BatchError(400, 'InvalidRequestBody', 'The specified Request Body is not syntactically valid.', kv({ Reason: reason }));

export const missingProperty = (name: string) => new BatchError(400, 'MissingRequiredProperty', 'A required property was not specified in the request body.', kv({ PropertyName: name }));

export const invalidProperty = (name: string, value: unknown, reason: string) =>
  new BatchError(400, 'InvalidPropertyValue', 'The value provided for one of the properties in the request body is invalid.', kv({ PropertyName: name, PropertyValue: typeof value === 'string' ? value : JSON.stringify(value) ?? '', Reason: reason }));

export const invalidHeader = (name: string, value: string) =>
  new BatchError(400, 'InvalidHeaderValue', 'The value for one of the HTTP headers is not in the correct format.', kv({ HeaderName: name, HeaderValue: value }));

export const invalidRange = () => new BatchError(416, 'InvalidRange', 'The range specified is invalid for the current size of the resource.');

export const notFound = (code: string, message: string) => new BatchError(404, code, message);
export const poolNotFound = () => notFound('PoolNotFound', 'The specified pool does not exist.');
export const nodeNotFound = () => notFound('NodeNotFound', 'The specified node does not exist.');
export const jobNotFound = () => notFound('JobNotFound', 'The specified job does not exist.');
export const jobScheduleNotFound = () => notFound('JobScheduleNotFound', 'The specified job schedule does not exist.');
export const taskNotFound = () => notFound('TaskNotFound', 'The specified task does not exist.');
export const fileNotFound = () => notFound('FileNotFound', 'The specified file does not exist.');
export const nodeAgentSkuNotFound = () => notFound('NodeAgentSKUNotFound', 'The specified Node Agent SKU does not exist.');
export const resourceNotFound = () => notFound('ResourceNotFound', 'The specified resource does not exist.');

export const conflict = (code: string, message: string) => new BatchError(409, code, message);
export const poolExists = () => conflict('PoolExists', 'The specified pool already exists.');
export const poolBeingDeleted = () => conflict('PoolBeingDeleted', 'The specified pool has been marked for deletion and is being reclaimed.');
export const poolBeingResized = () => conflict('PoolBeingResized', 'The specified pool is being resized.');
export const jobExists = () => conflict('JobExists', 'The specified job already exists.');
export const jobScheduleExists = () => conflict('JobScheduleExists', 'The specified job schedule already exists.');
export const jobWithSameIdExists = () => conflict('JobWithSameIdExists', 'A job with the specified job schedule id exists. Job and job schedule cannot have the same id.');
export const jobScheduleWithSameIdExists = () => conflict('JobScheduleWithSameIdExists', 'A job schedule with the specified job id exists. Job and job schedule cannot have the same id.');
export const jobCompleted = () => conflict('JobCompleted', 'The specified job is already in a completed state.');
export const jobBeingTerminated = () => conflict('JobBeingTerminated', 'The specified job is being terminated.');
export const jobBeingDeleted = () => conflict('JobBeingDeleted', 'The specified job has been marked for deletion and is being garbage collected.');
export const jobScheduleBeingDeleted = () => conflict('JobScheduleBeingDeleted', 'The specified job schedule has been marked for deletion and is being reclaimed.');
export const jobScheduleBeingTerminated = () => conflict('JobScheduleBeingTerminated', 'The specified job schedule is being terminated.');
export const jobScheduleCompleted = () => conflict('JobScheduleCompleted', 'The specified job schedule is already in completed state.');
export const taskExists = () => conflict('TaskExists', 'The specified task already exists.');
export const taskCompleted = () => conflict('TaskCompleted', 'The specified task is already in a completed state.');
export const taskNotCompleted = () => conflict('TaskNotCompleted', 'The specified task is not in a completed state, and the requested operation can be performed only on completed tasks.');
export const taskSucceeded = () => conflict('TaskSucceeded', 'The specified task has already completed successfully, and the requested operation cannot be performed on successful tasks.');
export const taskFilesUnavailable = () => conflict('TaskFilesUnavailable', 'The files of the specified task are unavailable.');
export const activeJobQuotaReached = () => conflict('ActiveJobAndScheduleQuotaReached', 'Active job and job schedule quota for the account has been reached.');
export const invalidForCurrentState = (reason: string) =>
  new BatchError(409, 'OperationInvalidForCurrentState', 'The specified operation is not valid for the current state of the resource.', kv({ Reason: reason }));

/** Batch's answer to enableautoscale on the same pool within 30 seconds ("Batch status and error codes": 503). */
export const tooManyEnableAutoScaleRequests = () => new BatchError(503, 'TooManyEnableAutoScaleRequests', 'Too many Enable Pool AutoScale requests are issued on the pool.');

export const formulaSyntaxError = (detail: string) => new BatchError(400, 'AutoScalingFormulaSyntaxError', 'The specified auto-scaling formula has a syntax error.', kv({ Message: detail }));
export const formulaTooLong = () => new BatchError(400, 'AutoScaleFormulaTooLong', 'The specified auto-scaling formula exceeds lengths limit.');
export const invalidAutoScaleSettings = (reason: string) => new BatchError(400, 'InvalidAutoScalingSettings', 'The specified auto-scaling settings are not valid.', kv({ Reason: reason }));
