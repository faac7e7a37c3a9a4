// A function's resource-based policy: AddPermission, RemovePermission, GetPolicy. The double
// records statements; it enforces none of them.
import { missingField, noPolicy, statementExists, statementNotFound } from './errors';
import { str, type Answer, type Request } from './http';
import { findFunction } from './lookup';

export function addPermission(req: Request): Answer {
  const fn = findFunction(req.store, req.params.name!, req.query.get('Qualifier'));
  const { json } = req;
  for (const field of ['StatementId', 'Action', 'Principal'] as const) {
    if (json[field] === undefined) throw missingField(field[0]!.toLowerCase() + field.slice(1));
  }
  const sid = str(json.StatementId)!;
  if (fn.policy.has(sid)) throw statementExists(sid);
  const statement = statementFor(sid, fn.arn, json);
  fn.policy.set(sid, statement);
  return { status: 201, json: { Statement: JSON.stringify(statement) } };
}

export function removePermission(req: Request): Answer {
  const fn = findFunction(req.store, req.params.name!, req.query.get('Qualifier'));
  const sid = req.params.sid!;
  if (fn.policy.size === 0) throw noPolicy();
  if (!fn.policy.delete(sid)) throw statementNotFound(sid);
  return { status: 204 };
}

export function getPolicy(req: Request): Answer {
  const fn = findFunction(req.store, req.params.name!, req.query.get('Qualifier'));
  if (fn.policy.size === 0) throw noPolicy();
  const policy = { Version: '2012-10-17', Id: 'default', Statement: [...fn.policy.values()] };
  return { status: 200, json: { Policy: JSON.stringify(policy), RevisionId: fn.revisionId } };
}

/** The IAM statement Lambda writes for an AddPermission call. */
function statementFor(sid: string, resource: string, json: Record<string, unknown>): Record<string, unknown> {
  const principal = str(json.Principal) ?? '';
  const condition: Record<string, Record<string, string>> = {};
  const sourceArn = str(json.SourceArn);
  if (sourceArn) condition.ArnLike = { 'AWS:SourceArn': sourceArn };
  const equals: Record<string, string> = {};
  const sourceAccount = str(json.SourceAccount);
  if (sourceAccount) equals['AWS:SourceAccount'] = sourceAccount;
  const urlAuth = str(json.FunctionUrlAuthType);
  if (urlAuth) equals['lambda:FunctionUrlAuthType'] = urlAuth;
  if (Object.keys(equals).length > 0) condition.StringEquals = equals;
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: principal === '*' ? '*' : principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
    Action: str(json.Action),
    Resource: resource,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}
