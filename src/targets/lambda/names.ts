import { createHash } from 'node:crypto';
import { projectMark, type Owner } from '../../core/owner';

/** The function: one per deployment name in an account and region (ownership tells projects apart). */
export const functionName = (name: string): string => `rdeploy-${name}`;

/** Role names are account-wide, layer descriptions short: the project's mark tells projects apart. */
export { projectMark };

/** The role (IAM names are global to the account: the project's mark keeps two projects apart). 64 characters at most. */
export const roleName = (owner: Owner): string => `rdeploy-${owner.name.slice(0, 38)}-${projectMark(owner.root)}`;

/** All of a deployment's layers start with this; one layer per package artefact ("01-r"). */
export const layerPrefix = (name: string): string => `rdeploy-${name}-`;
export const layerName = (name: string, artefact: string): string => `${layerPrefix(name)}${artefact}`;

/**
 * Layers cannot be tagged: their description carries the owner instead, and the zip's hash (a
 * redeploy with the same bytes reuses the version). At most 256 characters.
 */
export const layerDescription = (owner: Owner, sha256: string): string => `R Deploy ${owner.name} ${projectMark(owner.root)} sha256:${sha256}`;
export const layerOwnedBy = (description: string | undefined, owner: Owner): boolean =>
  description?.startsWith(`R Deploy ${owner.name} ${projectMark(owner.root)} `) ?? false;
export const layerSha = (description: string | undefined): string | undefined => /sha256:([0-9a-f]{64})$/.exec(description ?? '')?.[1];

export const logGroupName = (name: string): string => `/aws/lambda/${functionName(name)}`;

/** The managed policy that lets a function write its logs, and nothing else. */
export const BASIC_EXECUTION_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** Who may assume the role: Lambda only. */
export const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** The resource-policy statement that opens a NONE-auth function URL to everyone. */
export const URL_PERMISSION_ID = 'rdeploy-public-url';

/** The schedule (names are per account and region, like roles: the project's mark keeps projects apart). 64 characters at most. */
export const scheduleName = (owner: Owner): string => `rdeploy-${owner.name.slice(0, 38)}-${projectMark(owner.root)}`;
/** The role EventBridge Scheduler assumes to invoke the function. */
export const schedulerRoleName = (owner: Owner): string => `rdeploy-${owner.name.slice(0, 32)}-sched-${projectMark(owner.root)}`;
/** Schedules cannot be tagged (only their groups can): the description names the owner, as for layers. */
export const scheduleDescription = (owner: Owner): string => `R Deploy ${owner.name} ${projectMark(owner.root)}`;
export const scheduleOwnedBy = (description: string | undefined, owner: Owner): boolean => description === scheduleDescription(owner);

/** Who may assume the scheduler's role: EventBridge Scheduler only. */
export const SCHEDULER_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** The scheduler role's only permission: invoking this one function. */
export const invokeOnlyPolicy = (functionArn: string): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [functionArn, `${functionArn}:*`] }] });
export const INVOKE_POLICY_NAME = 'rdeploy-invoke-function';

/**
 * The S3 bucket a deploy stages zips over 50 MB in (Lambda takes larger ones only from S3): one
 * per deployment, lower-case, at most 63 characters; created, emptied and deleted by the deploy.
 */
export const stagingBucketName = (owner: Owner, account: string, region: string): string =>
  `rdeploy-${createHash('sha256').update(`${owner.root}\0${owner.name}\0${account}\0${region}`).digest('hex').slice(0, 24)}-staging`;

/** The ECR repository of an image-mode deployment. */
export const repositoryName = (name: string): string => `rdeploy/${name}`;
