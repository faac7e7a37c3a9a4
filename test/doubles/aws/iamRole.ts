import { createHash } from 'node:crypto';
import { AwsError } from './faults';
import type { XmlValue } from './query';

/**
 * A role as the IAM double keeps it, its checks, and the XML shapes IAM answers with
 * (Role, AttachedPolicy, Tag: https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html).
 */

export interface StoredRole {
  name: string;
  path: string;
  arn: string;
  id: string;
  created: Date;
  /** As sent, decoded from the form; IAM answers it URL-encoded (RFC 3986). */
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: Map<string, string>;
  attachedPolicies: string[];
  /** Inline policies (PutRolePolicy) by name, in the order first put; documents as sent, decoded from the form. */
  inlinePolicies: Map<string, string>;
}

// Patterns and lengths of the API reference (CreateRole: RoleName, Path; PutRolePolicy: PolicyName).
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
const POLICY_NAME = /^[\w+=,.@-]+$/;
const POLICY_NAME_MAX = 128;

export function checkRoleName(name: string): void {
  if (!ROLE_NAME.test(name)) throw constraint(name, 'roleName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
}

export function checkPath(path: string): void {
  if (path.length > 512 || !PATH.test(path)) {
    throw constraint(path, 'path', 'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)');
  }
}

export function checkPolicyName(name: string): void {
  if (name.length > POLICY_NAME_MAX) throw constraint(name, 'policyName', `Member must have length less than or equal to ${POLICY_NAME_MAX}`);
  if (!POLICY_NAME.test(name)) throw constraint(name, 'policyName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
}

/** A trust policy (CreateRole's AssumeRolePolicyDocument) that is not JSON, in IAM's words for it. */
export function checkPolicyDocument(document: string): void {
  try {
    JSON.parse(document);
  } catch {
    throw new AwsError(400, 'MalformedPolicyDocument', 'This policy contains invalid Json');
  }
}

/**
 * A permissions policy (PutRolePolicy): one JSON object. IAM's permissions-policy parser answers
 * other text with "Syntax errors in policy." (PutUserPolicy given `./x.json` for a document,
 * aws/aws-cli#3501 and #4555; CreatePolicy given a URL, kubernetes-sigs/aws-load-balancer-controller#1415),
 * not the trust-policy text above. The policy grammar itself (Version, Statement…) is not checked.
 */
export function checkPermissionsPolicy(document: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsError(400, 'MalformedPolicyDocument', 'Syntax errors in policy.');
  }
}

/** Attachable managed policies are `arn:aws:iam::aws:policy/…` or `arn:aws:iam::ACCOUNT:policy/…`. */
export function checkPolicyArn(arn: string): void {
  if (!/^arn:aws:iam::(aws|\d{12}):policy\/.+/.test(arn)) {
    throw new AwsError(404, 'NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
  }
}

/** IAM's RoleId: AROA and 17 characters, stable for a given ARN so runs compare equal. */
export function roleIdOf(arn: string): string {
  return `AROA${createHash('sha256').update(arn).digest('hex').toUpperCase().slice(0, 17)}`;
}

export function tagsXml(tags: Map<string, string>): XmlValue[] {
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

/** The Role shape; ListRoles leaves tags and RoleLastUsed out, as IAM does. */
export function roleXml(role: StoredRole, detail: boolean): Record<string, XmlValue> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: role.created,
    AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicyDocument),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    Tags: detail && role.tags.size > 0 ? tagsXml(role.tags) : undefined,
    RoleLastUsed: detail ? {} : undefined,
  };
}

export function attachedPolicyXml(arn: string): Record<string, XmlValue> {
  return { PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn };
}

/** IAM's list paging: MaxItems (default 100) and an opaque Marker; IsTruncated says more remain. */
export function page<T>(items: T[], params: Record<string, unknown>): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const max = params.MaxItems === undefined ? 100 : Number(params.MaxItems);
  const start = typeof params.Marker === 'string' ? Number(Buffer.from(params.Marker, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw constraint(String(params.MaxItems), 'maxItems', 'Member must have value between 1 and 1000');
  if (!Number.isInteger(start) || start < 0) throw new AwsError(400, 'ValidationError', 'Invalid Marker.');
  const end = start + max;
  const truncated = end < items.length;
  return { items: items.slice(start, end), IsTruncated: truncated, Marker: truncated ? Buffer.from(String(end)).toString('base64url') : undefined };
}

function constraint(value: string, member: string, rule: string): AwsError {
  return new AwsError(400, 'ValidationError', `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${rule}`);
}
