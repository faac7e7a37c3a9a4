// Function URLs (/2021-10-31/functions/{name}/url): one per function here ($LATEST only).
import { randomBytes } from 'node:crypto';
import { lambdaTimestamp } from './arns';
import { missingField, resourceNotFound, urlConfigExists, validationError } from './errors';
import { str, type Answer, type Request } from './http';
import { findFunction } from './lookup';
import type { FunctionRecord, UrlConfig } from './store';

const AUTH_TYPES = ['AWS_IAM', 'NONE'];

export function createFunctionUrlConfig(req: Request): Answer {
  const fn = findFunction(req.store, req.params.name!, req.query.get('Qualifier'));
  if (req.json.AuthType === undefined) throw missingField('authType');
  const authType = str(req.json.AuthType) ?? '';
  if (!AUTH_TYPES.includes(authType)) throw validationError(authType, 'authType', `Member must satisfy enum value set: [${AUTH_TYPES.join(', ')}]`);
  if (fn.url) throw urlConfigExists(fn.arn);
  const now = lambdaTimestamp();
  fn.url = {
    // 32 characters of [a-z0-9], like the service's url-ids.
    url: `https://${urlId()}.lambda-url.${req.store.region}.on.aws/`,
    authType,
    cors: req.json.Cors,
    invokeMode: str(req.json.InvokeMode) ?? 'BUFFERED',
    creationTime: now,
    lastModifiedTime: now,
  };
  // CreateFunctionUrlConfig's answer has no LastModifiedTime.
  const { LastModifiedTime: _created, ...created } = view(fn, fn.url);
  return { status: 201, json: created };
}

export function getFunctionUrlConfig(req: Request): Answer {
  const fn = findFunction(req.store, req.params.name!, req.query.get('Qualifier'));
  if (!fn.url) throw resourceNotFound();
  return { status: 200, json: view(fn, fn.url) };
}

export function deleteFunctionUrlConfig(req: Request): Answer {
  const fn = findFunction(req.store, req.params.name!, req.query.get('Qualifier'));
  if (!fn.url) throw resourceNotFound();
  fn.url = undefined;
  return { status: 204 };
}

function view(fn: FunctionRecord, url: UrlConfig): Record<string, unknown> {
  return {
    FunctionUrl: url.url,
    FunctionArn: fn.arn,
    AuthType: url.authType,
    Cors: url.cors,
    CreationTime: url.creationTime,
    LastModifiedTime: url.lastModifiedTime,
    InvokeMode: url.invokeMode,
  };
}

function urlId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(32)].map((b) => alphabet[b % alphabet.length]).join('');
}
