/**
 * ARM's error answers: `{ "error": { "code", "message" } }` with the status ARM gives them.
 * Texts are ARM's own, as users quote them in public issues and as Microsoft's docs print them.
 */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: Array<{ code: string; message: string }>,
  ) {
    super(message);
    this.name = code;
  }

  body(): { error: { code: string; message: string; details?: Array<{ code: string; message: string }> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export const missingApiVersion = () =>
  new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');

export const missingToken = () =>
  new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", { 'WWW-Authenticate': challenge() });

export const malformedToken = () =>
  new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', { 'WWW-Authenticate': challenge('invalid_token') });

export const expiredToken = () =>
  new ArmError(401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.', {
    'WWW-Authenticate': challenge('invalid_token'),
  });

export const wrongAudience = (audience: string, allowed: string[]) =>
  new ArmError(
    401,
    'InvalidAuthenticationTokenAudience',
    `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences ${allowed.map((a) => `'${a}'`).join(',')}.`,
    { 'WWW-Authenticate': challenge('invalid_token') },
  );

function challenge(error?: string): string {
  return `Bearer authorization_uri="https://login.windows.net/", error="${error ?? 'invalid_token'}", error_description="The authentication failed because of missing 'Authorization' header."`;
}

export const authorizationFailed = (clientId: string, objectId: string, action: string, scope: string) =>
  new ArmError(
    403,
    'AuthorizationFailed',
    `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );

export const resourceGroupNotFound = (name: string) => new ArmError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);

/** ARM's standard not-found text for a resource in a resource group (verified). */
export const resourceNotFound = (type: string, name: string, resourceGroup: string) =>
  new ArmError(404, 'ResourceNotFound', `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);

export const subscriptionNotFound = (id: string) => new ArmError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);

export const invalidResourceNamespace = (namespace: string) =>
  new ArmError(400, 'InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`);

/** GET/DELETE/POST with an api-version the provider does not serve. */
export const invalidResourceTypeForVersion = (type: string, namespace: string, apiVersion: string, supported: string[]) =>
  new ArmError(
    400,
    'InvalidResourceType',
    `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${apiVersion}'. The supported api-versions are '${supported.join(',')}'.`,
  );

/** PUT with an api-version the provider does not serve: ARM names the location too. */
export const noRegisteredProvider = (location: string, apiVersion: string, type: string, supported: string[], locations: string[]) =>
  new ArmError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${type}'. The supported api-versions are '${supported.join(', ')}'. The supported locations are '${locations.join(', ')}'.`,
  );

/** A path no provider route knows. */
export const unknownResourceType = (type: string, namespace: string, apiVersion: string) =>
  new ArmError(404, 'InvalidResourceType', `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${apiVersion}'.`);

export const throttled = (subscriptionId: string, objectId: string, method: string, retryAfterSeconds: number) =>
  new ArmError(
    429,
    'SubscriptionRequestsThrottled',
    `Number of '${method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : 'write'}' requests for subscription '${subscriptionId}' actor '${objectId}' exceeded. Please try again after '${retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
    { 'Retry-After': String(retryAfterSeconds) },
  );

export const invalidRequestContent = (detail: string) =>
  new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${detail}'.`);

/** A bug in the double: answered 500 with its stack so the test shows it instead of hanging. */
export function asArmError(error: unknown): ArmError {
  if (error instanceof ArmError) return error;
  return new ArmError(500, 'InternalServerError', `test double failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}
