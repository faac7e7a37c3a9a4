/**
 * The texts the service writes into run history for skipped and failed actions. The skip and
 * "ActionFailed" texts are the ones users quote from the service; where no public text exists
 * (marked "double's wording") the double says what happened in the service's style.
 */

export interface CloudError {
  code: string;
  message: string;
}

export const ACTION_FAILED: CloudError = { code: 'ActionFailed', message: 'An action failed. No dependent actions succeeded.' };

export const skippedByRunAfter = (action: string, predecessor: string, expected: string[], actual: string): CloudError => ({
  code: 'ActionConditionFailed',
  message: `The execution of template action '${action}' is skipped: the 'runAfter' condition for action '${predecessor}' is not satisfied. Expected status values '${expected.join(', ')}' and actual value '${actual}'.`,
});

export const skippedByBranch = (action: string): CloudError => ({
  code: 'ActionBranchingConditionNotSatisfied',
  message: `The execution of template action '${action}' skipped: the branching condition for this action is not satisfied.`,
});

export const skippedWithContainer = (action: string, container: string, status: string, code: string): CloudError => ({
  code: 'ActionDependencyFailed',
  message: `The execution of template action '${action}' is skipped: dependant action '${container}' completed with status '${status}' and code '${code}'.`,
});

/** An action whose inputs could not be evaluated (the service says line '0' and column '0' at run time). */
export const inputsNotEvaluated = (action: string, reason: string): CloudError => ({
  code: 'InvalidTemplate',
  message: `Unable to process template language expressions in action '${action}' inputs at line '0' and column '0': '${reason}'.`,
});

/** An If or Until whose own expression could not be evaluated. */
export const expressionNotEvaluated = (action: string, reason: string): CloudError => ({
  code: 'InvalidTemplate',
  message: `Unable to process template language expressions for action '${action}' at line '0' and column '0': '${reason}'.`,
});

/** Double's wording: an If or Until expression that gives no boolean. */
export const notABoolean = (action: string, type: string): CloudError => ({
  code: 'InvalidTemplate',
  message: `The execution of template action '${action}' failed: the result of the evaluation of its expression is of type '${type}'. The result must be a valid boolean value.`,
});

/** The HTTP action's failure to reach the endpoint, or to get its managed identity token. */
export const httpRequestFailed = (reason: string): CloudError => ({
  code: 'BadRequest',
  message: `Http request failed as there is an error: '${reason}'.`,
});

export const tokenFailed = (reason: string): CloudError => ({
  code: 'BadRequest',
  message: `Http request failed as there is an error getting AD OAuth token: '${reason}'.`,
});

/** Double's wording: a Response in a run no HTTP request started (save-time rules stop most). */
export const responseWithoutRequest = (action: string): CloudError => ({
  code: 'ActionResponseNotSupported',
  message: `The 'Response' action '${action}' cannot be executed: the workflow run was not started by an HTTP request, so there is no request to respond to.`,
});

/** Double's wording: the docs say a second Response "is marked as Failed due to the conflict". */
export const responseAlreadySent = (action: string): CloudError => ({
  code: 'ActionResponseAlreadySent',
  message: `The 'Response' action '${action}' failed: the incoming request of this run has already received a response.`,
});

/** The .NET HttpStatusCode names the service uses as an HTTP action's code (429 has none: "429"). */
const STATUS_NAMES: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'NonAuthoritativeInformation', 204: 'NoContent', 205: 'ResetContent', 206: 'PartialContent',
  300: 'MultipleChoices', 301: 'MovedPermanently', 302: 'Found', 303: 'SeeOther', 304: 'NotModified', 307: 'TemporaryRedirect',
  400: 'BadRequest', 401: 'Unauthorized', 402: 'PaymentRequired', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 407: 'ProxyAuthenticationRequired', 408: 'RequestTimeout', 409: 'Conflict', 410: 'Gone', 411: 'LengthRequired',
  412: 'PreconditionFailed', 413: 'RequestEntityTooLarge', 414: 'RequestUriTooLong', 415: 'UnsupportedMediaType', 416: 'RequestedRangeNotSatisfiable',
  417: 'ExpectationFailed', 500: 'InternalServerError', 501: 'NotImplemented', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout',
  505: 'HttpVersionNotSupported',
};

export const statusName = (status: number): string => STATUS_NAMES[status] ?? String(status);
