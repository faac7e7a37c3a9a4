/**
 * ACR's error answers: `{"errors":[{"code","message","detail"?}]}` (the registry v2 error shape
 * ACR also uses on its /oauth2 endpoints). The UNAUTHORIZED text is ACR's own, as `docker` and
 * `az acr login` print it (Azure/acr#506, azure-sdk-for-js recordings, Microsoft's ACR
 * troubleshooting page); others are marked "(unverified wording)".
 */
export interface AcrReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface AccessDetail {
  Type: string;
  Name: string;
  Action: string;
}

export const AUTH_REQUIRED = 'authentication required, visit https://aka.ms/acr/authorization for more information.';

export function acrError(status: number, code: string, message: string, detail?: AccessDetail[], headers: Record<string, string> = {}): AcrReply {
  return { status, headers, body: { errors: [{ code, message, ...(detail ? { detail } : {}) }] } };
}

export const unauthorized = (detail?: AccessDetail[], headers?: Record<string, string>) => acrError(401, 'UNAUTHORIZED', AUTH_REQUIRED, detail, headers);

/** (unverified wording) */
export const unsupportedGrant = (grant: string) => acrError(400, 'UNSUPPORTED', `grant type '${grant}' is not supported`);

/** (unverified wording) */
export const missingParameter = (name: string) => acrError(400, 'UNSUPPORTED', `the parameter '${name}' is required`);

/** The registry v2 API's own 404 for a path it does not serve. */
export const notFound = () => acrError(404, 'NOT_FOUND', 'the requested resource is not found');

/** The backing registry could not be reached (a double's failure, not ACR's). */
export const badGateway = (message: string) => acrError(502, 'UNAVAILABLE', `test double could not reach its backing registry: ${message}`);
