import { AwsError } from './faults';
import { AwsDouble } from './http';
import {
  attachedPolicyXml,
  checkPath,
  checkPermissionsPolicy,
  checkPolicyArn,
  checkPolicyDocument,
  checkPolicyName,
  checkRoleName,
  page,
  roleIdOf,
  roleXml,
  tagsXml,
  type StoredRole,
} from './iamRole';
import { queryProtocol, requiredString, type QueryHandler } from './query';

/**
 * Test double of AWS IAM roles, driven by the real @aws-sdk/client-iam (awsQuery).
 *
 * Operations: CreateRole, GetRole, DeleteRole, AttachRolePolicy, DetachRolePolicy,
 * ListAttachedRolePolicies, ListRoles, ListRoleTags, TagRole, and the inline role policies
 * PutRolePolicy, GetRolePolicy, DeleteRolePolicy, ListRolePolicies. Managed policies are not
 * modelled: any well-formed policy ARN attaches. Inline documents are checked to be one JSON
 * object, not against the policy grammar. Error texts are IAM's own, as reported by SDK and CLI
 * users (EntityAlreadyExists, NoSuchEntity, DeleteConflict, MalformedPolicyDocument).
 */

export interface IamRoleView {
  name: string;
  arn: string;
  path: string;
  tags: Record<string, string>;
  attachedPolicies: string[];
  /** Inline policies by name, each document parsed. */
  inlinePolicies: Record<string, unknown>;
}

export class IamDouble extends AwsDouble {
  private readonly roleMap: Map<string, StoredRole>;

  private constructor(accountId: string, roleMap = new Map<string, StoredRole>()) {
    super(queryProtocol({ namespace: 'https://iam.amazonaws.com/doc/2010-05-08/', version: '2010-05-08', handlers: handlers(accountId, roleMap) }));
    this.roleMap = roleMap;
  }

  static async start(opts: { accountId?: string } = {}): Promise<IamDouble> {
    const double = new IamDouble(opts.accountId ?? '123456789012');
    await double.listen();
    return double;
  }

  /** The roles that exist now, in creation order. */
  roles(): IamRoleView[] {
    return [...this.roleMap.values()].map((role) => ({
      name: role.name,
      arn: role.arn,
      path: role.path,
      tags: Object.fromEntries(role.tags),
      attachedPolicies: [...role.attachedPolicies],
      inlinePolicies: Object.fromEntries([...role.inlinePolicies].map(([name, document]): [string, unknown] => [name, JSON.parse(document)])),
    }));
  }
}

function handlers(accountId: string, roles: Map<string, StoredRole>): Record<string, QueryHandler> {
  const find = (params: Record<string, unknown>): StoredRole => {
    const name = requiredString(params, 'RoleName');
    const role = roles.get(name);
    if (!role) throw new AwsError(404, 'NoSuchEntity', `The role with name ${name} cannot be found.`);
    return role;
  };
  // "The role policy with name X cannot be found.": DeleteRolePolicy in aws/aws-cli#6139, and the
  // same for GetRolePolicy in CLI transcripts; an unknown role is the role's own NoSuchEntity.
  const findInline = (params: Record<string, unknown>): { role: StoredRole; name: string; document: string } => {
    const name = requiredString(params, 'PolicyName');
    const role = find(params);
    const document = role.inlinePolicies.get(name);
    if (document === undefined) throw new AwsError(404, 'NoSuchEntity', `The role policy with name ${name} cannot be found.`);
    return { role, name, document };
  };
  return {
    CreateRole: (params) => {
      const name = requiredString(params, 'RoleName');
      const path = typeof params.Path === 'string' ? params.Path : '/';
      const document = requiredString(params, 'AssumeRolePolicyDocument');
      checkRoleName(name);
      checkPath(path);
      checkPolicyDocument(document);
      if (roles.has(name)) throw new AwsError(409, 'EntityAlreadyExists', `Role with name ${name} already exists.`);
      const arn = `arn:aws:iam::${accountId}:role${path}${name}`;
      const role: StoredRole = {
        name,
        path,
        arn,
        id: roleIdOf(arn),
        created: new Date(),
        assumeRolePolicyDocument: document,
        description: typeof params.Description === 'string' ? params.Description : undefined,
        maxSessionDuration: params.MaxSessionDuration === undefined ? 3600 : Number(params.MaxSessionDuration),
        tags: tagMap(params.Tags),
        attachedPolicies: [],
        inlinePolicies: new Map(),
      };
      roles.set(name, role);
      return { Role: roleXml(role, true) };
    },
    GetRole: (params) => ({ Role: roleXml(find(params), true) }),
    DeleteRole: (params) => {
      const role = find(params);
      // IAM's two texts: "detach" for managed policies still attached, "delete" for inline ones
      // (e.g. hashicorp/boundary#5646 and aws/aws-sdk-java#2155; burtcorp/athena-runner#1 and
      // ekristen/aws-nuke#203). Which IAM reports when a role has both is not documented; the
      // managed one first, as moto does.
      if (role.attachedPolicies.length > 0) throw new AwsError(409, 'DeleteConflict', 'Cannot delete entity, must detach all policies first.');
      if (role.inlinePolicies.size > 0) throw new AwsError(409, 'DeleteConflict', 'Cannot delete entity, must delete policies first.');
      roles.delete(role.name);
      return undefined;
    },
    AttachRolePolicy: (params) => {
      const role = find(params);
      const arn = requiredString(params, 'PolicyArn');
      checkPolicyArn(arn);
      if (!role.attachedPolicies.includes(arn)) role.attachedPolicies.push(arn);
      return undefined;
    },
    DetachRolePolicy: (params) => {
      const role = find(params);
      const arn = requiredString(params, 'PolicyArn');
      // The text AWS emulators answer with; no capture from IAM itself was found to confirm it.
      if (!role.attachedPolicies.includes(arn)) throw new AwsError(404, 'NoSuchEntity', `Policy ${arn} was not found.`);
      role.attachedPolicies = role.attachedPolicies.filter((attached) => attached !== arn);
      return undefined;
    },
    ListAttachedRolePolicies: (params) => {
      const prefix = typeof params.PathPrefix === 'string' ? params.PathPrefix : '/';
      const matching = find(params).attachedPolicies.filter((arn) => policyPath(arn).startsWith(prefix));
      const { items, ...paging } = page(matching, params);
      return { AttachedPolicies: items.map(attachedPolicyXml), ...paging };
    },
    PutRolePolicy: (params) => {
      const name = requiredString(params, 'PolicyName');
      const document = requiredString(params, 'PolicyDocument');
      checkPolicyName(name);
      const role = find(params);
      checkPermissionsPolicy(document);
      // "Adds or updates": a second put under the same name replaces the document in place.
      role.inlinePolicies.set(name, document);
      return undefined;
    },
    GetRolePolicy: (params) => {
      const { role, name, document } = findInline(params);
      // URL-encoded (RFC 3986) as IAM answers it; @aws-sdk/client-iam passes it on undecoded.
      return { RoleName: role.name, PolicyName: name, PolicyDocument: encodeURIComponent(document) };
    },
    DeleteRolePolicy: (params) => {
      const { role, name } = findInline(params);
      role.inlinePolicies.delete(name);
      return undefined;
    },
    ListRolePolicies: (params) => {
      const { items, ...paging } = page([...find(params).inlinePolicies.keys()], params);
      return { PolicyNames: items, ...paging };
    },
    ListRoles: (params) => {
      const prefix = typeof params.PathPrefix === 'string' ? params.PathPrefix : '/';
      const { items, ...paging } = page([...roles.values()].filter((role) => role.path.startsWith(prefix)), params);
      return { Roles: items.map((role) => roleXml(role, false)), ...paging };
    },
    ListRoleTags: (params) => {
      const { items, ...paging } = page([...find(params).tags], params);
      return { Tags: tagsXml(new Map(items)), ...paging };
    },
    TagRole: (params) => {
      const role = find(params);
      for (const [key, value] of tagMap(params.Tags)) role.tags.set(key, value);
      return undefined;
    },
  };
}

/** `Tags.member.N.Key/Value` as decoded from the form. */
function tagMap(tags: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (!Array.isArray(tags)) return map;
  for (const tag of tags as Array<{ Key?: unknown; Value?: unknown }>) {
    if (typeof tag?.Key === 'string') map.set(tag.Key, typeof tag.Value === 'string' ? tag.Value : '');
  }
  return map;
}

/** `arn:aws:iam::aws:policy/service-role/X` → `/service-role/`. */
function policyPath(arn: string): string {
  const resource = arn.slice(arn.indexOf(':policy') + ':policy'.length);
  return resource.slice(0, resource.lastIndexOf('/') + 1);
}
